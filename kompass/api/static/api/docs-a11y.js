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
    /* The page's one h1 is "API-Dokumentation"; Swagger's title of the API is a level-2 heading under it. */
    root.querySelectorAll(".swagger-ui .info h1:not([aria-level])").forEach(function (el) {
      el.setAttribute("role", "heading");
      el.setAttribute("aria-level", "2");
    });
  }
  /* Swagger UI has no German texts of its own: on a German page its few fixed words are replaced as it
     renders them (only whole text nodes that are exactly one of these words, so descriptions stay). */
  var german = {
    "Try it out": "Ausprobieren",
    "Cancel": "Abbrechen",
    "Execute": "Ausführen",
    "Clear": "Leeren",
    "Parameters": "Parameter",
    "No parameters": "Keine Parameter",
    "Request body": "Inhalt der Anfrage",
    "Responses": "Antworten",
    "Response body": "Inhalt der Antwort",
    "Response headers": "Kopfzeilen der Antwort",
    "Server response": "Antwort des Servers",
    "Request URL": "Anfrage-URL",
    "Description": "Beschreibung",
    "Links": "Verweise",
    "No links": "Keine Verweise",
    "Media type": "Medientyp",
    "Controls Accept header.": "Bestimmt den Accept-Kopf der Anfrage.",
    "Example Value": "Beispielwert",
    "Download": "Herunterladen",
    "Authorize": "Anmelden",
    "Available authorizations": "Anmeldearten",
    "Logout": "Abmelden",
    "Close": "Schließen",
    "Value:": "Wert:",
    "Loading...": "Wird geladen …",
    "Undocumented": "Nicht beschrieben",
    "Successful Response": "Erfolgreiche Antwort",
    "required": "Pflicht"
  };
  var isGerman = (document.documentElement.lang || "de").indexOf("de") === 0;
  function translate(root) {
    if (!isGerman) { return; }
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      var text = node.nodeValue.trim();
      if (Object.prototype.hasOwnProperty.call(german, text)) {
        node.nodeValue = node.nodeValue.replace(text, german[text]);
      }
    }
  }
  new MutationObserver(function () {
    name(document);
    translate(document.getElementById("swagger-ui"));
  }).observe(document.body, { childList: true, subtree: true });
  name(document);
})();
