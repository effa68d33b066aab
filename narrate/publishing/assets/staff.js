// Keeps the staff page's episode table current. Cells are updated in place, so focus and the
// reading position stay put; the table is not a live region, so refreshes are not announced.
// The banner about the episode just queued (a polite live region) says when it is published or fails.
(function () {
  "use strict";

  const table = document.querySelector("table[data-episodes]");
  if (!table) {
    return;
  }
  const body = table.tBodies[0];
  const source = table.dataset.episodes;
  const INTERVAL_MS = 4000;
  const LABELS = ["Feed", "Status", "Progress", "Reason or note"]; // as in staff.html, for the phone layout
  const banner = document.getElementById("queue-status");
  const feedTitles = new Map(
    Array.from(document.querySelectorAll("select#feed option")).map((option) => [option.value, option.textContent])
  );

  function safeUrl(url) {
    return typeof url === "string" && /^(https?:\/\/|\/)/i.test(url) ? url : "";
  }

  function capitalise(text) {
    return text ? text.charAt(0).toUpperCase() + text.slice(1) : "";
  }

  function setText(cell, text) {
    if (cell.textContent !== text) {
      cell.textContent = text;
    }
  }

  function titleCell(cell, episode) {
    const title = episode.title || "Untitled";
    const href = episode.status === "published" ? safeUrl(episode.page_url) : "";
    const link = cell.querySelector("a");
    if (href && link && link.getAttribute("href") === href) {
      setText(link, title);
      return;
    }
    if (!href && !link) {
      setText(cell, title);
      return;
    }
    cell.textContent = "";
    if (href) {
      const anchor = document.createElement("a");
      anchor.href = href;
      anchor.textContent = title;
      cell.appendChild(anchor);
    } else {
      cell.textContent = title;
    }
  }

  function progressCell(cell, percent) {
    let bar = cell.querySelector("progress");
    let label = cell.querySelector("span");
    if (!bar || !label) {
      cell.textContent = "";
      bar = document.createElement("progress");
      bar.max = 100;
      bar.setAttribute("aria-hidden", "true");
      label = document.createElement("span");
      cell.append(bar, " ", label);
    }
    bar.value = percent;
    setText(label, percent + "%");
  }

  function newRow(id) {
    const row = document.createElement("tr");
    row.dataset.id = id;
    const header = document.createElement("th");
    header.scope = "row";
    row.appendChild(header);
    for (const label of LABELS) {
      const cell = document.createElement("td");
      cell.dataset.label = label;
      row.appendChild(cell);
    }
    return row;
  }

  // Worded as queued_message in narrate/web/staff.py. Only an outcome is announced, once.
  function followBanner(episodes) {
    if (!banner || !banner.dataset.episode) {
      return;
    }
    const episode = episodes.find((item) => String(item.id) === banner.dataset.episode);
    const status = episode ? String(episode.status || "") : "";
    if (!episode || status === banner.dataset.status || (status !== "published" && status !== "failed")) {
      return;
    }
    const title = episode.title || "Untitled";
    const message = document.createElement("p");
    if (status === "published") {
      message.textContent = "Published \u201c" + title + "\u201d.";
    } else {
      message.className = "failed";
      message.textContent = "\u201c" + title + "\u201d failed: " + (episode.reason || "no reason was recorded");
    }
    banner.dataset.status = status;
    banner.replaceChildren(message);
  }

  // Rows move as episodes change (the newest activity first). moveBefore keeps focus on a link in a moved row,
  // where insertBefore would drop it to the page; browsers without it fall back.
  function place(row, before) {
    if (row.isConnected && typeof body.moveBefore === "function") {
      body.moveBefore(row, before);
    } else {
      body.insertBefore(row, before);
    }
  }

  function update(episodes) {
    const existing = new Map(Array.from(body.rows).map((row) => [row.dataset.id, row]));
    let previous = null;
    for (const episode of episodes) {
      const id = String(episode.id);
      let row = existing.get(id);
      existing.delete(id);
      if (!row) {
        row = newRow(id);
      }
      const expectedPlace = previous ? previous.nextElementSibling : body.firstElementChild;
      if (row !== expectedPlace) {
        place(row, expectedPlace);
      }
      const cells = row.cells;
      titleCell(cells[0], episode);
      setText(cells[1], feedTitles.get(episode.feed) || String(episode.feed || ""));
      setText(cells[2], capitalise(String(episode.status || "").replace(/_/g, " ")));
      progressCell(cells[3], Math.max(0, Math.min(100, Number(episode.progress) || 0)));
      setText(cells[4], String(episode.reason || episode.notice || ""));
      previous = row;
    }
    for (const row of existing.values()) {
      const placeholder = row.dataset.id === undefined;
      if ((placeholder && episodes.length === 0) || row.contains(document.activeElement)) {
        continue;
      }
      row.remove();
    }
    if (!body.rows.length) {
      const row = document.createElement("tr");
      const cell = document.createElement("td");
      cell.colSpan = 5;
      cell.textContent = "No episodes yet.";
      row.appendChild(cell);
      body.appendChild(row);
    }
  }

  async function refresh() {
    if (document.hidden) {
      return true;
    }
    try {
      const response = await fetch(source, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.status === 401 || response.status === 403) {
        return false; // logged out: stop polling; the next action shows the login page
      }
      if (response.ok) {
        const data = await response.json();
        if (Array.isArray(data.episodes)) {
          update(data.episodes);
          followBanner(data.episodes);
        }
      }
    } catch (error) {
      // A dropped connection is retried at the next tick.
    }
    return true;
  }

  async function loop() {
    if (await refresh()) {
      window.setTimeout(loop, INTERVAL_MS);
    }
  }
  window.setTimeout(loop, INTERVAL_MS);
})();
