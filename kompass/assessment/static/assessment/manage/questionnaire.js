/* The questionnaire form: "Alle" of a field ticks or clears its criteria, and follows them.
   Without script the server reads "Alle" as "every criterion of the field" (forms_manage.QuestionnaireForm). */
(function () {
  "use strict";
  function sync(group) {
    var all = group.querySelector("[data-select-all-box]");
    var items = group.querySelectorAll("[data-select-all-item]");
    if (!all) { return; }
    var ticked = 0;
    items.forEach(function (item) { if (item.checked) { ticked += 1; } });
    all.checked = items.length > 0 && ticked === items.length;
  }
  document.addEventListener("change", function (event) {
    var box = event.target;
    var group = box.closest("[data-field-group]");
    if (!group || !box.closest("[data-select-all]")) { return; }
    if (box.hasAttribute("data-select-all-box")) {
      group.querySelectorAll("[data-select-all-item]").forEach(function (item) { item.checked = box.checked; });
    } else if (box.hasAttribute("data-select-all-item")) {
      sync(group);
    }
  });
})();
