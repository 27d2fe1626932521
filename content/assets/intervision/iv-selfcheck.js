/* Intervision courseware, self-check questions: check an answer, show per-option feedback,
   keep the answer in this browser (keyed by the question's stable data-iv-id). Needs iv-core.js. */
(function () {
  "use strict";

  var IV = window.intervisionCourseware;
  if (!IV) throw new Error("iv-selfcheck.js needs iv-core.js loaded before it (mkdocs.yml extra_javascript).");
  var store = IV.store;

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

  /* FNV-1a: a 32-bit number from text, to seed the order of one question's options. */
  function hash(text) {
    var h = 0x811c9dc5;
    for (var i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h;
  }

  /* mulberry32: a small seeded generator; the same seed gives the same order every time. */
  function generator(seed) {
    var a = seed >>> 0;
    return function () {
      a = (a + 0x6d2b79f5) >>> 0;
      var t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  /* The options are moved in the DOM (Fisher-Yates), not reordered by CSS: reading order,
     Tab and arrow-key order are the order a learner sees. */
  function shuffleOptions(form, seed) {
    var list = form.querySelector(".iv-selfcheck__options");
    var items = Array.prototype.slice.call(list.children);
    if (!seed || items.length < 2) return;
    var random = generator(hash(seed + "|" + form.getAttribute("data-iv-id")));
    for (var i = items.length - 1; i > 0; i--) {
      var j = Math.floor(random() * (i + 1));
      var swap = items[i];
      items[i] = items[j];
      items[j] = swap;
    }
    items.forEach(function (item) { list.append(item); });
    form.setAttribute("data-iv-shuffled", "true");
  }

  function initSelfCheck(form, ctx, position, seed) {
    if (!IV.once(form)) return;
    var key = ctx.ns + "selfcheck:" + ctx.page + "#" + form.getAttribute("data-iv-id");
    var multiple = form.getAttribute("data-iv-multiple") === "true";
    var authorOrder = Array.prototype.slice.call(form.querySelectorAll("input"));
    shuffleOptions(form, seed);
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
      return IV.textWithout(item(input).querySelector(".iv-feedback__text"), "script");
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
        IV.announce(result, function (region) {
          region.textContent = multiple
            ? IV.t("js.choose_many", "Choose at least one answer, then check.")
            : IV.t("js.choose_one", "Choose an answer, then check.");
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
        explanation += " " + IV.t("js.another_right", "Another right answer is still unchosen.");
      }
      (quiet ? show : IV.announce)(result, function (region) {
        var line = document.createElement("p");
        line.className = allRight ? "iv-result iv-result--right" : "iv-result iv-result--wrong";
        var icon = document.createElement("span");
        icon.className = "iv-verdict__icon";
        icon.setAttribute("aria-hidden", "true");
        icon.textContent = allRight ? "✓" : "✗";
        var verdict = document.createElement("strong");
        var said = allRight ? IV.t("js.correct", "Correct.") : IV.t("js.not_quite", "Not quite.");
        verdict.textContent = said;
        var detail = document.createElement("span");
        detail.className = "iv-sr-only"; /* the same text is visible next to each option */
        /* Said once: feedback that opens with the same verdict is not preceded by it twice. */
        var opening = explanation.slice(0, said.length);
        detail.textContent = " " + (opening === said
          ? explanation.slice(said.length).replace(/^\s+/, "") : explanation);
        line.append(icon, " ", verdict, detail);
        if (!allRight) {
          var hint = document.createElement("span");
          hint.textContent = " " + IV.t("js.try_again",
            "Read the feedback, change your answer and check again.");
          line.append(hint);
        }
        region.append(line);
      });
      if (saveIt) store.set(key, { selected: selectedValues(), checked: true });
    }

    function show(region, build) {
      IV.silence(region);
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
      IV.silence(result);
      store.set(key, { selected: selectedValues(), checked: false });
    });

    var saved = store.get(key) || migratePositionalAnswer(ctx, position, key, authorOrder);
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

  IV.onPage(function () {
    var ctx = IV.context();
    var position = 0;
    var seed = document.querySelector("form.iv-selfcheck") ? IV.learnerSeed(ctx) : null;
    IV.each("form.iv-selfcheck", function (form) { initSelfCheck(form, ctx, ++position, seed); });
  });
})();
