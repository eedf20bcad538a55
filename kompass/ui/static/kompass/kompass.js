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

  // Main navigation: its groups are <details name=…> and open and close without this script. The script
  // adds the rest of the disclosure pattern: one group open at a time (for browsers that ignore `name`),
  // Escape closes the group and returns focus to its summary, a click or the focus moving elsewhere closes it.
  var NAV_GROUP = ".kk-nav details.kk-nav__group";
  function openNavGroups() { return document.querySelectorAll(NAV_GROUP + "[open]"); }
  document.addEventListener("toggle", function (event) {
    var group = event.target;
    if (group.matches && group.matches(NAV_GROUP) && group.open) {
      openNavGroups().forEach(function (other) { if (other !== group) { other.open = false; } });
    }
  }, true);  // toggle does not bubble: listen while it comes down
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !openNavGroups().length) { return; }
    var group = event.target.closest && event.target.closest(NAV_GROUP);
    openNavGroups().forEach(function (open) { open.open = false; });
    if (group) { group.querySelector("summary").focus(); event.preventDefault(); }
  });
  document.addEventListener("click", function (event) {
    openNavGroups().forEach(function (group) { if (!group.contains(event.target)) { group.open = false; } });
  });
  document.addEventListener("focusout", function (event) {
    var group = event.target.closest && event.target.closest(NAV_GROUP);
    var next = event.relatedTarget;  // null when a click lands on nothing focusable: the click handler decides
    if (group && group.open && next && !group.contains(next)) { group.open = false; }
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
