/* taizhang: sort and filter the ledger's tables, offline.
 *
 * Sorting is tablesort (vendored, MIT). Filtering reads the facts each row
 * carries (data-status, data-leader, data-unit, data-owner, data-area; values
 * joined by "|") and builds one drop-down per fact plus a free-text box.
 * Without JavaScript the tables stay plain, complete tables.
 */
(function () {
  "use strict";

  var FACTS = [
    ["status", "整改状态"],
    ["light", "提示"],
    ["area", "方面"],
    ["leader", "责任领导"],
    ["unit", "责任单位"],
    ["owner", "责任人"]
  ];

  function values(row, fact) {
    var raw = row.getAttribute("data-" + fact);
    return raw ? raw.split("|") : [];
  }

  function makeSelect(fact, label, rows) {
    var seen = {};
    rows.forEach(function (row) {
      values(row, fact).forEach(function (v) { if (v) { seen[v] = true; } });
    });
    var options = Object.keys(seen).sort(function (a, b) { return a.localeCompare(b, "zh"); });
    if (options.length < 2) { return null; }
    var select = document.createElement("select");
    select.setAttribute("data-filter", fact);
    select.setAttribute("aria-label", "按" + label + "筛选");
    select.appendChild(new Option("全部" + label, ""));
    options.forEach(function (v) { select.appendChild(new Option(v, v)); });
    return select;
  }

  function setupFilter(table) {
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var bar = document.createElement("div");
    bar.className = "tz-filter";
    var text = document.createElement("input");
    text.type = "search";
    text.placeholder = "筛选：输入任意文字";
    text.setAttribute("aria-label", "按文字筛选");
    bar.appendChild(text);
    var selects = [];
    FACTS.forEach(function (pair) {
      var select = makeSelect(pair[0], pair[1], rows);
      if (select) { selects.push(select); bar.appendChild(select); }
    });
    var count = document.createElement("span");
    count.className = "tz-filter__count";
    bar.appendChild(count);

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
      count.textContent = "显示 " + shown + " / " + rows.length + " 行";
    }

    text.addEventListener("input", apply);
    selects.forEach(function (select) { select.addEventListener("change", apply); });
    var anchor = table.parentNode.classList.contains("tz-scroll") ? table.parentNode : table;
    anchor.parentNode.insertBefore(bar, anchor);
    apply();
  }

  function setup() {
    var tables = document.querySelectorAll("table.tz-sortable");
    Array.prototype.forEach.call(tables, function (table) {
      if (table.getAttribute("data-tz-ready")) { return; }
      table.setAttribute("data-tz-ready", "1");
      if (typeof Tablesort === "function") { new Tablesort(table); }
      if (table.classList.contains("tz-filterable")) { setupFilter(table); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
