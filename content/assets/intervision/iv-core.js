/* Intervision courseware, shared core: safe storage, page context and live-region helpers.
   Loaded first (mkdocs.yml extra_javascript); the feature scripts after it (iv-selfcheck.js,
   iv-reflections.js, iv-progress.js, iv-activity.js) use only window.intervisionCourseware.
   Plain classic scripts, no dependencies, no network, so they work from file:// and under a
   CSP nonce. Everything a learner does is kept in this browser's localStorage under keys
   namespaced per course ("intervision:<site path>:..."). */
(function () {
  "use strict";

  document.documentElement.classList.add("iv-js");

  /* The page's words in its language: a translated build writes them into
     <script id="iv-text" type="application/json"> (site_builder/ui_text.py); without it (the
     English site) the English text written at each call is used. "{name}" takes values. */
  var words = null;
  function t(key, english, values) {
    if (words === null) {
      var node = document.getElementById("iv-text");
      try {
        words = node ? JSON.parse(node.textContent) : {};
      } catch (error) {
        words = {};
      }
    }
    var text = typeof words[key] === "string" ? words[key] : english;
    return text.replace(/\{(\w+)\}/g, function (match, name) {
      return values && Object.prototype.hasOwnProperty.call(values, name)
        ? String(values[name]) : match;
    });
  }

  /* localStorage can be blocked (privacy settings, sandboxed frames) or full: every access is
     guarded, reads fall back to "nothing saved", writes report failure to the caller. */
  var store = {
    lastError: null,
    /* Why the last write failed, in words a learner can act on; `brief`: without the
       advice to copy the text (a done mark has no text). */
    problem: function (brief) {
      var error = store.lastError;
      var full = error && (error.name === "QuotaExceededError" ||
        error.name === "NS_ERROR_DOM_QUOTA_REACHED" || error.code === 22 || error.code === 1014);
      var reason = full
        ? t("js.storage_full", "Could not save: this browser's storage for this site is full.")
        : t("js.storage_blocked", "Could not save: this browser blocks local storage here.");
      return brief ? reason : reason + " " + t("js.storage_copy", "Copy your text somewhere safe.");
    },
    get: function (key) {
      try {
        var raw = window.localStorage.getItem(key);
        return raw === null ? null : JSON.parse(raw);
      } catch (error) {
        return null;
      }
    },
    set: function (key, value) {
      try {
        window.localStorage.setItem(key, JSON.stringify(value));
        return true;
      } catch (error) {
        store.lastError = error;
        return false;
      }
    },
    remove: function (key) {
      try {
        window.localStorage.removeItem(key);
        return true;
      } catch (error) {
        store.lastError = error;
        return false;
      }
    },
    keys: function (prefix) {
      var found = [];
      try {
        for (var i = 0; i < window.localStorage.length; i++) {
          var key = window.localStorage.key(i);
          if (key && key.indexOf(prefix) === 0) found.push(key);
        }
      } catch (error) {
        /* storage blocked: nothing saved */
      }
      return found;
    }
  };

  function metaContent(name) {
    var meta = document.querySelector('meta[name="' + name + '"]');
    return meta ? meta.getAttribute("content") || "" : "";
  }

  function siteRoot() {
    var base = metaContent("intervision-site-root") || ".";
    return new URL(base.replace(/\/?$/, "/"), window.location.href);
  }

  /* A page's path relative to the site root, the same for /x/, /x/index.html and x.html. */
  function pagePath(url, root) {
    var path = decodeURIComponent(url.pathname);
    var rootPath = decodeURIComponent(root.pathname);
    if (path.indexOf(rootPath) === 0) path = path.slice(rootPath.length);
    return path.replace(/(^|\/)index\.html$/, "$1").replace(/\.html$/, "").replace(/\/$/, "");
  }

  function context() {
    var root = siteRoot();
    return {
      root: root,
      ns: "intervision:" + decodeURIComponent(root.pathname) + ":",
      page: pagePath(new URL(window.location.href), root)
    };
  }

  function textWithout(element, selector) {
    if (!element) return "";
    var copy = element.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll(selector), function (node) {
      node.remove();
    });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  function pageTitle() {
    var heading = document.querySelector(".md-content h1, article h1, h1");
    return textWithout(heading, ".headerlink") || document.title;
  }

  /* One pending message per live region: a second call (a double click, a changed answer)
     replaces the first instead of adding a second verdict after it. */
  function silence(region) {
    if (region.ivFrame) window.cancelAnimationFrame(region.ivFrame);
    region.ivFrame = 0;
    region.textContent = "";
  }

  function announce(region, build) {
    /* Clear first so a repeated message is announced again by screen readers. */
    silence(region);
    region.ivFrame = window.requestAnimationFrame(function () {
      region.ivFrame = 0;
      region.textContent = "";
      build(region);
    });
  }

  function each(selector, callback) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), callback);
  }

  function once(element) {
    if (element.getAttribute("data-iv-ready") === "true") return false;
    element.setAttribute("data-iv-ready", "true");
    return true;
  }

  /* Run a feature's set-up when the page is ready, and again after Material's instant
     navigation swaps the page (document$); set-ups are idempotent, so running twice is safe. */
  function onPage(setUp) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", setUp);
    } else {
      setUp();
    }
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(setUp);
    }
  }

  /* A random value made once per browser and course, kept with the learner's answers: it
     seeds the order of self-check options, so one learner always sees the same order (and
     saved answers and feedback stay with their options) while learners differ. */
  var SEED_KEY = "learner-seed";

  function learnerSeed(ctx) {
    var key = ctx.ns + SEED_KEY;
    var seed = store.get(key);
    if (typeof seed === "string" && /^[0-9a-f]{16}$/.test(seed)) return seed;
    if (!window.crypto || !window.crypto.getRandomValues) return null;
    var bytes = window.crypto.getRandomValues(new Uint8Array(8));
    seed = Array.prototype.map.call(bytes, function (b) {
      return (b < 16 ? "0" : "") + b.toString(16);
    }).join("");
    /* Without storage no order could be kept across a reload: keep the author's order. */
    return store.set(key, seed) ? seed : null;
  }

  window.intervisionCourseware = {
    t: t,
    SEED_KEY: SEED_KEY,
    learnerSeed: learnerSeed,
    store: store,
    metaContent: metaContent,
    pagePath: pagePath,
    context: context,
    textWithout: textWithout,
    pageTitle: pageTitle,
    silence: silence,
    announce: announce,
    each: each,
    once: once,
    onPage: onPage
  };
})();
