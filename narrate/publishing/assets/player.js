// Adds seeking, playback speed and the current-sentence marker to an episode page.
// The page works without this file. It never starts playback and never moves focus: a screen reader
// user's reading position must stay where they left it while the audio plays.
(function () {
  "use strict";

  const audio = document.getElementById("player");
  if (!audio) {
    return;
  }
  // Everything in the transcript that is heard at a time: sentences, and the headings' text (never links).
  const sentences = Array.from(document.querySelectorAll(".transcript [data-start]"));
  const starts = sentences.map((element) => parseFloat(element.dataset.start));
  // Seeking lands a hair before a cue's start on some codecs; count that as being in the cue.
  const TOLERANCE = 0.05;
  let current = null;
  const roving = transcriptLinks();

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
      roving.follow(next);
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
    const link = event.target.closest("a[href][data-start]");
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

  // The transcript's sentences become links, and the whole transcript one Tab stop (a roving tabindex, as in
  // the WAI-ARIA Authoring Practices): the arrow keys move between sentences, Home and End to either end, so
  // a long article costs a keyboard user one stop on the way to what follows it, not hundreds.
  function transcriptLinks() {
    const links = Array.from(document.querySelectorAll(".transcript a.sentence[data-fragment]"));
    const position = new Map(links.map((link, index) => [link, index]));
    let stop = null;
    const setStop = (link) => {
      if (stop) {
        stop.tabIndex = -1;
      }
      stop = link;
      stop.tabIndex = 0;
    };
    for (const link of links) {
      link.setAttribute("href", "#" + link.dataset.fragment);
      link.tabIndex = -1;
    }
    if (links.length) {
      setStop(links[0]);
    }
    const container = document.querySelector(".transcript");
    if (container && links.length) {
      container.addEventListener("keydown", (event) => {
        const index = position.get(event.target);
        if (index === undefined || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) {
          return;
        }
        const moves = {
          ArrowDown: index + 1, ArrowRight: index + 1, ArrowUp: index - 1, ArrowLeft: index - 1,
          Home: 0, End: links.length - 1,
        };
        if (!(event.key in moves)) {
          return;
        }
        event.preventDefault();
        const next = links[Math.min(Math.max(moves[event.key], 0), links.length - 1)];
        setStop(next);
        next.focus();
      });
      // A click, or a screen reader's cursor, that focuses a sentence makes it the transcript's Tab stop.
      container.addEventListener("focusin", (event) => {
        if (position.has(event.target) && event.target !== stop) {
          setStop(event.target);
        }
      });
    }
    return {
      // While focus is elsewhere, Tab into the transcript lands on the sentence being heard.
      follow(element) {
        if (position.has(element) && !(container && container.contains(document.activeElement))) {
          setStop(element);
        }
      },
    };
  }

  for (const help of document.querySelectorAll("[data-transcript-help]")) {
    help.hidden = false;
  }
})();
