// LTI Platform Storage, platform side (1EdTech "LTI Client Side postMessages" + "Platform
// Storage"), as Canvas offers it: the course page answers lti.capabilities, lti.put_data and
// lti.get_data from the tool's frame. Only messages from the tool's origin AND from the tool's
// iframe are answered; values are kept per origin, in this page only (this browser, this
// course page), and answers go back to that origin only.
(function () {
  "use strict";
  var frame = document.querySelector("iframe[data-platform-storage-for]");
  if (!frame) { return; }
  var toolOrigin = frame.getAttribute("data-platform-storage-for");
  var MAX_KEYS = 100, MAX_KEY = 1024, MAX_VALUE = 4096;
  var stored = new Map();  // origin -> Map(key -> value)

  function answer(event, data, body) {
    body.message_id = data.message_id;
    body.subject = data.subject + ".response";
    event.source.postMessage(body, event.origin);
  }

  function failure(code, message) {
    return { error: { code: code, message: message } };
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== toolOrigin || event.source !== frame.contentWindow) { return; }
    var data = event.data;
    if (!data || typeof data !== "object" || typeof data.message_id !== "string") { return; }
    var mine = stored.get(event.origin) || new Map();
    stored.set(event.origin, mine);
    if (data.subject === "lti.capabilities") {
      answer(event, data, { supported_messages: [
        { subject: "lti.capabilities" },
        { subject: "lti.put_data", frame: "_parent" },
        { subject: "lti.get_data", frame: "_parent" }
      ] });
    } else if (data.subject === "lti.put_data") {
      if (typeof data.key !== "string" || !data.key || data.key.length > MAX_KEY ||
          typeof data.value !== "string" || data.value.length > MAX_VALUE) {
        answer(event, data, failure("bad_request", "key and value must be short strings"));
      } else if (!mine.has(data.key) && mine.size >= MAX_KEYS) {
        answer(event, data, failure("storage_exhaustion", "too many keys for this tool"));
      } else {
        mine.set(data.key, data.value);
        answer(event, data, { key: data.key, value: data.value });
      }
    } else if (data.subject === "lti.get_data") {
      if (typeof data.key !== "string" || !mine.has(data.key)) {
        answer(event, data, failure("not_found", "no value under this key"));
      } else {
        answer(event, data, { key: data.key, value: mine.get(data.key) });
      }
    } else if (typeof data.subject === "string") {
      answer(event, data, failure("unsupported_subject", "not supported: " + data.subject));
    }
  });
})();
