// Client profile form: add rows to the inline formsets, show the spouse section when it applies.
(function () {
  "use strict";
  var form = document.getElementById("client-form");
  if (!form) return;

  function addRow(prefix) {
    var total = form.querySelector("#id_" + prefix + "-TOTAL_FORMS");
    var template = form.querySelector('template[data-empty-form="' + prefix + '"]');
    var box = document.getElementById("formset-" + prefix);
    var index = parseInt(total.value, 10);
    // The row's number for people (a remove box's name, clients.forms.FactFormSet), then its index.
    var html = template.innerHTML.replace(/__number__/g, String(index + 1)).replace(/__prefix__/g, String(index));
    var tbody = box.querySelector("tbody");
    tbody.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    box.querySelector(".empty-note").classList.add("d-none");
    var rows = tbody.querySelectorAll("tr.formset-row");
    var first = rows[rows.length - 1].querySelector("input:not([type=hidden]), select");
    if (first) first.focus();
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("[data-add-row]");
    if (button) {
      event.preventDefault();
      addRow(button.getAttribute("data-add-row"));
    }
  });

  // A row marked for removal is greyed out, so the consultant sees what will go.
  form.addEventListener("change", function (event) {
    if (event.target.name && /-DELETE$/.test(event.target.name)) {
      event.target.closest("tr").classList.toggle("row-deleted", event.target.checked);
    }
  });

  var marital = form.querySelector("#id_marital_status");
  var spouse = document.getElementById("spouse-section");
  var note = form.querySelector(".spouse-note");
  function toggleSpouse() {
    var hasSpouse = marital.value === "married" || marital.value === "common_law";
    spouse.classList.toggle("d-none", !hasSpouse);
    note.classList.toggle("d-none", hasSpouse);
  }
  if (marital && spouse) {
    marital.addEventListener("change", toggleSpouse);
    toggleSpouse();
  }

  // Country lists (clients.forms.CountryListWidget): a box to find a country by name, and one Tab
  // stop per list (arrow keys, Home and End move among the countries shown; Space ticks).
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function setUpCountryList(list) {
    var boxes = Array.prototype.slice.call(list.querySelectorAll("input[type=checkbox]"));
    var filter = document.createElement("input");
    filter.type = "search";
    filter.id = list.id + "-filter";
    filter.className = "form-control form-control-sm mb-1 country-filter";
    filter.placeholder = list.getAttribute("data-filter-label");
    filter.setAttribute("aria-label", filter.placeholder);
    filter.setAttribute("aria-controls", list.id);
    filter.setAttribute("autocomplete", "off");
    var help = document.createElement("span");
    help.id = list.id + "-filter-help";
    help.className = "visually-hidden";
    help.textContent = list.getAttribute("data-filter-help");
    filter.setAttribute("aria-describedby", help.id);
    var none = document.createElement("div");
    none.className = "small text-body-secondary country-none";
    none.hidden = true;
    none.setAttribute("aria-live", "polite");
    list.parentNode.insertBefore(filter, list);
    list.parentNode.insertBefore(help, list);
    list.appendChild(none);

    function shown() {
      return boxes.filter(function (box) { return !box.parentNode.hidden; });
    }
    function makeCurrent(box) {
      boxes.forEach(function (b) { b.tabIndex = b === box ? 0 : -1; });
    }
    function resetCurrent() {
      var visible = shown();
      var checked = visible.filter(function (b) { return b.checked; });
      makeCurrent(checked[0] || visible[0] || null);
    }
    filter.addEventListener("input", function () {
      var wanted = fold(filter.value.trim());
      boxes.forEach(function (box) {
        box.parentNode.hidden = wanted !== "" && fold(box.parentNode.textContent).indexOf(wanted) === -1;
      });
      var count = shown().length;
      none.hidden = count > 0;
      none.textContent = count > 0 ? "" : list.getAttribute("data-none-found");
      resetCurrent();
    });
    filter.addEventListener("keydown", function (event) {
      var visible = shown();
      if (event.key === "Enter") {
        event.preventDefault();  // never sends the form; one country left: tick it
        if (visible.length === 1) visible[0].click();
      } else if (event.key === "ArrowDown" && visible.length) {
        event.preventDefault();
        makeCurrent(visible[0]);
        visible[0].focus();
      }
    });
    list.addEventListener("keydown", function (event) {
      var visible = shown();
      var at = visible.indexOf(event.target);
      if (at === -1) return;
      var to = {ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: visible.length - 1}[event.key];
      if (to === undefined) return;
      event.preventDefault();
      if (to < 0) { filter.focus(); return; }
      var box = visible[Math.min(to, visible.length - 1)];
      makeCurrent(box);
      box.focus();
    });
    list.addEventListener("focusin", function (event) {
      if (event.target.type === "checkbox") makeCurrent(event.target);
    });
    resetCurrent();
  }
  Array.prototype.forEach.call(form.querySelectorAll("[data-country-list]"), setUpCountryList);

  // Focus the first field with an error after a failed save.
  var invalid = form.querySelector(".is-invalid");
  if (invalid) invalid.focus();
})();
