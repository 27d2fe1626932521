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
      var path = IV.pagePath(new URL(link.getAttribute("href"), window.location.href), ctx.root);
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

  IV.onPage(function () {
    var ctx = IV.context();
    IV.each("[data-iv-done]", function (box) { initDone(box, ctx); });
    IV.each("[data-iv-progress]", function (box) { initProgress(box, ctx); });
    placeModuleFacts();
  });
})();
