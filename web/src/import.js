// The import upload page: shows only the fields of the chosen kind, uploads
// the file with a progress bar (XMLHttpRequest reports upload progress), shows
// field errors from the server beside their fields, and on the job page
// follows the import's progress until it is done.
(function () {
  "use strict";

  var form = document.getElementById("import-form");
  if (form) {
    var summary = document.getElementById("form-errors");
    var summaryList = document.getElementById("form-error-list");
    var upload = document.getElementById("upload");
    var bar = document.getElementById("upload-progress");
    var status = document.getElementById("upload-status");
    var submit = form.querySelector("button[type=submit]");

    var kind = function () {
      var checked = form.querySelector("input[name=soort]:checked");
      return checked ? checked.value : "";
    };
    var showFields = function () {
      var k = kind();
      form.querySelectorAll("[data-for]").forEach(function (el) {
        el.hidden = el.getAttribute("data-for").split(" ").indexOf(k) < 0;
      });
    };
    form.querySelectorAll("input[name=soort]").forEach(function (r) {
      r.addEventListener("change", showFields);
    });
    showFields();

    var clearErrors = function () {
      summary.hidden = true;
      summaryList.textContent = "";
      form.querySelectorAll(".bz-error").forEach(function (p) {
        p.hidden = true;
        p.textContent = "";
      });
      form.querySelectorAll("[aria-invalid]").forEach(function (el) {
        el.removeAttribute("aria-invalid");
      });
    };
    var showErrors = function (errors) {
      errors.forEach(function (e) {
        var li = document.createElement("li");
        li.className = "utrecht-unordered-list__item";
        var input = document.getElementById(e.field);
        if (input) {
          var a = document.createElement("a");
          a.href = "#" + e.field;
          a.className = "utrecht-link";
          a.textContent = e.message;
          li.appendChild(a);
          input.setAttribute("aria-invalid", "true");
        } else {
          li.textContent = e.message;
        }
        summaryList.appendChild(li);
        var p = document.getElementById(e.field + "-error");
        if (p) {
          p.textContent = e.message;
          p.hidden = false;
        }
      });
      summary.hidden = false;
      summary.focus();
    };
    summary.tabIndex = -1;

    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      clearErrors();
      var data = new FormData(form);
      // Fields of other kinds are not sent.
      form.querySelectorAll("[data-for][hidden] input, [data-for][hidden] select").forEach(function (el) {
        data.delete(el.name);
      });
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-CSRF-Token", form.getAttribute("data-csrf"));
      xhr.setRequestHeader("Accept", "application/json");
      upload.hidden = false;
      bar.value = 0;
      submit.disabled = true;
      var lastAnnounced = -1;
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) return;
        var pct = Math.floor((e.loaded / e.total) * 100);
        bar.value = pct;
        // Announce in steps of 10 %, not at every event.
        var step = Math.floor(pct / 10) * 10;
        if (step !== lastAnnounced) {
          lastAnnounced = step;
          status.textContent = form.getAttribute("data-uploaded") ? "" : step + " %";
        }
      });
      xhr.addEventListener("load", function () {
        submit.disabled = false;
        var answer = null;
        try {
          answer = JSON.parse(xhr.responseText);
        } catch (e) {
          answer = null;
        }
        if (xhr.status === 202 && answer && answer.url) {
          window.location.assign(answer.url);
          return;
        }
        upload.hidden = true;
        status.textContent = "";
        if (answer && answer.errors) {
          showErrors(answer.errors);
        } else {
          showErrors([{ field: "", message: xhr.status + " " + (xhr.statusText || "") }]);
        }
      });
      xhr.addEventListener("error", function () {
        submit.disabled = false;
        upload.hidden = true;
        showErrors([{ field: "", message: "Verbinding verbroken / connection lost" }]);
      });
      xhr.send(data);
    });
  }

  var job = document.getElementById("job");
  if (job) {
    var url = job.getAttribute("data-status");
    var progress = document.getElementById("job-progress");
    var counts = document.getElementById("job-counts");
    var state = document.getElementById("job-state");
    var poll = function () {
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (r) {
          return r.json();
        })
        .then(function (s) {
          if (s.done) {
            window.location.reload();
            return;
          }
          state.textContent = s.state;
          if (s.to_write > 0) {
            progress.max = s.to_write;
            progress.value = s.written;
          }
          var text = counts.textContent.split(":")[0] + ": " + s.read.toLocaleString();
          if (s.to_write > 0) text += " — " + s.written.toLocaleString() + " / " + s.to_write.toLocaleString();
          counts.textContent = text;
          window.setTimeout(poll, 1000);
        })
        .catch(function () {
          window.setTimeout(poll, 3000);
        });
    };
    window.setTimeout(poll, 500);
  }
})();
