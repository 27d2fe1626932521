/* Intervision courseware: self-checks, reflections, module progress and activity links.
   Plain JavaScript, no dependencies, no network: everything a learner does is kept in this
   browser's localStorage under keys namespaced per course ("intervision:<site path>:..."). */
(function () {
  "use strict";

  document.documentElement.classList.add("iv-js");

  var STORAGE_BLOCKED =
    "Could not save: this browser blocks local storage here. Copy your text somewhere safe.";
  var STORAGE_FULL =
    "Could not save: this browser's storage for this site is full. Copy your text somewhere safe.";

  var store = {
    lastError: null,
    /* Why the last write failed, in words a learner can act on. */
    problem: function () {
      var error = store.lastError;
      var full = error && (error.name === "QuotaExceededError" ||
        error.name === "NS_ERROR_DOM_QUOTA_REACHED" || error.code === 22 || error.code === 1014);
      return full ? STORAGE_FULL : STORAGE_BLOCKED;
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

  /* ---------- Self-check questions ---------- */

  /* Answers saved before self-checks had stable keys were filed under their position
     ("#self-check-2") with option numbers as values: move them to the new key once. */
  function migratePositionalAnswer(ctx, position, key, inputs) {
    var oldKey = ctx.ns + "selfcheck:" + ctx.page + "#self-check-" + position;
    var old = store.get(oldKey);
    if (!old || !Array.isArray(old.selected)) return null;
    var selected = old.selected.map(function (number) {
      var input = inputs[Number(number) - 1];
      return input ? input.value : null;
    });
    if (!selected.length || selected.indexOf(null) !== -1) return null;
    var answer = { selected: selected, checked: Boolean(old.checked) };
    if (store.set(key, answer)) store.remove(oldKey);
    return answer;
  }

  function initSelfCheck(form, ctx, position) {
    if (!once(form)) return;
    var key = ctx.ns + "selfcheck:" + ctx.page + "#" + form.getAttribute("data-iv-id");
    var multiple = form.getAttribute("data-iv-multiple") === "true";
    var inputs = Array.prototype.slice.call(form.querySelectorAll("input"));
    var result = form.querySelector(".iv-selfcheck__result");
    form.querySelector(".iv-selfcheck__actions").hidden = false;
    Array.prototype.forEach.call(form.querySelectorAll("details"), function (details) {
      details.open = true; /* the option's reveal state decides visibility from now on */
    });

    function item(input) {
      return input.closest(".iv-selfcheck__option");
    }
    function isRight(input) {
      return item(input).getAttribute("data-iv-correct") === "true";
    }
    function feedbackText(input) {
      return textWithout(item(input).querySelector(".iv-feedback__text"), "script");
    }
    function clearVerdicts() {
      inputs.forEach(function (input) {
        item(input).classList.remove("is-revealed", "is-right", "is-wrong");
      });
    }
    function selectedValues() {
      return inputs.filter(function (input) { return input.checked; })
        .map(function (input) { return input.value; });
    }

    /* quiet: a verdict restored on page load is shown but not announced (aria-live off until
       the learner works with this question again), so a page with saved answers does not
       read out every verdict when it opens. */
    function check(saveIt, quiet) {
      var chosen = inputs.filter(function (input) { return input.checked; });
      clearVerdicts();
      if (!chosen.length) {
        announce(result, function (region) {
          region.textContent = multiple
            ? "Choose at least one answer, then check."
            : "Choose an answer, then check.";
        });
        inputs[0].focus(); /* the keyboard user lands where the answer is chosen */
        return;
      }
      var allRight = inputs.every(function (input) { return input.checked === isRight(input); });
      var missed = inputs.some(function (input) { return !input.checked && isRight(input); });
      chosen.forEach(function (input) {
        item(input).classList.add("is-revealed", isRight(input) ? "is-right" : "is-wrong");
      });
      var explanation = chosen.map(feedbackText).join(" ");
      if (multiple && !allRight && missed) {
        explanation += " Another right answer is still unchosen.";
      }
      (quiet ? show : announce)(result, function (region) {
        var line = document.createElement("p");
        line.className = allRight ? "iv-result iv-result--right" : "iv-result iv-result--wrong";
        var icon = document.createElement("span");
        icon.className = "iv-verdict__icon";
        icon.setAttribute("aria-hidden", "true");
        icon.textContent = allRight ? "✓" : "✗";
        var verdict = document.createElement("strong");
        verdict.textContent = allRight ? "Correct." : "Not quite.";
        var detail = document.createElement("span");
        detail.className = "iv-sr-only"; /* the same text is visible next to each option */
        detail.textContent = " " + explanation;
        line.append(icon, " ", verdict, detail);
        if (!allRight) {
          var hint = document.createElement("span");
          hint.textContent = " Read the feedback, change your answer and check again.";
          line.append(hint);
        }
        region.append(line);
      });
      if (saveIt) store.set(key, { selected: selectedValues(), checked: true });
    }

    function show(region, build) {
      silence(region);
      region.setAttribute("aria-live", "off");
      build(region);
    }
    function speakAgain() {
      result.setAttribute("aria-live", "polite");
    }

    form.addEventListener("focusin", speakAgain);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      speakAgain();
      check(true);
    });
    form.addEventListener("change", function () {
      speakAgain();
      clearVerdicts();
      silence(result);
      store.set(key, { selected: selectedValues(), checked: false });
    });

    var saved = store.get(key) || migratePositionalAnswer(ctx, position, key, inputs);
    if (saved && Array.isArray(saved.selected)) {
      var known = inputs.filter(function (input) {
        return saved.selected.indexOf(input.value) !== -1;
      });
      if (!known.length) {
        store.remove(key); /* the options were rewritten: nothing of the old answer applies */
        return;
      }
      inputs.forEach(function (input) { input.checked = known.indexOf(input) !== -1; });
      if (saved.checked) check(false, true);
    }
  }

  /* ---------- Reflections ---------- */

  function initReflection(box, ctx, order) {
    if (!once(box)) return;
    var key = reflectionKey(ctx, box);
    var textarea = box.querySelector("textarea");
    var status = box.querySelector(".iv-reflection__status");
    var mirror = box.querySelector(".iv-reflection__print");
    var prompt = textWithout(box.querySelector(".iv-reflection__prompt"), "script");
    var timer = null;
    box.querySelector(".iv-reflection__actions").hidden = false;

    var saved = store.get(key);
    if (saved && typeof saved.text === "string") {
      textarea.value = saved.text;
      status.textContent = "Saved in this browser.";
    } else {
      status.textContent = "Type your answer: it is saved in this browser as you write.";
    }
    mirror.textContent = textarea.value;

    function save() {
      timer = null;
      var text = textarea.value;
      var ok = text.trim()
        ? store.set(key, {
            text: text,
            prompt: prompt,
            title: pageTitle(),
            page: ctx.page,
            order: order,
            updated: new Date().toISOString()
          })
        : store.remove(key);
      status.textContent = ok ? "Saved in this browser." : store.problem();
    }
    function flush() {
      if (timer !== null) {
        window.clearTimeout(timer);
        save();
      }
    }
    textarea.addEventListener("input", function () {
      mirror.textContent = textarea.value;
      if (timer !== null) window.clearTimeout(timer);
      timer = window.setTimeout(save, 500);
    });
    textarea.addEventListener("blur", flush);
    window.addEventListener("pagehide", flush);
  }

  function reflectionKey(ctx, box) {
    return ctx.ns + "reflection:" + ctx.page + "#" + box.getAttribute("data-iv-reflection");
  }

  /* Everything saved in this browser, with this page's boxes taken as they are on screen:
     when saving failed (storage blocked or full) the learner can still print or download
     what they just wrote. Entries of older or damaged shape are read defensively. */
  function savedReflections(ctx) {
    var byKey = {};
    store.keys(ctx.ns + "reflection:").forEach(function (key) {
      var entry = store.get(key);
      if (entry && typeof entry.text === "string" && entry.text.trim()) byKey[key] = entry;
    });
    Array.prototype.forEach.call(document.querySelectorAll(".iv-reflection"), function (box, order) {
      var textarea = box.querySelector("textarea");
      if (!textarea) return;
      var key = reflectionKey(ctx, box);
      if (!textarea.value.trim()) {
        delete byKey[key];
        return;
      }
      byKey[key] = {
        text: textarea.value,
        prompt: textWithout(box.querySelector(".iv-reflection__prompt"), "script"),
        title: pageTitle(),
        page: ctx.page,
        order: order
      };
    });
    return Object.keys(byKey)
      .map(function (key) {
        var entry = byKey[key];
        return {
          text: entry.text,
          prompt: typeof entry.prompt === "string" ? entry.prompt : "",
          title: typeof entry.title === "string" && entry.title ? entry.title : String(entry.page || ""),
          page: String(entry.page || ""),
          order: Number(entry.order) || 0
        };
      })
      .sort(function (a, b) {
        if (a.page !== b.page) return a.page < b.page ? -1 : 1;
        return a.order - b.order;
      });
  }

  function courseTitle() {
    return metaContent("intervision-course-title") || document.title;
  }

  function downloadReflections(entries) {
    var lines = ["# My reflections: " + courseTitle(), ""];
    entries.forEach(function (entry) {
      lines.push("## " + entry.title, "");
      if (entry.prompt) {
        entry.prompt.split("\n").forEach(function (line) { lines.push("> " + line); });
      }
      lines.push("", entry.text.trim(), "");
    });
    var blob = new Blob([lines.join("\n")], { type: "text/markdown;charset=utf-8" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = "my-reflections.md";
    document.body.append(link);
    link.click();
    link.remove();
    window.setTimeout(function () { URL.revokeObjectURL(link.href); }, 10000);
  }

  function printReflections(entries) {
    /* A sheet left behind by a browser that never sent afterprint would print twice. */
    each(".iv-print-all", function (old) { old.remove(); });
    var sheet = document.createElement("section");
    sheet.className = "iv-print-all";
    var heading = document.createElement("h1");
    heading.textContent = "My reflections: " + courseTitle();
    sheet.append(heading);
    entries.forEach(function (entry) {
      var title = document.createElement("h2");
      title.textContent = entry.title;
      var prompt = document.createElement("blockquote");
      prompt.textContent = entry.prompt;
      var answer = document.createElement("div");
      answer.className = "iv-print-all__answer";
      answer.textContent = entry.text;
      sheet.append(title, prompt, answer);
    });
    document.body.append(sheet);
    document.documentElement.classList.add("iv-printing-all");
    window.addEventListener("afterprint", function cleanUp() {
      window.removeEventListener("afterprint", cleanUp);
      document.documentElement.classList.remove("iv-printing-all");
      sheet.remove();
    });
    window.print();
  }

  function onReflectionAction(event) {
    var button = event.target.closest && event.target.closest("[data-iv-action]");
    if (!button) return;
    var box = button.closest(".iv-reflection");
    var ctx = context();
    each(".iv-reflection textarea", function (textarea) {
      textarea.dispatchEvent(new Event("blur")); /* save what was just typed first */
    });
    var entries = savedReflections(ctx);
    if (!entries.length) {
      var status = box && box.querySelector(".iv-reflection__status");
      if (status) status.textContent = "You have not saved any reflections in this browser yet.";
      return;
    }
    if (button.getAttribute("data-iv-action") === "download-reflections") {
      downloadReflections(entries);
    } else {
      printReflections(entries);
    }
  }

  /* ---------- Module progress ---------- */

  function initDone(box, ctx) {
    if (!once(box)) return;
    var key = ctx.ns + "done:" + ctx.page;
    var button = box.querySelector("button");
    var status = box.querySelector(".iv-done__status");
    box.hidden = false;
    function show(done) {
      button.setAttribute("aria-pressed", done ? "true" : "false");
      status.textContent = done ? "Done. Your progress is saved in this browser." : "";
    }
    show(Boolean(store.get(key)));
    button.addEventListener("click", function () {
      var done = button.getAttribute("aria-pressed") !== "true";
      var ok = done ? store.set(key, { at: new Date().toISOString() }) : store.remove(key);
      if (!ok) {
        status.textContent = store.problem().replace(" Copy your text somewhere safe.", "");
        return;
      }
      show(done);
    });
  }

  function placeModuleFacts() {
    var facts = document.querySelector("[data-iv-module-facts]");
    var heading = facts && facts.parentNode.querySelector("h1");
    if (facts && heading && facts.compareDocumentPosition(heading) & Node.DOCUMENT_POSITION_FOLLOWING) {
      heading.after(facts); /* DOM move: reading order matches what is seen */
    }
  }

  function initProgress(box, ctx) {
    var entries = document.querySelectorAll("[data-iv-module]");
    var done = 0;
    Array.prototype.forEach.call(entries, function (entry) {
      var link = entry.querySelector("a[href]:not(.headerlink)");
      if (!link) return;
      var path = pagePath(new URL(link.getAttribute("href"), window.location.href), ctx.root);
      var isDone = Boolean(store.get(ctx.ns + "done:" + path));
      var badge = entry.querySelector(".iv-done-badge");
      entry.classList.toggle("is-done", isDone);
      if (isDone) done += 1;
      if (isDone && !badge) {
        badge = document.createElement("span");
        badge.className = "iv-done-badge";
        badge.textContent = "Done";
        link.after(" ", badge);
      } else if (!isDone && badge) {
        badge.remove();
      }
    });
    var total = entries.length;
    var scope = box.getAttribute("data-iv-scope");
    if (scope !== null) {
      /* A sectioned overview lists parts, not modules: count the saved "done" module pages. */
      total = Number(box.getAttribute("data-iv-total")) || 0;
      done = Math.min(total, store.keys(ctx.ns + "done:" + scope).length);
    }
    box.querySelector(".iv-progress__text").textContent =
      done + " of " + total + " module" + (total === 1 ? "" : "s") + " done";
    var bar = box.querySelector("progress");
    bar.max = total || 1;
    bar.value = done;
    box.hidden = false;
  }

  /* ---------- Activities ---------- */

  function toolBase() {
    var raw = metaContent("intervision-tool-url");
    if (!raw) return "";
    try {
      var url = new URL(raw, window.location.href);
      if (url.protocol !== "https:" && url.protocol !== "http:") return "";
      return url.href.replace(/\/+$/, "");
    } catch (error) {
      return "";
    }
  }

  function initActivity(card, base) {
    var open = card.querySelector(".iv-activity__open");
    var link = open && open.querySelector("a");
    if (!link) return;
    link.href = base + "/activities/" + encodeURIComponent(card.getAttribute("data-iv-activity"));
    open.hidden = false;
    card.querySelector(".iv-activity__where").textContent =
      "This activity runs in the intervision tool of your course's learning platform.";
  }

  /* ---------- Start ---------- */

  /* Material's search dialog has no accessible name (axe aria-dialog-name, serious). */
  function nameSearchDialog() {
    each('.md-search[role="dialog"]:not([aria-label]):not([aria-labelledby])', function (dialog) {
      dialog.setAttribute("aria-label", "Search");
    });
  }

  function init() {
    var ctx = context();
    nameSearchDialog();
    var position = 0;
    each("form.iv-selfcheck", function (form) { initSelfCheck(form, ctx, ++position); });
    var order = 0;
    each(".iv-reflection", function (box) { initReflection(box, ctx, order++); });
    each("[data-iv-done]", function (box) { initDone(box, ctx); });
    each("[data-iv-progress]", function (box) { initProgress(box, ctx); });
    placeModuleFacts();
    var base = toolBase();
    if (base) each("[data-iv-activity]", function (card) { initActivity(card, base); });
  }

  document.addEventListener("click", onReflectionAction);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
  /* Material's instant navigation swaps pages without a reload; init is idempotent. */
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  }
})();
