// Progressive enhancement only: every page reads and navigates without this file.
// It adds a text box above tables marked data-filterable that hides rows not
// containing the typed text. Labels come from the page (data-* attributes set by
// the templates from the strings file), never from this script. It also keeps the
// header menu and a list's filters open on wide screens.
(function () {
  "use strict";
  function normalize(text) {
    return text.replace(/\s+/g, " ").trim().toLowerCase();
  }
  function enhance(table, index) {
    var body = table.tBodies[0];
    if (!body || body.rows.length < 6) {
      return;
    }
    var box = document.createElement("div");
    box.className = "table-filter";
    var id = "table-filter-" + index;
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = document.body.getAttribute("data-filter-label") || "";
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.placeholder = document.body.getAttribute("data-filter-placeholder") || "";
    var status = document.createElement("span");
    status.className = "table-filter-status";
    status.setAttribute("aria-live", "polite");
    box.appendChild(label);
    box.appendChild(input);
    box.appendChild(status);
    var wrapper = table.closest(".table-scroll") || table;
    wrapper.parentNode.insertBefore(box, wrapper);
    var rows = Array.prototype.slice.call(body.rows);
    var texts = rows.map(function (row) { return normalize(row.textContent); });
    input.addEventListener("input", function () {
      var query = normalize(input.value);
      var shown = 0;
      rows.forEach(function (row, i) {
        var match = query === "" || texts[i].indexOf(query) !== -1;
        row.hidden = !match;
        if (match) { shown += 1; }
      });
      status.textContent = query === "" ? "" : shown + " / " + rows.length;
    });
  }
  // The header menu and a list's filters are <details class="open-wide">, which the
  // stylesheet shows open from 40rem; a browser without ::details-content needs them
  // opened there, and closed again on a phone.
  function openWide() {
    if (!window.matchMedia) {
      return;
    }
    var wide = window.matchMedia("(min-width: 40rem)");
    var panels = document.querySelectorAll("details.open-wide");
    var follow = function () {
      Array.prototype.forEach.call(panels, function (d) { d.open = wide.matches; });
    };
    follow();
    if (wide.addEventListener) {
      wide.addEventListener("change", follow);
    }
  }
  function init() {
    var tables = document.querySelectorAll("table[data-filterable]");
    Array.prototype.forEach.call(tables, enhance);
    openWide();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
