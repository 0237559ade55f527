/* Record a round (admin): the type-or-category chooser offers only the categories in force on
   the date typed, as the server does (draws.forms.DrawAdminForm). Periods come from the select's
   data-periods attribute; no inline script (the Content Security Policy forbids it). */
(function () {
  "use strict";

  function parseDay(text) {
    // ISO (2026-11-25) or day first, as French input formats write it (25/11/2026).
    var s = (text || "").trim(), m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
    if (m) { return m[1] + "-" + ("0" + m[2]).slice(-2) + "-" + ("0" + m[3]).slice(-2); }
    m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s);
    if (m) { return m[3] + "-" + ("0" + m[2]).slice(-2) + "-" + ("0" + m[1]).slice(-2); }
    return null;
  }

  function init() {
    var select = document.getElementById("id_category");
    var dateInput = document.getElementById("id_drawn_on");
    if (!select || !dateInput || !select.dataset.periods) { return; }
    var periods = JSON.parse(select.dataset.periods);
    var group = Array.prototype.find.call(select.querySelectorAll("optgroup"), function (g) {
      return g.label === select.dataset.categoryLabel;
    });
    if (!group) { return; }

    function refresh() {
      var day = parseDay(dateInput.value);
      if (!day) { return; }  // a date being typed: keep the list until it is one
      var chosen = select.value;
      var offered = periods.filter(function (p) { return p.from <= day && (!p.to || day <= p.to); })
        .sort(function (a, b) { return a.label.localeCompare(b.label); });
      group.textContent = "";
      offered.forEach(function (p) {
        var option = document.createElement("option");
        option.value = p.value;
        option.textContent = p.label;
        option.selected = p.value === chosen;
        group.appendChild(option);
      });
    }

    dateInput.addEventListener("change", refresh);
    dateInput.addEventListener("input", refresh);
    // The admin's calendar and "Today" link set the value without an input event.
    document.addEventListener("click", function () { window.setTimeout(refresh, 0); });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); }
  else { init(); }
})();
