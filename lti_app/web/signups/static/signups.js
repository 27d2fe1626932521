/* Sign-up pages: tell the server the browser's IANA time zone, so times are shown in it.
 * The zone goes into a cookie, into the hidden "tz" fields of the forms, and (once) into the
 * page's URL; without scripts the course's zone is used and the page says so. No other effect. */
(function () {
  "use strict";
  var zoneName;
  try {
    zoneName = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!zoneName || !/^[A-Za-z0-9_+\-\/]{1,64}$/.test(zoneName)) {
    return;
  }
  document.cookie = "iv_tz=" + zoneName + "; path=/; max-age=31536000; SameSite=None; Secure";
  var fields = document.querySelectorAll("input[data-zone-field]");
  for (var i = 0; i < fields.length; i += 1) {
    fields[i].value = zoneName;
  }
  var marker = document.getElementById("signup-zone");
  if (!marker || marker.getAttribute("data-zone") === zoneName) {
    return;
  }
  var url = new URL(window.location.href);
  if (url.searchParams.get("tz") === zoneName) {
    return; // the server did not accept it: keep the course's zone, never loop
  }
  url.searchParams.set("tz", zoneName);
  window.location.replace(url.toString());
})();
