/* Bulk upload (issue #19), progressive enhancement of web/templates/_bulk_form.html and batch.html.
 * Without this script the form posts all files at once and the batch page has a Refresh link.
 * With it: files and folders can be dropped on the area or a whole folder chosen (its files are sent under
 * their paths in it, as a ZIP's members are named), each file is sent on its own with a progress bar, and each
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

  /* A dropped folder arrives as a directory entry: walk it (readEntries answers in batches) and send every
   * file in it under its path inside the folder, as a ZIP's members are named. Hidden files (.DS_Store)
   * are left out. */
  function readAll(reader) {
    return new Promise(function (resolve) {
      var found = [];
      (function next() {
        reader.readEntries(function (batch) {
          if (!batch.length) { resolve(found); return; }
          found = found.concat(Array.prototype.slice.call(batch));
          next();
        }, function () { resolve(found); });
      })();
    });
  }

  function walk(entry, prefix) {
    if (!entry || entry.name.charAt(0) === ".") return Promise.resolve([]);
    if (entry.isFile) {
      return new Promise(function (resolve) {
        entry.file(function (file) { resolve([{ file: file, name: prefix + file.name }]); },
                   function () { resolve([]); });
      });
    }
    return readAll(entry.createReader()).then(function (entries) {
      return Promise.all(entries.map(function (e) { return walk(e, prefix + entry.name + "/"); }));
    }).then(function (lists) { return [].concat.apply([], lists); });
  }

  function hidden(path) {
    return path.split("/").some(function (part) { return part.charAt(0) === "."; });
  }

  function enhanceForm(form) {
    var input = form.querySelector('input[type="file"]');
    var zone = form.querySelector(".dropzone");
    var list = form.querySelector("ol.progress");
    var link = form.querySelector(".bulk-link");
    var csrf = form.querySelector('input[name$="csrf_token"]');
    var folder = form.querySelector("#bulk-folder");
    var said = form.querySelector(".chosen");
    var chosen = null; // files from folders, each {file, name: its path in the folder}; null: the input's files
    form.querySelectorAll(".dropzone-hint").forEach(function (p) { p.hidden = false; });

    function choose(files) {
      chosen = files;
      input.value = "";
      said.textContent = form.dataset.chosen.replace("{count}", files.length);
    }

    input.addEventListener("change", function () { chosen = null; said.textContent = ""; });
    folder.addEventListener("change", function () {
      choose(Array.prototype.slice.call(folder.files)
        .map(function (f) { return { file: f, name: f.webkitRelativePath || f.name }; })
        .filter(function (f) { return !hidden(f.name); }));
      folder.value = "";
    });
    ["dragenter", "dragover"].forEach(function (type) {
      zone.addEventListener(type, function (e) { e.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (type) {
      zone.addEventListener(type, function () { zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      if (!e.dataTransfer) return;
      var items = Array.prototype.slice.call(e.dataTransfer.items || []);
      // Entries are read now: the list is gone once the event is over.
      var entries = items.map(function (i) { return i.webkitGetAsEntry ? i.webkitGetAsEntry() : null; });
      if (entries.some(function (en) { return en && en.isDirectory; })) {
        Promise.all(entries.map(function (en) { return walk(en, ""); })).then(function (lists) {
          choose([].concat.apply([], lists));
        });
      } else if (e.dataTransfer.files.length) {
        input.files = e.dataTransfer.files;
        chosen = null;
        said.textContent = "";
      }
    });
    form.addEventListener("submit", function (e) {
      var files = chosen || Array.prototype.slice.call(input.files).map(function (f) {
        return { file: f, name: f.name };
      });
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
        files.forEach(function (chosenFile) {
          var r = row(list, chosenFile.name);
          r.outcome.textContent = form.dataset.sending;
          chain = chain.then(function () {
            var data = new FormData();
            data.append("csrf_token", csrf.value);
            data.append("files", chosenFile.file, chosenFile.name);
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
