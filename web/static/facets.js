// The search page's filters (issue #18), enhanced. Without script they are a GET form of checkboxes with an
// "Apply filters" button, and on a phone a panel that a link to #filters opens (CSS :target). With script:
// - a change applies at once: the page for the new URL is fetched and its results and filters replace these
//   (focus stays on the same control, the live region says the new count, the URL is pushed to history);
// - the phone's "Filters (n)" is a button with aria-expanded; Escape or "Show results" closes the panel;
// - a long facet's box narrows its list as one types.
// Text only ever moves between this page and the same server's page: nothing is built from strings as HTML.
(function () {
  "use strict";

  var form = document.getElementById("filters-form");
  var panel = document.getElementById("filters");
  if (!form || !panel || !window.fetch || !window.DOMParser) return;
  var pending = null;

  function urlOf(source) {
    var params = new URLSearchParams();
    new FormData(source).forEach(function (value, name) {
      if (String(value).trim() !== "") params.append(name, value);
    });
    var query = params.toString();
    return source.getAttribute("action") + (query ? "?" + query : "");
  }

  // Where focus was, to find the same control in the new page.
  function focusKey() {
    var el = document.activeElement;
    if (!el || !form.contains(el)) return null;
    if (el.type === "checkbox") return 'input[name="' + CSS.escape(el.name) + '"][value="' + CSS.escape(el.value) + '"]';
    return el.id ? "#" + CSS.escape(el.id) : null;
  }

  function swap(doc) {
    var fresh = doc.getElementById("filters-form");
    var results = doc.querySelector(".searchlayout > .results");
    if (!fresh || !results) throw new Error("not a search page");
    var openMore = {};
    form.querySelectorAll("fieldset[data-facet]").forEach(function (set) {
      var more = set.querySelector("details.more");
      var find = set.querySelector(".facetfilter");
      openMore[set.dataset.facet] = { open: more && more.open, text: find ? find.value : "" };
    });
    var key = focusKey();
    // A box being typed in keeps what was typed while the page was fetched (a year, a narrowing).
    var typing = document.activeElement;
    var typed = typing && form.contains(typing) && typing.type !== "checkbox" ? typing.value : null;
    form.replaceChildren.apply(form, Array.prototype.slice.call(document.adoptNode(fresh).childNodes));
    document.querySelector(".searchlayout > .results").replaceWith(document.adoptNode(results));
    results.inert = panel.classList.contains("open");
    var state = doc.querySelector(".bigsearch .searchstate");
    var oldState = document.querySelector(".bigsearch .searchstate");
    if (state && oldState) oldState.replaceWith(document.adoptNode(state));
    var label = doc.querySelector("#filters-title .filterslabel");
    if (label) {
      document.querySelectorAll(".filterslabel").forEach(function (el) { el.textContent = label.textContent; });
    }
    document.title = doc.title;
    form.querySelectorAll("fieldset[data-facet]").forEach(function (set) {
      var was = openMore[set.dataset.facet];
      if (!was) return;
      var more = set.querySelector("details.more");
      if (more && was.open) more.open = true;
      var find = set.querySelector(".facetfilter");
      if (find && was.text) { find.value = was.text; narrow(find); }
    });
    enhance();
    var again = key && form.querySelector(key);
    if (again) {
      if (typed !== null && again.value !== typed) again.value = typed;
      again.focus();
    }
    var total = document.getElementById("total");
    document.getElementById("announce").textContent = total ? total.textContent.trim() : "";
  }

  function apply() {
    var url = urlOf(form);
    if (pending) pending.abort();
    pending = new AbortController();
    fetch(url, { signal: pending.signal, headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.text();
      })
      .then(function (html) {
        swap(new DOMParser().parseFromString(html, "text/html"));
        history.pushState({ filters: true }, "", url);
        shown = location.pathname + location.search;
      })
      .catch(function (error) {
        if (error.name !== "AbortError") window.location.assign(url); // the plain page, as without script
      });
  }

  // Hide the values of a long facet that do not contain what was typed; open "more" while narrowing.
  function narrow(input) {
    var set = input.closest("fieldset");
    var wanted = input.value.trim().toLocaleLowerCase();
    set.querySelectorAll("ul.values > li").forEach(function (li) {
      var text = li.querySelector(".label").textContent.toLocaleLowerCase();
      li.hidden = wanted !== "" && text.indexOf(wanted) === -1;
    });
    var more = set.querySelector("details.more");
    if (more && wanted) more.open = true;
  }

  function enhance() {
    form.classList.add("live");
    form.querySelectorAll(".facetfind").forEach(function (box) { box.hidden = false; });
  }

  form.addEventListener("change", function (event) {
    if (event.target.classList.contains("facetfilter")) return;
    apply();
  });
  form.addEventListener("input", function (event) {
    if (event.target.classList.contains("facetfilter")) narrow(event.target);
  });
  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.classList.contains("facetfilter")) event.preventDefault();
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault(); // Enter in a year box: the same as a change
    apply();
  });
  // Back and forward between applied filters show that search; a fragment link (the skip link) is no change.
  var shown = location.pathname + location.search;
  window.addEventListener("popstate", function () {
    if (location.pathname + location.search !== shown) window.location.reload();
  });

  // The phone's panel: a real button with aria-expanded in place of the link to #filters.
  var link = document.querySelector(".filterlink");
  var toggle = document.querySelector(".filtertoggle");
  var close = panel.querySelector(".closefilters");
  // While the panel covers the page, what is behind it is inert: Tab and a screen reader stay in the panel.
  var behind = ["a.skiplink", "header.top", "form.bigsearch", "p.filterbar", "footer.foot"].map(function (s) {
    return document.querySelector(s);
  });

  function setOpen(open, quietly) {
    panel.classList.toggle("open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    var results = document.querySelector(".searchlayout > .results");
    behind.concat([results]).forEach(function (el) { if (el) el.inert = open; });
    if (quietly) return;
    if (open) document.getElementById("filters-title").focus();
    else toggle.focus();
  }

  // Widened past a phone's width (a turned tablet) with the panel open: the filters are beside the results again.
  var phone = window.matchMedia("(max-width: 50rem)");
  phone.addEventListener("change", function () {
    if (!phone.matches && panel.classList.contains("open")) setOpen(false, true);
  });

  if (link && toggle) {
    link.hidden = true;
    toggle.hidden = false;
    toggle.addEventListener("click", function () { setOpen(!panel.classList.contains("open")); });
    close.setAttribute("role", "button");
    close.addEventListener("click", function (event) {
      event.preventDefault();
      setOpen(false);
    });
    close.addEventListener("keydown", function (event) {
      if (event.key === " ") { event.preventDefault(); setOpen(false); }
    });
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && panel.classList.contains("open")) setOpen(false);
    });
  }
  enhance();
})();
