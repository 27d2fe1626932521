/* Intervision courseware, reflections: save each answer in this browser as it is typed, and
   print or download all of them (Markdown) at once. Needs iv-core.js. */
(function () {
  "use strict";

  var IV = window.intervisionCourseware;
  if (!IV) throw new Error("iv-reflections.js needs iv-core.js loaded before it (mkdocs.yml extra_javascript).");
  var store = IV.store;

  function reflectionKey(ctx, box) {
    return ctx.ns + "reflection:" + ctx.page + "#" + box.getAttribute("data-iv-reflection");
  }

  function initReflection(box, ctx, order) {
    if (!IV.once(box)) return;
    var key = reflectionKey(ctx, box);
    var textarea = box.querySelector("textarea");
    var status = box.querySelector(".iv-reflection__status");
    var mirror = box.querySelector(".iv-reflection__print");
    var prompt = IV.textWithout(box.querySelector(".iv-reflection__prompt"), "script");
    var timer = null;
    box.querySelector(".iv-reflection__actions").hidden = false;

    var saved = store.get(key);
    if (saved && typeof saved.text === "string") {
      textarea.value = saved.text;
      status.textContent = IV.t("js.saved", "Saved in this browser.");
    } else {
      status.textContent = IV.t("js.type_answer",
        "Type your answer: it is saved in this browser as you write.");
    }
    mirror.textContent = textarea.value;

    function save() {
      timer = null;
      var text = textarea.value;
      var ok = text.trim()
        ? store.set(key, {
            text: text,
            prompt: prompt,
            title: IV.pageTitle(),
            page: ctx.page,
            order: order,
            updated: new Date().toISOString()
          })
        : store.remove(key);
      status.textContent = ok ? IV.t("js.saved", "Saved in this browser.") : store.problem();
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
        prompt: IV.textWithout(box.querySelector(".iv-reflection__prompt"), "script"),
        title: IV.pageTitle(),
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
    return IV.metaContent("intervision-course-title") || document.title;
  }

  function myReflections() {
    return IV.t("js.my_reflections", "My reflections: {course}", { course: courseTitle() });
  }

  function downloadReflections(entries) {
    var lines = ["# " + myReflections(), ""];
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
    IV.each(".iv-print-all", function (old) { old.remove(); });
    var sheet = document.createElement("section");
    sheet.className = "iv-print-all";
    var heading = document.createElement("h1");
    heading.textContent = myReflections();
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
    var ctx = IV.context();
    IV.each(".iv-reflection textarea", function (textarea) {
      textarea.dispatchEvent(new Event("blur")); /* save what was just typed first */
    });
    var entries = savedReflections(ctx);
    if (!entries.length) {
      var status = box && box.querySelector(".iv-reflection__status");
      if (status) {
        status.textContent = IV.t("js.no_reflections",
          "You have not saved any reflections in this browser yet.");
      }
      return;
    }
    if (button.getAttribute("data-iv-action") === "download-reflections") {
      downloadReflections(entries);
    } else {
      printReflections(entries);
    }
  }

  /* Delegated, so the print/download buttons work on every page without per-button set-up. */
  document.addEventListener("click", onReflectionAction);
  IV.onPage(function () {
    var ctx = IV.context();
    var order = 0;
    IV.each(".iv-reflection", function (box) { initReflection(box, ctx, order++); });
  });
})();
