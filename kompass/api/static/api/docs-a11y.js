/* Names for the few Swagger UI controls that have none (WCAG 4.1.2), added as Swagger renders them. */
(function () {
  "use strict";
  var labels = [
    [".copy-to-clipboard button:not([aria-label])", "In die Zwischenablage kopieren"],
    ["textarea:not([aria-label]):not([id])", "Inhalt der Anfrage (JSON)"]
  ];
  function name(root) {
    labels.forEach(function (pair) {
      root.querySelectorAll(pair[0]).forEach(function (el) { el.setAttribute("aria-label", pair[1]); });
    });
  }
  new MutationObserver(function () { name(document); }).observe(document.body, { childList: true, subtree: true });
  name(document);
})();
