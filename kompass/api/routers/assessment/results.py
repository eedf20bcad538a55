"""The results of a closed campaign, suppressed exactly as on the result pages, read by every member.

The answer is the stored result (`results.stored`): hidden groups are listed with `hidden: true`,
without `n` and without any statistic; every call is written to the release log for the
Personalrat (one line per breakdown the answer contains, channel "api"). While a campaign is a
draft or open there are no results: 409 with the reason.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from kompass.api.gate import path_object, tenant
from kompass.api.schemas import ErrorOut
from kompass.assessment import result_tables
from kompass.assessment.models import Campaign

router = Router()

ALL_GROUPS = "all"

BASE = "/kommunen/{kommune_slug}"
BREAKDOWNS = (
    result_tables.GESAMT,
    result_tables.ZIELGRUPPEN,
    result_tables.EINHEITEN,
    result_tables.KREUZTABELLE,
    result_tables.KRITERIUM,
)


class CampaignRefOut(Schema):
    id: int
    title: str
    status: str = Field(description="entwurf, offen, geschlossen oder archiviert")
    starts_on: datetime.date
    ends_on: datetime.date
    closed_on: datetime.date | None


class ItemOut(Schema):
    id: int = Field(description="Id der Frage in dieser Umfrage (Schlüssel in `stats`).")
    name: str
    question: str
    field_key: str
    field_name: str
    dimension_key: str
    dimension_name: str


class GroupOut(Schema):
    key: str = Field(
        description="all, a:<Zielgruppe>, u:<Einheit>, d:<Einheit> (direkt zugeordnet), x:<Einheit>:<Zielgruppe>"
    )
    label: str
    kind: str = Field(description="all, audience, unit, subunit oder cross")
    parent: str | None
    n: int | None = Field(description="Zahl der Antwortenden; null, wenn die Gruppe verborgen ist.")
    hidden: bool = Field(description="Verborgen: weniger als k Antworten oder zum Schutz einer kleinen Gruppe.")


class StatOut(Schema):
    n: int | None = Field(description="Gültige Antworten (ohne „kann ich nicht beurteilen“); null: zu wenige.")
    mean: float | None
    sd: float | None = Field(description="Standardabweichung (Streuung)")
    median: float | None = Field(description="Nur ab 10 gültigen Antworten (`k_distribution`).")
    dist: list[int] | None = Field(description="Anzahl je Stufe 1–5; nur ab `k_distribution` gültigen Antworten.")
    cannot: int = Field(description="Anzahl „kann ich nicht beurteilen“")
    cannot_share: float = Field(description="Anteil „kann ich nicht beurteilen“ (0–1)")


class SuppressedOut(Schema):
    groups: int = Field(description="Verborgene Gruppen")
    cells: int = Field(description="Verborgene Einzelwerte sichtbarer Gruppen (zu wenige gültige Antworten je Frage)")


class ResultParticipationOut(Schema):
    invited: int | None = Field(description="Eingeladene insgesamt (offener Link: null)")
    audiences: dict[str, int] = Field(description="Eingeladene je Zielgruppe, wie eingeladen (vor dem Zusammenlegen)")


class ResultOut(Schema):
    campaign: CampaignRefOut
    k: int = Field(description="Mindestgruppengröße: Zahlen nur für Gruppen mit mindestens k Antworten.")
    k_distribution: int = Field(description="Mindestzahl gültiger Antworten für Verteilung und Median.")
    free_text_k: int
    k_statement: str = Field(description="Wie auf den Seiten: „k = 5; 3 Gruppen verborgen“")
    suppressed: SuppressedOut
    items: list[ItemOut]
    groups: list[GroupOut]
    audience_merge: dict[str, str] = Field(
        description="Zielgruppe kleiner als k → Zielgruppe, mit der sie ausgewertet ist"
    )
    stats: dict[str, dict[str, StatOut]] = Field(
        description="Gruppe → Frage-Id → Kennzahlen, für die in `gruppen` gewählten Gruppen (ohne Angabe: "
        "nur „all“, die ganze Kommune); verborgene Gruppen fehlen."
    )
    fields: dict[str, dict[str, float | None]] = Field(description="Gruppe → Feld → Mittelwert")
    dimensions: dict[str, dict[str, float | None]] = Field(description="Gruppe → Dimension → Mittelwert")
    comments: dict[str, list[str]] = Field(
        description="Freitexte je Gruppe (nur ab `free_text_k` Antworten), alphabetisch"
    )
    participation: ResultParticipationOut | None


@router.get(
    BASE + "/umfragen/{campaign_id}/ergebnisse",
    response={200: ResultOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut},  # 400: an unknown group key
    summary="Ergebnisse einer Umfrage",
    url_name="assessment_results",
)
def assessment_results(
    request: HttpRequest,
    kommune_slug: str,
    campaign_id: int,
    gruppen: str = Query(
        ALL_GROUPS,
        description="Für welche Gruppen `stats` die Kennzahlen je Frage enthält: Gruppenschlüssel aus `groups`, "
        "durch Komma getrennt (z. B. `all,a:fuehrung`), oder `*` für alle sichtbaren Gruppen (bei großen "
        "Kommunen mehrere hundert KB). Ohne Angabe: `all`.",
        max_length=2000,
    ),
) -> dict[str, Any]:
    """Die Ergebnisse einer geschlossenen oder archivierten Umfrage, genau so unterdrückt wie auf den Seiten:
    verborgene Gruppen stehen mit `hidden: true` ohne Zahlen in `groups` und fehlen in `stats`, `fields`,
    `dimensions` und `comments`. Die Kennzahlen je Frage (`stats`) stehen für die in `gruppen` gewählten
    Gruppen darin, ohne Angabe für die ganze Kommune. Jeder Abruf wird im Abrufprotokoll für den Personalrat
    festgehalten. Solange die Umfrage ein Entwurf oder offen ist, gibt es keine Ergebnisse (409)."""
    ctx = tenant(request)
    campaign: Campaign = path_object(request, "campaign_id")  # resolved by the gate (404 outside the Kommune)
    result = result_tables.for_campaign(campaign)
    if result is None:
        raise HttpError(
            409,
            _("Die Umfrage „%(title)s“ ist noch nicht geschlossen: Ergebnisse gibt es erst nach dem Schließen.")
            % {"title": campaign.title},
        )
    chosen = _chosen_groups(result, gruppen)
    result_tables.release(result, ctx.user, result_tables.API, BREAKDOWNS)
    data = result.data
    return {
        "campaign": campaign,
        "k": result.k,
        "k_distribution": result.k_distribution,
        "free_text_k": result.free_text_k,
        "k_statement": result.k_statement,
        "suppressed": {"groups": result.suppressed_groups, "cells": result.suppressed_cells},
        "items": data.get("items", []),
        "groups": data.get("groups", []),
        "audience_merge": data.get("audience_merge", {}),
        "stats": {
            g: s for g, s in data.get("stats", {}).items() if result.visible(g) and (chosen is None or g in chosen)
        },
        "fields": {g: s for g, s in data.get("fields", {}).items() if result.visible(g)},
        "dimensions": {g: s for g, s in data.get("dimensions", {}).items() if result.visible(g)},
        "comments": {g: s for g, s in data.get("comments", {}).items() if result.visible(g)},
        "participation": data.get("participation"),
    }


def _chosen_groups(result: result_tables.Result, value: str) -> set[str] | None:
    """The groups whose per-question statistics the answer holds; None: every visible group. A key
    that is no group of this result is a 400 with the key named; a hidden group is a group, so
    asking for it is no error (it is simply absent, as everywhere)."""
    if value.strip() == "*":
        return None
    keys = {key.strip() for key in value.split(",") if key.strip()} or {ALL_GROUPS}
    unknown = sorted(key for key in keys if result.group(key) is None)
    if unknown:
        raise HttpError(
            400,
            _("Unbekannte Gruppe in „gruppen“: %(keys)s. Gültig sind die Schlüssel aus „groups“ oder „*“.")
            % {"keys": ", ".join(unknown[:5])},
        )
    return keys
