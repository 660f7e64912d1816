// Automatic logoff, made visible: shows the "Stay logged in" warning shortly before the session
// ends, and reloads the page when it has ended (the server then shows the login page, so no
// patient data stays on an unattended screen). "Stay logged in" posts to the keepalive URL.
(function () {
  "use strict";
  var warning = document.getElementById("idle-warning");
  if (!warning) {
    return;
  }
  var idleMs = Number(warning.dataset.idleSeconds) * 1000;
  var warnMs = Number(warning.dataset.warningSeconds) * 1000;
  var form = warning.querySelector("form");
  var warnTimer = null;
  var endTimer = null;

  function start() {
    warning.classList.add("d-none");
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warnTimer = setTimeout(function () {
      warning.classList.remove("d-none");
      form.querySelector("button").focus();
    }, warnMs);
    endTimer = setTimeout(function () {
      window.location.reload();
    }, idleMs + 2000);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    }).then(function (response) {
      if (response.status === 204) {
        start();
      } else {
        window.location.reload();
      }
    });
  });
  start();
})();
