/* Intervision courseware, module progress: the "mark as done" button on module pages, the
   module facts placed under the heading, and the done count and badges on overview and
   section pages. Needs iv-core.js. */
(function () {
  "use strict";

  var IV = window.intervisionCourseware;
  if (!IV) throw new Error("iv-progress.js needs iv-core.js loaded before it (mkdocs.yml extra_javascript).");
  var store = IV.store;

  function initDone(box, ctx) {
    if (!IV.once(box)) return;
    var key = ctx.ns + "done:" + ctx.page;
    var button = box.querySelector("button");
    var status = box.querySelector(".iv-done__status");
    box.hidden = false;
    function show(done) {
      button.setAttribute("aria-pressed", done ? "true" : "false");
      button.textContent = done
        ? IV.t("js.done_undo", "Done – press again to undo")
        : IV.t("module.done", "Mark this module as done");
      status.textContent = done
        ? IV.t("js.done_status",
          "You marked this module as done; this browser keeps it. Go on with the next module below.")
        : "";
    }
    show(Boolean(store.get(key)));
    button.addEventListener("click", function () {
      var done = button.getAttribute("aria-pressed") !== "true";
      var ok = done ? store.set(key, { at: new Date().toISOString() }) : store.remove(key);
      if (!ok) {
        status.textContent = store.problem(true);
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
      var path = IV.pagePath(new URL(link.getAttribute("href"), window.location.href), ctx.root);
      var isDone = Boolean(store.get(ctx.ns + "done:" + path));
      var badge = entry.querySelector(".iv-done-badge");
      entry.classList.toggle("is-done", isDone);
      if (isDone) done += 1;
      if (isDone && !badge) {
        badge = document.createElement("span");
        badge.className = "iv-done-badge";
        badge.textContent = IV.t("js.done_badge", "Done");
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
    box.querySelector(".iv-progress__text").textContent = total === 1
      ? IV.t("js.progress_one", "{done} of {total} module done", { done: done, total: total })
      : IV.t("js.progress_other", "{done} of {total} modules done", { done: done, total: total });
    var bar = box.querySelector("progress");
    bar.max = total || 1;
    bar.value = done;
    box.hidden = false;
  }

  /* The learner's own data for this course, as a file: done marks, answers, reflections. */
  function exportProgress(ctx) {
    var entries = {};
    store.keys(ctx.ns).forEach(function (key) {
      entries[key.slice(ctx.ns.length)] = store.get(key);
    });
    var data = {
      format: "intervision-progress",
      version: 1,
      course: IV.metaContent("intervision-course-title"),
      site: decodeURIComponent(ctx.root.pathname),
      exported_at: new Date().toISOString(),
      entries: entries
    };
    var blob = new Blob([JSON.stringify(data, null, 2) + "\n"], { type: "application/json" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = "my-intervision-progress.json";
    document.body.append(link);
    link.click();
    link.remove();
    window.setTimeout(function () { URL.revokeObjectURL(link.href); }, 0);
    return Object.keys(entries).length;
  }

  /* Delete what this browser keeps for the course; the option order seed stays, so questions
     keep the order the learner knows. */
  function resetProgress(ctx) {
    var kept = ctx.ns + IV.SEED_KEY;
    var removed = 0;
    store.keys(ctx.ns).forEach(function (key) {
      if (key !== kept && store.remove(key)) removed += 1;
    });
    return removed;
  }

  function initTools(tools, ctx, progressBox) {
    if (!IV.once(tools)) return;
    var confirmBox = tools.querySelector(".iv-reset-confirm");
    var ask = tools.querySelector('[data-iv-action="reset-progress"]');
    var status = tools.querySelector(".iv-progress__tools-status");
    tools.hidden = false;
    function closeConfirm() {
      confirmBox.hidden = true;
      ask.setAttribute("aria-expanded", "false");
    }
    tools.addEventListener("click", function (event) {
      var target = event.target.closest("[data-iv-action]");
      if (!target) return;
      var action = target.getAttribute("data-iv-action");
      if (action === "export-progress") {
        var count = exportProgress(ctx);
        status.textContent = count === 1
          ? IV.t("js.downloaded_one", "Downloaded {n} saved item as my-intervision-progress.json.",
            { n: count })
          : IV.t("js.downloaded_other",
            "Downloaded {n} saved items as my-intervision-progress.json.", { n: count });
      } else if (action === "reset-progress") {
        confirmBox.hidden = false;
        ask.setAttribute("aria-expanded", "true");
        confirmBox.querySelector('[data-iv-action="reset-cancel"]').focus();
      } else if (action === "reset-cancel") {
        closeConfirm();
        status.textContent = IV.t("js.nothing_deleted", "Nothing was deleted.");
        ask.focus();
      } else if (action === "reset-confirm") {
        var removed = resetProgress(ctx);
        closeConfirm();
        initProgress(progressBox, ctx);
        status.textContent = removed === 1
          ? IV.t("js.deleted_one",
            "Deleted {n} saved item from this browser: your progress starts again.", { n: removed })
          : IV.t("js.deleted_other",
            "Deleted {n} saved items from this browser: your progress starts again.",
            { n: removed });
        ask.focus();
      }
    });
  }

  IV.onPage(function () {
    var ctx = IV.context();
    IV.each("[data-iv-done]", function (box) { initDone(box, ctx); });
    IV.each("[data-iv-progress]", function (box) {
      initProgress(box, ctx);
      var tools = box.querySelector(".iv-progress__tools");
      if (tools) initTools(tools, ctx, box);
    });
    placeModuleFacts();
  });
})();
