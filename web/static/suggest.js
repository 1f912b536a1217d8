// Search-box completions: a small ARIA combobox over GET /api/suggest.
// Progressive enhancement only: without JavaScript the box is a plain form
// that submits to /search. Text is inserted with textContent, never as HTML.
(function () {
  "use strict";

  var DELAY_MS = 120;
  var counter = 0;
  // The page's words in its interface language (base.html), English if absent.
  var words = document.body ? document.body.dataset : {};
  var SUGGESTIONS = words.suggestionsLabel || "Suggestions";
  var DOCUMENT = words.documentLabel || "Document";

  function enhance(input) {
    var form = input.form;
    if (!form || !window.fetch) return;
    var id = "suggest-" + ++counter;
    var list = document.createElement("ul");
    list.id = id;
    list.className = "suggest-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", SUGGESTIONS);
    list.hidden = true;
    form.classList.add("suggest-host");
    input.insertAdjacentElement("afterend", list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", id);
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("autocomplete", "off");

    var items = [];
    var active = -1;
    var timer = null;
    var pending = null;

    function close() {
      list.hidden = true;
      list.textContent = "";
      items = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      active = index;
      items.forEach(function (item, n) {
        item.el.setAttribute("aria-selected", n === index ? "true" : "false");
      });
      if (index >= 0) input.setAttribute("aria-activedescendant", items[index].el.id);
      else input.removeAttribute("aria-activedescendant");
    }

    function pick(item) {
      close();
      if (item.kind === "title") {
        window.location.href = item.url;
      } else {
        // Submitting the form keeps its hidden filters (area, type, ...).
        input.value = item.text;
        form.submit();
      }
    }

    function render(completions) {
      close();
      completions.forEach(function (c, n) {
        var li = document.createElement("li");
        li.id = id + "-" + n;
        li.className = "suggest-item suggest-" + (c.kind === "title" ? "title" : "term");
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.dataset.kind = c.kind;
        var text = document.createElement("span");
        text.className = "suggest-text";
        text.textContent = c.text;
        li.appendChild(text);
        if (c.kind === "title") {
          var kind = document.createElement("span");
          kind.className = "suggest-kind";
          kind.textContent = DOCUMENT;
          li.appendChild(kind);
        }
        var item = { el: li, text: c.text, kind: c.kind, url: c.url };
        // mousedown, not click: it fires before the input's blur closes the list.
        li.addEventListener("mousedown", function (event) {
          event.preventDefault();
          pick(item);
        });
        list.appendChild(li);
        items.push(item);
      });
      if (items.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }
    }

    function fetchSuggestions() {
      var q = input.value;
      if (q.trim().length < 2) {
        close();
        return;
      }
      if (pending) pending.abort();
      pending = new AbortController();
      var url = input.dataset.suggest + "?q=" + encodeURIComponent(q);
      fetch(url, { signal: pending.signal, headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : { completions: [] };
        })
        .then(function (data) {
          if (data.q === input.value) render(data.completions || []);
        })
        .catch(function () {
          /* aborted by a newer keystroke, or offline: keep the plain box */
        });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, DELAY_MS);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden || !items.length) return;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight((active + 1) % items.length);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(active <= 0 ? items.length - 1 : active - 1);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        pick(items[active]);
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", close);
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-suggest]"), enhance);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
