/* Bulk upload (issue #19), progressive enhancement of web/templates/_bulk_form.html and batch.html.
 * Without this script the form posts all files at once and the batch page has a Refresh link.
 * With it: files can be dropped on the area, each file is sent on its own with a progress bar, and each
 * file's outcome (extracted, duplicate, refused and why) is shown as the background job reaches it; the
 * texts come from the page (data-*), already in the interface language. */
(function () {
  "use strict";

  function row(list, name) {
    var li = document.createElement("li");
    var label = document.createElement("span");
    label.className = "filename";
    label.textContent = name;
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", name);
    var outcome = document.createElement("span");
    outcome.className = "outcome";
    li.append(label, bar, outcome);
    list.append(li);
    return { li: li, bar: bar, outcome: outcome };
  }

  function send(url, data, onProgress) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open("POST", url);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable && onProgress) onProgress(Math.round((100 * e.loaded) / e.total));
      });
      xhr.addEventListener("load", function () {
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (err) { body = null; }
        if (xhr.status >= 200 && xhr.status < 300 && body) resolve(body);
        else reject({ status: xhr.status, body: body, text: xhr.responseText });
      });
      xhr.addEventListener("error", function () { reject({ status: 0 }); });
      xhr.send(data);
    });
  }

  function errorText(err) {
    if (err.body && err.body.error) return err.body.error;
    var doc = new DOMParser().parseFromString(err.text || "", "text/html");
    var main = doc.querySelector("main p");
    return main ? main.textContent.trim() : "HTTP " + err.status;
  }

  function poll(url, rows, onDone) {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (state) {
        state.files.forEach(function (f) {
          var r = rows[f.position];
          if (r) { r.outcome.textContent = f.outcome; r.li.dataset.status = f.status; }
        });
        if (state.done) onDone(state); else setTimeout(function () { poll(url, rows, onDone); }, 1000);
      })
      .catch(function () { setTimeout(function () { poll(url, rows, onDone); }, 3000); });
  }

  function enhanceForm(form) {
    var input = form.querySelector('input[type="file"]');
    var zone = form.querySelector(".dropzone");
    var list = form.querySelector("ol.progress");
    var link = form.querySelector(".bulk-link");
    var csrf = form.querySelector('input[name$="csrf_token"]');
    form.querySelector(".dropzone-hint").hidden = false;
    ["dragenter", "dragover"].forEach(function (type) {
      zone.addEventListener(type, function (e) { e.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (type) {
      zone.addEventListener(type, function () { zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      if (e.dataTransfer && e.dataTransfer.files.length) input.files = e.dataTransfer.files;
    });
    form.addEventListener("submit", function (e) {
      var files = Array.prototype.slice.call(input.files);
      if (!files.length) return; // the server says what is missing
      e.preventDefault();
      list.textContent = "";
      link.textContent = "";
      var start = new FormData(form);
      start.delete(input.name);
      send(form.action, start).then(function (batch) {
        var a = document.createElement("a");
        a.href = batch.page;
        a.textContent = form.dataset.open;
        link.append(a);
        var rows = {};
        var chain = Promise.resolve();
        files.forEach(function (file) {
          var r = row(list, file.name);
          r.outcome.textContent = form.dataset.sending;
          chain = chain.then(function () {
            var data = new FormData();
            data.append("csrf_token", csrf.value);
            data.append("files", file, file.name);
            return send(batch.files, data, function (p) { r.bar.value = p; }).then(function (answer) {
              r.bar.value = 100;
              answer.files.forEach(function (f, i) {
                var target = i === 0 ? r : row(list, f.name);
                target.bar.value = 100;
                target.li.querySelector(".filename").textContent = f.name;
                target.outcome.textContent = f.outcome;
                rows[f.position] = target;
              });
            }, function (err) {
              r.outcome.textContent = form.dataset.failed.replace("{reason}", errorText(err));
              r.li.dataset.status = "refused";
            });
          });
        });
        chain.then(function () {
          poll(batch.status, rows, function () {
            var done = document.createElement("span");
            done.textContent = " " + form.dataset.allDone;
            link.append(done);
            link.dataset.done = "yes";
          });
        });
      }, function (err) {
        var p = document.createElement("p");
        p.className = "field-error";
        p.textContent = errorText(err);
        link.append(p);
      });
    });
  }

  function enhanceBatch(section) {
    if (section.dataset.done === "yes") return;
    var rows = {};
    section.querySelectorAll("tr[data-position]").forEach(function (tr) {
      rows[tr.dataset.position] = { li: tr, outcome: tr.querySelector(".outcome") };
    });
    poll(section.dataset.status, rows, function () { window.location.reload(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.bulk").forEach(enhanceForm);
    document.querySelectorAll("section.batch-page").forEach(enhanceBatch);
  });
})();
