// LTI Platform Storage, tool side (1EdTech "LTI Client Side postMessages" + "Platform Storage").
// The login page stores the state's secret with the platform (lti.put_data), the launch page
// reads it back (lti.get_data). Messages go only to the frame the login named, with the
// platform's origin as targetOrigin; an answer counts only if it comes from that origin, from
// that window, with the message id we sent. Anything else is ignored.
(function () {
  "use strict";
  var box = document.getElementById("lti-platform-storage");
  if (!box) { return; }
  var frameName = box.getAttribute("data-target");
  var origin = box.getAttribute("data-origin");
  var timeout = parseInt(box.getAttribute("data-timeout"), 10) || 4000;

  function targetWindow() {
    if (window.parent === window) { return null; }
    if (frameName === "_parent") { return window.parent; }
    try { return window.parent.frames[frameName] || null; } catch (e) { return null; }
  }

  function messageId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function ask(message, onAnswer, onFailure) {
    var target = targetWindow();
    if (!target) { onFailure(); return; }
    var id = messageId();
    var finished = false;
    function finish() {
      finished = true;
      window.clearTimeout(timer);
      window.removeEventListener("message", listen);
    }
    function listen(event) {
      if (finished || event.origin !== origin || event.source !== target) { return; }
      var data = event.data;
      if (!data || typeof data !== "object" || data.message_id !== id ||
          data.subject !== message.subject + ".response") { return; }
      if (!data.error && data.key !== message.key) { return; }
      finish();
      if (data.error) { onFailure(); } else { onAnswer(data); }
    }
    var timer = window.setTimeout(function () { finish(); onFailure(); }, timeout);
    window.addEventListener("message", listen);
    message.message_id = id;
    target.postMessage(message, origin);
  }

  var key = box.getAttribute("data-key");
  if (box.getAttribute("data-lti-storage") === "put") {
    var value = box.getAttribute("data-value");
    ask({ subject: "lti.put_data", key: key, value: value }, function (data) {
      if (data.value === value) {
        window.location.replace(box.getAttribute("data-next-url"));
      } else {
        window.location.replace(box.getAttribute("data-fallback-url"));
      }
    }, function () {
      // No storage after all: the cookie check decides (same frame or a new window).
      window.location.replace(box.getAttribute("data-fallback-url"));
    });
  } else {
    ask({ subject: "lti.get_data", key: key }, function (data) {
      if (typeof data.value !== "string" || !data.value) { showFailure(); return; }
      box.elements[box.getAttribute("data-secret-field")].value = data.value;
      box.submit();
    }, showFailure);
  }

  function showFailure() {
    document.getElementById("lti-storage-status").hidden = true;
    document.getElementById("lti-storage-failed").hidden = false;
  }
})();
