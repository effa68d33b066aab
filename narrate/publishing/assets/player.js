// Adds seeking, playback speed and the current-sentence marker to an episode page.
// The page works without this file. It never starts playback and never moves focus: a screen reader
// user's reading position must stay where they left it while the audio plays.
(function () {
  "use strict";

  const audio = document.getElementById("player");
  if (!audio) {
    return;
  }
  const sentences = Array.from(document.querySelectorAll(".transcript a[data-start]"));
  const starts = sentences.map((link) => parseFloat(link.dataset.start));
  // Seeking lands a hair before a cue's start on some codecs; count that as being in the cue.
  const TOLERANCE = 0.05;
  let current = null;

  function sentenceAt(seconds) {
    let low = 0;
    let high = starts.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (starts[middle] <= seconds + TOLERANCE) {
        found = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found >= 0 ? sentences[found] : null;
  }

  function mark(seconds) {
    const next = sentenceAt(seconds);
    if (next === current) {
      return;
    }
    if (current) {
      current.removeAttribute("aria-current");
    }
    if (next) {
      next.setAttribute("aria-current", "true");
    }
    current = next;
  }

  function seek(seconds) {
    if (!Number.isFinite(seconds) || seconds < 0) {
      return;
    }
    audio.currentTime = seconds;
    mark(seconds);
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-start]");
    if (!link) {
      return;
    }
    event.preventDefault();
    seek(parseFloat(link.dataset.start));
    // The address now points at this moment, so it can be shared or bookmarked.
    history.replaceState(null, "", link.getAttribute("href"));
  });

  function seekToFragment() {
    const match = /^#t=(\d+(?:\.\d+)?)$/.exec(window.location.hash);
    if (match) {
      seek(parseFloat(match[1]));
    }
  }
  window.addEventListener("hashchange", seekToFragment);
  seekToFragment();

  audio.addEventListener("timeupdate", () => mark(audio.currentTime));
  audio.addEventListener("seeked", () => mark(audio.currentTime));

  const speeds = document.querySelector("[data-speeds]");
  if (speeds) {
    const buttons = Array.from(speeds.querySelectorAll("button[data-rate]"));
    const showRate = () => {
      for (const button of buttons) {
        const pressed = Math.abs(parseFloat(button.dataset.rate) - audio.playbackRate) < 0.001;
        button.setAttribute("aria-pressed", pressed ? "true" : "false");
      }
    };
    speeds.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-rate]");
      if (!button) {
        return;
      }
      const rate = parseFloat(button.dataset.rate);
      // Loading a new source resets playbackRate to the default; keep the listener's choice.
      audio.defaultPlaybackRate = rate;
      audio.playbackRate = rate;
    });
    // The native player's own speed menu changes the rate too; the buttons follow it.
    audio.addEventListener("ratechange", showRate);
    showRate();
    speeds.hidden = false;
  }

  for (const help of document.querySelectorAll("[data-transcript-help]")) {
    help.hidden = false;
  }
})();
