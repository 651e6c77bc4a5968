/* Sortable tables: each header is a button (keyboard usable); aria-sort tells screen readers. */
(function () {
  "use strict";
  function key(cell, type) {
    var raw = cell.getAttribute("data-sort");
    if (raw === null) { raw = cell.textContent.trim(); }
    return type === "num" ? parseFloat(raw) : raw;
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var headers = table.querySelectorAll("thead th");
    headers.forEach(function (th, index) {
      var button = th.querySelector("button");
      if (!button) { return; }
      button.addEventListener("click", function () {
        var type = button.getAttribute("data-type");
        var descending = th.getAttribute("aria-sort") !== "descending";
        headers.forEach(function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a.cells[index], type), y = key(b.cells[index], type);
          var cmp = type === "num" ? x - y : String(x).localeCompare(String(y));
          return descending ? -cmp : cmp;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
})();
