// Kommunalkompass: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // Org tree: "expand all" / "collapse all" buttons for the <details> tree.
  function setAll(open) {
    document.querySelectorAll(".kk-tree details").forEach(function (d) { d.open = open; });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-tree-toggle]");
    if (button) { setAll(button.getAttribute("data-tree-toggle") === "open"); }
  });

  // Move focus to the error summary after a failed submit, so screen readers announce it.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("fehler");
    if (summary) { summary.focus(); }
    document.querySelectorAll("[data-tree-toggle]").forEach(function (b) { b.hidden = false; });
  });

  // Filter forms marked data-autosubmit update their result table via htmx on change.
  document.addEventListener("htmx:afterSwap", function (event) {
    var live = document.getElementById("ergebnis-status");
    if (live && event.detail.target && event.detail.target.id === "ergebnis") {
      var caption = event.detail.target.querySelector("caption");
      live.textContent = caption ? caption.textContent.trim() : "";
    }
  });
})();
