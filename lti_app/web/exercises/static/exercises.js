/* Exercise pages: follow a round's phase without a reload (live, hybrid and asynchronous: a
 * deadline passing or an instructor ending a phase moves an open page on too).
 * The round page marks its phase region with data-phase-url (the group's phase.json) and
 * data-phase-key (the phase it shows). Every 2 s the script asks phase.json; when the key
 * differs it fetches the page again, swaps the phase region in place, and announces the new
 * phase in the page's aria-live status region. The "time left" counts down locally between
 * polls. Without scripts the page has a "Refresh" link instead. No other effect. */
(function () {
  "use strict";
  var POLL_MS = 2000;
  var region = document.getElementById("exercise-round");
  var status = document.getElementById("iv-status");
  if (!region || !region.getAttribute("data-phase-url")) {
    return;
  }
  var busy = false;

  function announce(text) {
    if (status) {
      status.textContent = "";
      status.textContent = text;
    }
  }

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function words(name, values) {
    /* The page's own words (data-* on the round region, from the catalogue in the page's
     * language), with {placeholders} filled. */
    var text = region.getAttribute("data-" + name) || "";
    Object.keys(values || {}).forEach(function (key) {
      text = text.split("{" + key + "}").join(String(values[key]));
    });
    return text;
  }

  function formatLeft(seconds) {
    /* The same wording as the server's pages.time_left_text: days for an async deadline. */
    if (seconds <= 0) {
      return words("time-up");
    }
    if (seconds >= 2 * 86400) {
      return words("days-left", { days: Math.floor(seconds / 86400) });
    }
    var minutes = Math.floor(seconds / 60);
    if (minutes >= 120) {
      return words("hours-left", { hours: Math.floor(minutes / 60), minutes: pad(minutes % 60) });
    }
    return words("minutes-left", { minutes: minutes, seconds: pad(seconds % 60) });
  }

  function tick() {
    var clock = document.getElementById("exercise-time-left");
    if (!clock) {
      return;
    }
    var ends = clock.getAttribute("data-ends-at");
    if (!ends) {
      return;
    }
    var seconds = Math.round((Date.parse(ends) - Date.now()) / 1000);
    clock.textContent = formatLeft(seconds);
  }

  function reloadRegion(closed) {
    /* The phase's name comes from the fresh page (data-phase-name), in the page's language,
     * as the course or the catalogue words it. */
    var request = new XMLHttpRequest();
    request.open("GET", window.location.href, true);
    request.responseType = "document";
    request.onload = function () {
      busy = false;
      if (request.status !== 200 || !request.response) {
        window.location.reload();
        return;
      }
      var fresh = request.response.getElementById("exercise-round");
      if (!fresh) {
        window.location.reload();
        return;
      }
      region.innerHTML = fresh.innerHTML;
      region.setAttribute("data-phase-key", fresh.getAttribute("data-phase-key") || "");
      hideRefresh();
      announce(
        closed
          ? words("closed-now")
          : words("next-phase", { name: fresh.getAttribute("data-phase-name") || "" })
      );
      tick();
    };
    request.onerror = function () {
      busy = false;
    };
    busy = true;
    request.send();
  }

  function poll() {
    if (busy) {
      return;
    }
    var request = new XMLHttpRequest();
    request.open("GET", region.getAttribute("data-phase-url"), true);
    request.setRequestHeader("Accept", "application/json");
    request.onload = function () {
      if (request.status !== 200) {
        return;
      }
      var state;
      try {
        state = JSON.parse(request.responseText);
      } catch (error) {
        return;
      }
      if (state && state.key !== region.getAttribute("data-phase-key")) {
        reloadRegion(state.closed);
      }
    };
    request.send();
  }

  function hideRefresh() {
    var refresh = document.getElementById("exercise-refresh");
    if (refresh && refresh.parentNode) {
      refresh.parentNode.hidden = true; // the page follows by itself now
    }
  }

  hideRefresh();
  window.setInterval(poll, POLL_MS);
  window.setInterval(tick, 1000);
  tick();
})();
