// "Copy" buttons for read-only fields (the feed address, the embed code). Without JavaScript the
// fields stay selectable and the buttons stay hidden.
(function () {
  "use strict";

  async function copy(field) {
    try {
      await navigator.clipboard.writeText(field.value);
      return true;
    } catch (error) {
      // Clipboard access can be refused (no secure context, no permission); fall back to a selection copy.
      field.focus();
      field.select();
      return document.execCommand("copy");
    }
  }

  for (const button of document.querySelectorAll("button[data-copy]")) {
    const field = document.getElementById(button.dataset.copy);
    const status = button.parentElement.querySelector("[data-copy-status]");
    if (!field) {
      continue;
    }
    button.addEventListener("click", async () => {
      const copied = await copy(field);
      if (status) {
        // Emptied first so that a second copy is announced again.
        status.textContent = "";
        window.setTimeout(() => {
          status.textContent = copied ? "Copied." : "Could not copy: select the text and copy it yourself.";
        }, 100);
      }
    });
    button.hidden = false;
  }
})();
