/* Sign-up pages: tell the server the browser's IANA time zone, so times are shown in it.
 * The zone goes into a cookie, into the hidden "tz" fields of the forms, and (once) into the
 * page's URL; without scripts the course's zone is used and the page says so.
 * Then, once the page is shown, the outcome of the sign-up or cancellation that led here
 * ("done=…", web/signups/outcomes.py) is taken off the address, so a reload does not say it
 * again. No other effect. */
(function () {
  "use strict";
  var OUTCOME_PARAMETERS = ["done", "as", "position", "instead", "refused"];

  function reloadsInBrowserZone() {
    var zoneName;
    try {
      zoneName = Intl.DateTimeFormat().resolvedOptions().timeZone;
    } catch (error) {
      return false;
    }
    if (!zoneName || !/^[A-Za-z0-9_+\-\/]{1,64}$/.test(zoneName)) {
      return false;
    }
    document.cookie = "iv_tz=" + zoneName + "; path=/; max-age=31536000; SameSite=None; Secure";
    var fields = document.querySelectorAll("input[data-zone-field]");
    for (var i = 0; i < fields.length; i += 1) {
      fields[i].value = zoneName;
    }
    var marker = document.getElementById("signup-zone");
    if (!marker || marker.getAttribute("data-zone") === zoneName) {
      return false;
    }
    var url = new URL(window.location.href);
    if (url.searchParams.get("tz") === zoneName) {
      return false; // the server did not accept it: keep the course's zone, never loop
    }
    url.searchParams.set("tz", zoneName);
    window.location.replace(url.toString()); // the outcome stays for the reloaded page
    return true;
  }

  function forgetOutcome() {
    if (!window.history || !window.history.replaceState) {
      return;
    }
    var url = new URL(window.location.href);
    var found = false;
    for (var i = 0; i < OUTCOME_PARAMETERS.length; i += 1) {
      if (url.searchParams.has(OUTCOME_PARAMETERS[i])) {
        url.searchParams.delete(OUTCOME_PARAMETERS[i]);
        found = true;
      }
    }
    if (found) {
      window.history.replaceState(window.history.state, "", url.toString());
    }
  }

  if (!reloadsInBrowserZone()) {
    forgetOutcome();
  }
})();
