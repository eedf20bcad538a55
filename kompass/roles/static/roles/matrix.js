// Responsibility matrix: keyboard grid with immediate saves. The page works without this file
// (each row has an ordinary form); this script only adds the grid behaviour for editors.
//
// The grid is one tab stop (roving tabindex). Arrow keys move between cells, Home/End go to the
// start/end of the row (with Ctrl: of the grid), R/A/C/I set the letter, Delete/Backspace/Space
// clear it. Every change is sent with the letter the cell showed ("expected"); the server answers
// with the letter it holds now, so a conflict or a refused second A restores the true value and
// the live region announces why.
(function () {
  "use strict";

  var table = document.querySelector("table[data-matrix-edit]");
  if (!table || !table.tBodies.length || !window.fetch) { return; }
  var liveRegion = document.getElementById("matrix-status");
  var url = table.getAttribute("data-url");
  var csrf = table.getAttribute("data-csrf");
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var LETTERS = "RACI";
  var CLEAR_KEYS = ["Delete", "Backspace", " ", "Spacebar"];

  // grid[r][c]: the focus target of each cell. Column 0 is the row header (its <summary> when it
  // has a description), the last column the row's check, the columns between are the letter cells.
  var grid = rows.map(function (row) {
    var targets = [];
    var header = row.cells[0];
    targets.push(header.querySelector("summary") || header);
    for (var i = 1; i < row.cells.length; i++) { targets.push(row.cells[i]); }
    return targets;
  });
  var position = new Map();
  grid.forEach(function (targets, r) {
    targets.forEach(function (el, c) { el.tabIndex = -1; position.set(el, { r: r, c: c }); });
  });
  var lastColumn = grid[0].length - 1;

  table.setAttribute("role", "grid");
  table.setAttribute("aria-describedby", "matrix-hilfe");
  rows.forEach(function (row) {
    row.cells[row.cells.length - 1].setAttribute("aria-readonly", "true");
    row.cells[0].setAttribute("aria-readonly", "true");
  });
  var wrap = table.closest("[data-matrix-wrap]");
  if (wrap) { wrap.removeAttribute("tabindex"); }  // the grid itself is now the tab stop
  document.querySelectorAll("[data-matrix-help]").forEach(function (el) { el.hidden = false; });

  var current = grid[0][Math.min(1, lastColumn)];
  current.tabIndex = 0;

  function isLetterCell(pos) { return pos.c > 0 && pos.c < lastColumn; }

  function focusCell(r, c) {
    r = Math.max(0, Math.min(grid.length - 1, r));
    c = Math.max(0, Math.min(lastColumn, c));
    var target = grid[r][c];
    current.tabIndex = -1;
    target.tabIndex = 0;
    current = target;
    target.focus();
  }

  var pendingAnnouncement = null;

  function announce(message, isError) {
    if (!liveRegion) { return; }
    liveRegion.classList.toggle("kk-matrix-status--error", !!isError);
    liveRegion.textContent = "";
    // A short pause makes screen readers announce a message even when it repeats. A message still
    // waiting for its pause is dropped: an older answer must never replace a newer one.
    window.clearTimeout(pendingAnnouncement);
    pendingAnnouncement = window.setTimeout(function () { liveRegion.textContent = message; }, 60);
  }

  function showStatus(row, ok, text) {
    var cell = row.cells[row.cells.length - 1];
    cell.textContent = "";
    var mark = document.createElement("span");
    mark.className = "kk-matrix__mark";
    mark.setAttribute("aria-hidden", "true");
    mark.textContent = ok ? "✓" : "✗";
    cell.appendChild(mark);
    cell.appendChild(document.createTextNode(" "));
    var label = document.createElement(ok ? "span" : "strong");
    label.textContent = text;
    cell.appendChild(label);
  }

  function readAnswer(response) {
    var type = response.headers.get("Content-Type") || "";
    var body = type.indexOf("application/json") >= 0 ? response.json() : Promise.resolve({});
    return body.then(function (data) { return { ok: response.ok, status: response.status, data: data }; });
  }

  function save(cell, letter) {
    var expected = cell.getAttribute("data-letter") || "";
    if (letter === expected || cell.getAttribute("aria-busy") === "true") { return; }
    var row = cell.parentElement;
    cell.setAttribute("aria-busy", "true");
    cell.textContent = letter;
    var body = new URLSearchParams();
    body.set("activity", row.getAttribute("data-activity"));
    body.set("role", cell.getAttribute("data-role"));
    body.set("letter", letter);
    body.set("expected", expected);
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "Accept": "application/json" },
      body: body
    }).then(readAnswer).then(function (answer) {
      var data = answer.data;
      var serverLetter = typeof data.letter === "string" ? data.letter : expected;
      cell.setAttribute("data-letter", serverLetter);
      cell.textContent = serverLetter;
      if (typeof data.row_status === "string") { showStatus(row, data.row_ok, data.row_status); }
      var fallback = (table.getAttribute("data-msg-failed") || "%s").replace("%s", String(answer.status));
      announce(data.message || (answer.ok ? "" : fallback), !answer.ok);
    }).catch(function () {
      cell.textContent = expected;
      announce(table.getAttribute("data-msg-offline") || "", true);
    }).then(function () {
      cell.removeAttribute("aria-busy");
    });
  }

  table.addEventListener("focusin", function (event) {
    var pos = position.get(event.target);
    if (pos && event.target !== current) {
      current.tabIndex = -1;
      event.target.tabIndex = 0;
      current = event.target;
    }
  });

  table.addEventListener("keydown", function (event) {
    var pos = position.get(event.target);
    if (!pos || event.altKey || event.metaKey) { return; }
    var key = event.key;
    if (event.ctrlKey) {
      if (key === "Home") { focusCell(0, 0); } else if (key === "End") { focusCell(grid.length - 1, lastColumn); } else { return; }
    } else if (key === "ArrowRight") { focusCell(pos.r, pos.c + 1);
    } else if (key === "ArrowLeft") { focusCell(pos.r, pos.c - 1);
    } else if (key === "ArrowDown") { focusCell(pos.r + 1, pos.c);
    } else if (key === "ArrowUp") { focusCell(pos.r - 1, pos.c);
    } else if (key === "Home") { focusCell(pos.r, 0);
    } else if (key === "End") { focusCell(pos.r, lastColumn);
    } else if (isLetterCell(pos) && key.length === 1 && LETTERS.indexOf(key.toUpperCase()) >= 0) {
      save(event.target, key.toUpperCase());
    } else if (isLetterCell(pos) && CLEAR_KEYS.indexOf(key) >= 0) {
      save(event.target, "");
    } else {
      return;  // Enter and Space on a row header open its description as usual
    }
    event.preventDefault();
  });
})();
