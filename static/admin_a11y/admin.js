/* Accessible names for the inputs Django's admin widgets render without one
   (templates/admin/base_site.html; checked by tests/test_layout_a11y.py with axe-core):

   - a split date and time field: its two inputs sit after the field's label, which names neither;
     each is named "<field label> – Date" / "– Time" from the widget's own (translated) words;
   - a tabular inline: its inputs sit under a column header, which names none of them; each is
     named after its column;
   - an autocomplete select (select2) and its shown value: named after the select's label;
   - the filter icons of a two-list selector (filter_horizontal) carry an aria-label that a plain
     span may not have: they become images, which may.

   Run once the admin's own scripts have built their widgets (after the window's load event), and
   again on each inline row added. Reads only the page; no inline script (the CSP forbids them). */
(function () {
  "use strict";

  function text(el) {
    return el ? el.textContent.replace(/\s+/g, " ").replace(/[:*\s]+$/, "").trim() : "";
  }

  function name(el, label) {
    if (label && !el.hasAttribute("aria-label") && !(el.labels && el.labels.length)) {
      el.setAttribute("aria-label", label);
    }
  }

  function fieldLabel(el) {
    var row = el.closest(".form-row .flex-container, .form-row");
    if (row) {
      var label = row.querySelector("label");
      if (label && !label.closest("p.datetime")) return text(label);
    }
    var cell = el.closest("td");
    return cell ? columnLabel(cell) : "";
  }

  function columnLabel(cell) {
    var table = cell.closest("table");
    if (!table || !table.tHead) return "";
    var field = Array.prototype.find.call(cell.classList, function (c) { return c.indexOf("field-") === 0; });
    var header = field && table.tHead.querySelector("th.column-" + field.slice(6));
    if (!header) {
      header = table.tHead.rows[0] && table.tHead.rows[0].cells[cell.cellIndex];
    }
    return text(header);
  }

  function splitDateTimes(root) {
    root.querySelectorAll("p.datetime").forEach(function (p) {
      var label = fieldLabel(p);
      p.querySelectorAll("input.vDateField, input.vTimeField").forEach(function (input) {
        var part = input.previousSibling;
        while (part && part.nodeType !== Node.TEXT_NODE) part = part.previousSibling;
        name(input, [label, text(part)].filter(Boolean).join(" – "));
      });
    });
  }

  function tabularInlines(root) {
    root.querySelectorAll(".inline-group .tabular tbody td").forEach(function (cell) {
      var label = columnLabel(cell);
      cell.querySelectorAll("input:not([type=hidden]), select, textarea").forEach(function (input) {
        if (!input.closest("p.datetime")) name(input, label);
      });
    });
  }

  function autocompletes(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var container = select.nextElementSibling;
      if (!container || !container.classList.contains("select2")) return;
      var label = (select.labels && select.labels.length ? text(select.labels[0]) : "")
        || select.getAttribute("aria-label") || fieldLabel(select);
      container.querySelectorAll("[role=combobox], [role=textbox]").forEach(function (el) {
        if (!el.hasAttribute("aria-label")) el.setAttribute("aria-label", label);
      });
    });
  }

  function filterIcons(root) {
    root.querySelectorAll("span.help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  function fix(root) {
    splitDateTimes(root);
    tabularInlines(root);
    autocompletes(root);
    filterIcons(root);
  }

  window.addEventListener("load", function () {
    // The admin's widgets (calendar links, select2, the two-list selector) build on this same
    // event, registered after this script: let them run first.
    setTimeout(function () { fix(document); }, 0);
  });
  document.addEventListener("formset:added", function (event) {
    setTimeout(function () { fix(event.target.closest(".inline-group") || document); }, 0);
  });
})();
