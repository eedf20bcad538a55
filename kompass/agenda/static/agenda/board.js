// Board (Tafel) of the measures: drag a card into another column to change its status.
// The board works without this file: each card a member may change has a form with a status select
// and the button "Verschieben" (keyboard and no-script path). Dragging only fills in that form and
// sends it, so a drop is the same request as the button (htmx swaps the board, the server answers
// with the message and refuses what the button would refuse).
(function () {
  "use strict";

  var DROP = "kk-board__column--drop";
  var DRAGGING = "kk-card--dragging";
  var dragged = null;

  function cardOf(target) { return target && target.closest ? target.closest("[data-kk-card]") : null; }
  function columnOf(target) { return target && target.closest ? target.closest("[data-kk-drop]") : null; }

  // Cards come and go with every htmx swap of the board: mark the movable ones on each load.
  function prepare(root) {
    root.querySelectorAll("[data-kk-card]").forEach(function (card) { card.setAttribute("draggable", "true"); });
    root.querySelectorAll("[data-kk-board-hint]").forEach(function (hint) { hint.hidden = false; });
  }

  function clearMarks() {
    document.querySelectorAll("." + DROP).forEach(function (column) { column.classList.remove(DROP); });
  }

  document.addEventListener("dragstart", function (event) {
    var card = cardOf(event.target);
    if (!card) { return; }
    dragged = card;
    card.classList.add(DRAGGING);
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.id);
  });

  document.addEventListener("dragend", function () {
    if (dragged) { dragged.classList.remove(DRAGGING); }
    dragged = null;
    clearMarks();
  });

  document.addEventListener("dragover", function (event) {
    var column = columnOf(event.target);
    if (!dragged || !column || column.contains(dragged)) { return; }
    event.preventDefault(); // allows the drop
    event.dataTransfer.dropEffect = "move";
    if (!column.classList.contains(DROP)) { clearMarks(); column.classList.add(DROP); }
  });

  document.addEventListener("dragleave", function (event) {
    var column = columnOf(event.target);
    if (column && !column.contains(event.relatedTarget)) { column.classList.remove(DROP); }
  });

  document.addEventListener("drop", function (event) {
    var column = columnOf(event.target), card = dragged;
    if (!card || !column || column.contains(card)) { return; }
    event.preventDefault();
    clearMarks();
    var form = card.querySelector("form"), select = form && form.querySelector("select[name=status]");
    if (!select) { return; }
    select.value = column.getAttribute("data-kk-drop");
    if (select.value !== column.getAttribute("data-kk-drop")) { return; } // no such status
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); } // htmx takes the submit event
  });

  prepare(document);
  document.addEventListener("htmx:afterSettle", function (event) { prepare(event.target); });
})();
