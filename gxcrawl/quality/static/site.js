// Report pages: hovering or clicking a check highlights the table cells it adds up (data-checks on each cell).
(function () {
  function highlight(key, on) {
    document.querySelectorAll("td[data-checks]").forEach(function (cell) {
      if (cell.dataset.checks.split(" ").indexOf(key) >= 0) { cell.classList.toggle("hl", on); }
    });
  }
  document.querySelectorAll("tr.check").forEach(function (row) {
    row.addEventListener("mouseenter", function () { highlight(row.dataset.key, true); });
    row.addEventListener("mouseleave", function () {
      if (!row.classList.contains("active")) { highlight(row.dataset.key, false); }
    });
    row.addEventListener("click", function () {
      var on = !row.classList.contains("active");
      row.classList.toggle("active", on);
      highlight(row.dataset.key, on);
    });
  });
})();
