// The file upload on a signal's page: the guard wants the CSRF token in a
// header for multipart posts, so the form is sent with fetch. The server
// answers JSON: {url} to go to after success, or {error} to show at the field.
(function () {
  "use strict";
  var form = document.getElementById("bijlage-form");
  if (!form) {
    return;
  }
  var input = document.getElementById("upload.file");
  var error = document.getElementById("upload-error");
  var button = form.querySelector("button[type=submit]");
  var show = function (message) {
    error.textContent = message;
    error.hidden = false;
    input.setAttribute("aria-invalid", "true");
    input.focus();
  };
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    error.hidden = true;
    error.textContent = "";
    input.removeAttribute("aria-invalid");
    button.disabled = true;
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: new FormData(form),
      headers: { "X-CSRF-Token": form.getAttribute("data-csrf"), "Accept": "application/json" },
      credentials: "same-origin"
    })
      .then(function (r) {
        return r.json().then(function (body) {
          return { ok: r.ok, body: body };
        });
      })
      .then(function (res) {
        button.disabled = false;
        if (res.ok && res.body.url) {
          window.location.assign(res.body.url);
        } else {
          show(res.body.error || res.body.message || "");
        }
      })
      .catch(function () {
        button.disabled = false;
        show(form.getAttribute("data-failed") || "");
      });
  });
})();
