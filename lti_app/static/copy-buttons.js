/*
 * Copy buttons for the set-up pages. Each element with class "copy-value" gets a button right
 * after it, named "Copy <data-copy-label>"; pressing it (mouse, Enter or Space) puts the
 * element's text on the clipboard and says so in the page's status region (#copy-status,
 * role=status), so screen readers announce it. Without JavaScript there are no buttons and
 * the values stay plain, selectable text. No third-party code, no inline script (CSP).
 */
(function () {
  "use strict";

  var status = document.getElementById("copy-status");

  // The words come from the page (data-* on #copy-status, translated by the server), with
  // English as the fallback; "{label}" stands for the value's name.
  function words(name, fallback, label) {
    var text = (status && status.getAttribute("data-" + name)) || fallback;
    return text.split("{label}").join(label);
  }

  function announce(text) {
    if (!status) { return; }
    status.textContent = "";
    // A fresh text node after a tick, so the same message is announced again on a repeat.
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function copyBySelection(source) {
    var selection = window.getSelection();
    var range = document.createRange();
    range.selectNodeContents(source);
    selection.removeAllRanges();
    selection.addRange(range);
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
    return copied;
  }

  function copy(source, label, button) {
    var text = source.textContent;
    function done() {
      // The name stays "Copy …" (what a voice-control user says); the mark is visual only.
      button.classList.add("copy-button--done");
      announce(words("copied", "Copied {label}.", label));
      window.setTimeout(function () { button.classList.remove("copy-button--done"); }, 2000);
    }
    function failed() {
      copyBySelection(source) ? done() : announce(words("copy-failed",
        "Could not copy {label}: the text is selected, press Control+C (Command+C on a Mac).",
        label));
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, failed);
    } else {
      failed();
    }
  }

  function addButton(source) {
    var label = source.getAttribute("data-copy-label") || words("value", "value", "");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = words("copy", "Copy", label);
    button.setAttribute("aria-label", words("copy-named", "Copy {label}", label));
    button.addEventListener("click", function () { copy(source, label, button); });
    var anchor = source.parentNode && source.parentNode.tagName === "PRE" ? source.parentNode : source;
    anchor.insertAdjacentElement("afterend", button);
  }

  Array.prototype.forEach.call(document.querySelectorAll(".copy-value"), addButton);
})();
