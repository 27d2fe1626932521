/* Intervision courseware in a SCORM package: tell the LMS when the learner finishes a module
   and, where the package asks for it (data-iv-scorm-scores), how many self-checks they got
   right. The runtime is found the standard way: this window and its parents, then the window
   that opened it and its parents; SCORM 2004 (API_1484_11) first, then SCORM 1.2 (API).
   Without a runtime (the page opened from disk, or in a Common Cartridge) it does nothing and
   the page works as in the site. Progress stays in localStorage too (iv-progress.js). */
(function () {
  "use strict";

  var script = document.currentScript;
  var wantScores = Boolean(script) && script.getAttribute("data-iv-scorm-scores") === "true";
  var MAX_HOPS = 500; /* the ADL discovery algorithm's limit on parent windows */

  function findFrom(start, name) {
    var win = start;
    for (var hops = 0; win && hops <= MAX_HOPS; hops++) {
      try {
        if (win[name]) return win[name];
      } catch (error) {
        return null; /* a window of another origin: the runtime is not up there */
      }
      if (!win.parent || win.parent === win) break;
      win = win.parent;
    }
    return null;
  }

  function find(name) {
    var found = findFrom(window, name);
    if (found) return found;
    try {
      var opener = window.top && window.top.opener;
      return opener ? findFrom(opener, name) : null;
    } catch (error) {
      return null;
    }
  }

  function runtime() {
    var api = find("API_1484_11");
    if (api) {
      return {
        start: function () { return api.Initialize(""); },
        get: function (key) { return api.GetValue(key); },
        set: function (key, value) { return api.SetValue(key, value); },
        commit: function () { return api.Commit(""); },
        finish: function () { return api.Terminate(""); },
        status: "cmi.completion_status",
        score: "cmi.score.",
        scaled: true
      };
    }
    api = find("API");
    if (!api) return null;
    return {
      start: function () { return api.LMSInitialize(""); },
      get: function (key) { return api.LMSGetValue(key); },
      set: function (key, value) { return api.LMSSetValue(key, value); },
      commit: function () { return api.LMSCommit(""); },
      finish: function () { return api.LMSFinish(""); },
      status: "cmi.core.lesson_status",
      score: "cmi.core.score.",
      scaled: false
    };
  }

  function connect() {
    var lms = runtime();
    if (!lms || String(lms.start()) !== "true") return; /* no LMS, or this SCO already ended */
    var finished = false;

    var status = String(lms.get(lms.status) || "");
    if (status === "" || status === "not attempted" || status === "unknown") {
      lms.set(lms.status, "incomplete");
      lms.commit();
    }

    function completed() {
      if (String(lms.get(lms.status)) === "completed" || finished) return;
      lms.set(lms.status, "completed");
      lms.commit();
    }

    var button = document.querySelector("[data-iv-done] button");
    if (button) {
      if (button.getAttribute("aria-pressed") === "true") completed();
      new MutationObserver(function () {
        if (button.getAttribute("aria-pressed") === "true") completed();
      }).observe(button, { attributes: true, attributeFilter: ["aria-pressed"] });
    }

    var forms = Array.prototype.slice.call(document.querySelectorAll("form.iv-selfcheck"));
    if (wantScores && forms.length) {
      var right = {}; /* a self-check answered right once stays counted: they are formative */
      var reported = Number(lms.get(lms.score + "raw")) || 0;
      var report = function () {
        forms.forEach(function (form, index) {
          if (form.querySelector(".iv-selfcheck__result .iv-result--right")) right[index] = true;
        });
        var raw = Math.round((100 * Object.keys(right).length) / forms.length);
        if (raw <= reported || finished) return;
        reported = raw;
        lms.set(lms.score + "min", "0");
        lms.set(lms.score + "max", "100");
        lms.set(lms.score + "raw", String(raw));
        if (lms.scaled) lms.set(lms.score + "scaled", String(raw / 100));
        lms.commit();
      };
      report();
      forms.forEach(function (form) {
        var result = form.querySelector(".iv-selfcheck__result");
        if (result) new MutationObserver(report).observe(result, { childList: true, subtree: true });
      });
    }

    window.addEventListener("pagehide", function () {
      if (finished) return;
      finished = true;
      lms.commit();
      lms.finish();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", connect);
  } else {
    connect();
  }
})();
