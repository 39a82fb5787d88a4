// The visit form of "de boer op" on a phone: what is typed is kept on the
// device while the form is open (so a reload or a lost connection loses
// nothing), and a visit saved without a connection waits in a queue on the
// device and is sent when the connection returns. The server stores each
// visit once (by its client key), so sending again is safe.
(function () {
  "use strict";
  var QUEUE = "bz-visit-queue";
  var form = document.getElementById("visit-form");
  var status = document.getElementById("offline-status");

  var say = function (text) {
    if (!status) return;
    status.textContent = text;
    status.hidden = !text;
  };
  var nl = document.documentElement.lang !== "en";
  var T = {
    queued: nl
      ? "Geen verbinding: het bezoek is op dit toestel bewaard en wordt verstuurd zodra er weer verbinding is."
      : "No connection: the visit is kept on this device and will be sent when the connection returns.",
    sent: nl ? "Bewaarde bezoeken zijn verstuurd." : "Stored visits have been sent.",
    waiting: nl ? "bezoek(en) wachten op verbinding." : "visit(s) waiting for a connection.",
  };

  var readQueue = function () {
    try {
      return JSON.parse(localStorage.getItem(QUEUE) || "[]");
    } catch (e) {
      return [];
    }
  };
  var writeQueue = function (q) {
    localStorage.setItem(QUEUE, JSON.stringify(q));
  };
  var send = function (item) {
    return fetch(item.action, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: item.body,
      credentials: "same-origin",
    });
  };
  var flush = function () {
    var q = readQueue();
    if (!q.length || !navigator.onLine) return Promise.resolve();
    var left = [];
    var chain = Promise.resolve();
    q.forEach(function (item) {
      chain = chain.then(function () {
        return send(item)
          .then(function (r) {
            // A refused visit (422) stays visible on its own page; keep only network failures.
            if (!r.ok && r.status !== 422) left.push(item);
          })
          .catch(function () {
            left.push(item);
          });
      });
    });
    return chain.then(function () {
      writeQueue(left);
      if (!left.length) say(T.sent);
      else say(left.length + " " + T.waiting);
    });
  };
  window.addEventListener("online", flush);
  flush();

  if (!form) return;
  var draftKey = "bz-visit-draft:" + form.action;
  var fields = function () {
    return new URLSearchParams(new FormData(form));
  };
  // Restore a draft typed earlier on this device (unless the server sent the form back with errors).
  var hasErrors = document.querySelector(".bz-notice--error");
  var draft = localStorage.getItem(draftKey);
  if (draft && !hasErrors) {
    var p = new URLSearchParams(draft);
    form.querySelectorAll("input[type=checkbox], input[type=radio]").forEach(function (el) {
      el.checked = p.getAll(el.name).indexOf(el.value) >= 0;
    });
    ["observation", "note", "signal_category"].forEach(function (name) {
      var el = form.elements[name];
      if (el && p.has(name)) el.value = p.get(name);
    });
  }
  form.addEventListener("input", function () {
    var f = fields();
    f.delete("_csrf");
    localStorage.setItem(draftKey, f.toString());
  });
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var body = fields().toString();
    var item = { action: form.action, body: body };
    var queue = function () {
      var q = readQueue();
      q.push(item);
      writeQueue(q);
      localStorage.removeItem(draftKey);
      say(T.queued);
    };
    if (!navigator.onLine) {
      queue();
      return;
    }
    send(item)
      .then(function (r) {
        if (r.ok) {
          localStorage.removeItem(draftKey);
          window.location.assign(r.redirected ? r.url : form.getAttribute("data-round"));
        } else if (r.status === 422) {
          // Field errors: nothing was stored; submit the ordinary way so
          // the server's page shows them at their fields.
          form.submit();
        } else {
          queue();
        }
      })
      .catch(queue);
  });
})();
