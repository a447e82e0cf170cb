/* taizhang: sort and filter the ledger's tables, offline.
 *
 * Sorting is tablesort (vendored, MIT) on every table inside a
 * `div.tz-sortable`. Filtering: the page has one filter bar
 * (`details.tz-filterbar`, written by the site generator with the facts it
 * offers, their labels and their order in `data-facts`). It filters the rows
 * of every table inside a `div.tz-filterable` by the facts each row carries
 * (data-status, data-light, data-type, data-area, data-leader, data-unit,
 * data-owner; values joined by "|") and by free text. Without JavaScript the
 * tables stay plain, complete tables. The bar's words (text box, drop-downs,
 * rows shown) come with it in `data-words`, from the vocabulary: this file
 * holds none of its own.
 */
(function () {
  "use strict";

  var PHONE = "(max-width: 600px)";

  function values(row, fact) {
    var raw = row.getAttribute("data-" + fact);
    return raw ? raw.split("|") : [];
  }

  function toArray(list) { return Array.prototype.slice.call(list); }

  /* Options present in the rows: first those of the given order, then the rest as Chinese sorts them. */
  function options(rows, fact, order) {
    var seen = {};
    rows.forEach(function (row) {
      values(row, fact).forEach(function (v) { if (v) { seen[v] = true; } });
    });
    var known = order.filter(function (v) { return seen[v]; });
    var rest = Object.keys(seen).filter(function (v) { return order.indexOf(v) === -1; })
      .sort(function (a, b) { return a.localeCompare(b, "zh"); });
    return known.concat(rest);
  }

  function parsed(bar, name) {
    try { return JSON.parse(bar.getAttribute(name) || "null"); } catch (e) { return null; }
  }

  /* One of the bar's words with its {names} filled in. */
  function say(words, name, values) {
    var text = words[name] || "";
    Object.keys(values || {}).forEach(function (key) { text = text.split("{" + key + "}").join(values[key]); });
    return text;
  }

  function makeSelect(fact, label, choices, words) {
    var select = document.createElement("select");
    select.setAttribute("data-filter", fact);
    select.setAttribute("aria-label", say(words, "by", {label: label}));
    select.appendChild(new Option(say(words, "all", {label: label}), ""));
    choices.forEach(function (v) { select.appendChild(new Option(v, v)); });
    return select;
  }

  function setupFilter(bar, wrappers) {
    var rows = [];
    wrappers.forEach(function (w) { rows = rows.concat(toArray(w.querySelectorAll("tbody tr"))); });
    var spec = parsed(bar, "data-facts") || [];
    var words = parsed(bar, "data-words") || {};

    var body = document.createElement("div");
    body.className = "tz-filter";
    var text = document.createElement("input");
    text.type = "search";
    text.placeholder = say(words, "search");
    text.setAttribute("aria-label", say(words, "searchLabel"));
    body.appendChild(text);
    var selects = [];
    spec.forEach(function (item) {
      var choices = options(rows, item[0], item[2] || []);
      if (choices.length < 2) { return; }
      var select = makeSelect(item[0], item[1], choices, words);
      selects.push(select);
      body.appendChild(select);
    });
    bar.appendChild(body);
    var count = bar.querySelector(".tz-filter__count");

    function apply() {
      var query = text.value.trim().toLowerCase();
      var shown = 0;
      rows.forEach(function (row) {
        var ok = !query || row.textContent.toLowerCase().indexOf(query) !== -1;
        selects.forEach(function (select) {
          var want = select.value;
          if (ok && want) { ok = values(row, select.getAttribute("data-filter")).indexOf(want) !== -1; }
        });
        row.hidden = !ok;
        if (ok) { shown += 1; }
      });
      wrappers.forEach(function (w) {
        var any = w.querySelector("tbody tr:not([hidden])");
        if (any) { w.removeAttribute("data-tz-none"); } else { w.setAttribute("data-tz-none", ""); }
      });
      if (count) { count.textContent = say(words, "count", {shown: shown, total: rows.length}); }
    }

    text.addEventListener("input", apply);
    selects.forEach(function (select) { select.addEventListener("change", apply); });
    if (window.matchMedia && window.matchMedia(PHONE).matches) { bar.open = false; }
    apply();
  }

  function setup() {
    toArray(document.querySelectorAll("div.tz-sortable > table, div.tz-sortable table")).forEach(function (table) {
      if (table.getAttribute("data-tz-ready")) { return; }
      table.setAttribute("data-tz-ready", "1");
      if (typeof Tablesort === "function") { new Tablesort(table); }
    });
    var wrappers = toArray(document.querySelectorAll("div.tz-filterable"));
    if (!wrappers.length) { return; }
    var bar = document.querySelector("details.tz-filterbar");   /* every page with such tables writes one */
    if (!bar) { return; }
    if (bar.getAttribute("data-tz-ready")) { return; }
    bar.setAttribute("data-tz-ready", "1");
    setupFilter(bar, wrappers);
  }

  /* Material's version selector (archived rounds) is named "选择当前版本" while
     it shows the round's title: a name that leaves out the visible words
     confuses speech input, so the name is given both. */
  function nameVersionSelector(header) {
    toArray(header.querySelectorAll(".md-version__current")).forEach(function (button) {
      var label = button.getAttribute("aria-label") || "";
      var text = button.textContent.trim();
      if (text && label.indexOf(text) === -1) { button.setAttribute("aria-label", label ? label + "：" + text : text); }
    });
  }

  function watchHeader() {
    var header = document.querySelector(".md-header");
    if (!header || !window.MutationObserver) { return; }
    nameVersionSelector(header);
    new MutationObserver(function () { nameVersionSelector(header); }).observe(header, {childList: true, subtree: true});
  }

  /* A table wider than its box (at any screen width) shows its rows as cards,
     so every row's status and light stay in view without scrolling sideways
     (taizhang.css, `tz-cardview`). Measured as a table each time. */
  function fitTables() {
    toArray(document.querySelectorAll("div.tz-cards")).forEach(function (box) {
      var table = box.querySelector("table");
      if (!table) { return; }
      box.classList.remove("tz-cardview");
      var room = box.clientWidth;
      if (table.scrollWidth > room + 1 || table.scrollWidth > table.clientWidth + 1) {
        box.classList.add("tz-cardview");
      }
    });
  }

  function watchWidth() {
    var pending = false;
    var width = window.innerWidth;
    fitTables();
    window.addEventListener("resize", function () {
      if (pending || window.innerWidth === width) { return; }
      pending = true;
      window.requestAnimationFrame(function () { pending = false; width = window.innerWidth; fitTables(); });
    });
    window.addEventListener("load", fitTables);
  }

  function start() {
    setup();
    watchWidth();
    watchHeader();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
