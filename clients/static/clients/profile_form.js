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
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
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

  // Focus the first field with an error after a failed save.
  var invalid = form.querySelector(".is-invalid");
  if (invalid) invalid.focus();
})();
