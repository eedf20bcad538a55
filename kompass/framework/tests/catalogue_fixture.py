"""A small framework catalogue for tests (the shipped one is large): two dimensions, four fields.

`write_catalogue(directory)` writes it as TOML (version and texts can be varied to test updates);
`adopted_framework(kommune)` loads it and adopts it for a Kommune through the service.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

LEVELS = [
    "Stufe eins: Es gibt dazu noch nichts Verbindliches in der Kommune, höchstens Einzelinitiativen.",
    "Stufe zwei: Einzelne Bereiche erproben es, getragen von wenigen engagierten Beschäftigten.",
    "Stufe drei: Es ist für die ganze Verwaltung festgelegt und wird überwiegend so umgesetzt.",
    "Stufe vier: Es wird gesteuert und gemessen; die Leitung bespricht die Zahlen regelmäßig.",
    "Stufe fünf: Es wird laufend verbessert, ist fest verankert und dient anderen Kommunen als Beispiel.",
]


def _criterion(key: str, name: str, confidence: str = "abgeleitet") -> str:
    levels = ",\n  ".join(f'"{text} ({name})"' for text in LEVELS)
    return f"""
[[fields.criteria]]
key = "{key}"
name = "{name}"
question = "Wie weit ist {name} in Ihrer Kommune entwickelt?"
levels = [
  {levels},
]
source = "Eigene Ableitung für Tests"
confidence = "{confidence}"
"""


def catalogue_toml(version: str = "2026.1", extra_criterion: bool = False, rename: str = "") -> str:
    text = f"""
[catalogue]
key = "orientierungsrahmen"
version = "{version}"
name = "Orientierungsrahmen (Test)"
description = "Kleiner Testkatalog."
source = "Tests"
level_names = ["Einstieg", "Aufbau", "Etabliert", "Fortgeschritten", "Vorreiter"]

[[decisions]]
topic = "Interoperabilität"
decision = "Eigenes Feld in der Innensicht."
fields = ["daten"]
source = "EDIH M2.5"

[[dimensions]]
key = "innensicht"
name = "Innensicht"
description = "Voraussetzungen in der Verwaltung."
source = "KGSt-Bericht 8/2018 (Abstract)"
confidence = "abgeleitet"
position = 1

[[dimensions]]
key = "steuerung"
name = "Steuerung"
description = "Wie die Kommune ihre Digitalisierung steuert."
source = "KGSt-Bericht 5/2013"
confidence = "abgeleitet"
position = 2

[[fields]]
key = "rollen-verantwortung"
dimension = "innensicht"
name = "{rename or "Rollen und Verantwortung"}"
description = "Wer wofür zuständig ist."
source = "KGSt-Bericht 8/2018 (Abstract, kgst.de)"
confidence = "belegt"
"""
    text += _criterion("kernrollen", "Kernrollen besetzt", "belegt")
    text += _criterion("lotsen", "Lotsinnen und Lotsen")
    text += _criterion("projektverantwortung", "Verantwortung für Projekte")
    if extra_criterion:
        text += _criterion("zeitanteile", "Zeitanteile gewährt")
    text += """
[[fields]]
key = "daten"
dimension = "innensicht"
name = "Daten"
description = "Umgang mit Daten."
source = "EDIH DMA, Modul M2.4"
confidence = "belegt"
"""
    text += _criterion("datenregeln", "Regeln für Daten")
    text += _criterion("offene-daten", "Offene Daten")
    text += _criterion("dashboards", "Auswertungen")
    text += """
[[fields]]
key = "strategie"
dimension = "steuerung"
name = "Strategie"
description = "Die Digitalstrategie."
source = "Trendreport Digitaler Staat 2022"
confidence = "belegt"
"""
    text += _criterion("dokument", "Digitalstrategie")
    text += _criterion("beschluss", "Beschluss der Strategie")
    text += _criterion("fortschreibung", "Fortschreibung")
    text += """
[[fields]]
key = "mobilitaet"
dimension = "steuerung"
name = "Mobilität (Wahlfeld)"
description = "Ein Wahlfeld, nach der Übernahme abgeschaltet."
optional = true
source = "Trendreport Digitaler Staat 2022"
confidence = "abgeleitet"
"""
    text += _criterion("angebote", "Mobilitätsangebote")
    text += _criterion("daten", "Mobilitätsdaten")
    text += _criterion("beteiligung", "Beteiligung zur Mobilität")
    return text


MEASURES = """
[meta]
version = "2026.1"
name = "Maßnahmenvorlagen (Test)"
source = "Tests"

[[measures]]
key = "lotsen-netzwerk"
name = "Lotsen-Netzwerk aufbauen"
description = "Je Fachbereich eine Lotsin oder einen Lotsen benennen und vernetzen."
fields = ["rollen-verantwortung"]
max_level = 3
effort = "mittel"
source = "KGSt-Denkanstöße 2022"
confidence = "belegt"

[[measures]]
key = "open-data-portal"
name = "Open-Data-Portal"
description = "Daten der Kommune offen bereitstellen."
fields = ["daten"]
max_level = 4
effort = "hoch"
source = "Eigene Ableitung"
confidence = "abgeleitet"
"""


def write_catalogue(directory: Path, **variant: Any) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "orientierungsrahmen.toml").write_text(catalogue_toml(**variant), encoding="utf-8")
    (directory / "massnahmen.toml").write_text(MEASURES, encoding="utf-8")
    return directory


def adopted_framework(kommune: Any, directory: Path, actor: Any = None) -> Any:
    from kompass.framework import services
    from kompass.framework.catalogue_loader import latest_catalogue, load_framework

    load_framework(write_catalogue(directory))
    return services.framework_adopt(kommune=kommune, actor=actor, catalogue=latest_catalogue())
