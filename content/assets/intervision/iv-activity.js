/* Intervision courseware, activities and page chrome: activity cards become links into the
   LTI tool when the page names one (intervision-tool-url meta, set by the tool when it serves
   the course), Material's search dialog gets an accessible name and its scrolling table
   wrappers become focusable. Needs iv-core.js. */
(function () {
  "use strict";

  var IV = window.intervisionCourseware;
  if (!IV) throw new Error("iv-activity.js needs iv-core.js loaded before it (mkdocs.yml extra_javascript).");

  /* Only http(s) tool addresses: a javascript: or data: URL in the meta must not become a link. */
  function toolBase() {
    var raw = IV.metaContent("intervision-tool-url");
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
    card.querySelector(".iv-activity__where").textContent = IV.t("activity.in_tool",
      "This activity runs in the intervision tool of your course's learning platform.");
  }

  /* Material's search dialog has no accessible name (axe aria-dialog-name, serious). */
  function nameSearchDialog() {
    IV.each('.md-search[role="dialog"]:not([aria-label]):not([aria-labelledby])', function (dialog) {
      dialog.setAttribute("aria-label", IV.t("js.search", "Search"));
    });
  }

  /* On a narrow screen Material's table wrapper scrolls sideways; keyboard users must be able
     to scroll it too (axe scrollable-region-focusable, serious): focusable, named region. */
  function focusableTables() {
    IV.each(".md-typeset__scrollwrap:not([tabindex])", function (wrap) {
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", IV.t("js.table", "Table (scrolls sideways on small screens)"));
    });
  }

  window.addEventListener("load", focusableTables);

  IV.onPage(function () {
    nameSearchDialog();
    focusableTables();
    var base = toolBase();
    if (base) IV.each("[data-iv-activity]", function (card) { initActivity(card, base); });
  });
})();
