"""The Kommune's Orientierungsrahmen: the adopted tree with sources, and the measure templates.

The same rules as the framework pages (`kompass.framework.access`): every member reads; adopting,
rewording and switching off fields and criteria and adding own criteria need `EDIT_FRAMEWORK`
(Administration, Redaktion without unit limit). The gate resolves `field_id`/`criterion_id` inside
the Kommune (404) and with the right to change them (403) before the body is read.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import AfterValidator
from pydantic import Field as SchemaField

from kompass.api.gate import path_object, tenant
from kompass.api.routers.common import api_change, page
from kompass.api.schemas import ErrorOut, InputSchema, Name, PatchSchema, ValidationErrorOut, clean_text
from kompass.core.exceptions import ConflictError
from kompass.framework import access, selectors, services, updates
from kompass.framework.catalogue_loader import latest_catalogue
from kompass.framework.models import Criterion, Field, FrameworkCatalogue, MeasureTemplate
from kompass.tenancy.models import Kommune

router = Router(tags=["Orientierungsrahmen"])

BASE = "/kommunen/{kommune_slug}"
FRAMEWORK = BASE + "/orientierungsrahmen"
WRITE_ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ValidationErrorOut}

LongText = Annotated[str, SchemaField(max_length=5000), AfterValidator(clean_text)]
Question = Annotated[str, SchemaField(max_length=services.QUESTION_MAX), AfterValidator(clean_text)]
LevelText = Annotated[str, SchemaField(max_length=services.LEVEL_MAX), AfterValidator(clean_text)]
Levels = Annotated[
    list[LevelText],
    SchemaField(
        max_length=10,
        description="Die fünf Stufenbeschreibungen in ihrer Reihenfolge: 1 Einstieg, 2 Aufbau, 3 Etabliert, "
        "4 Fortgeschritten, 5 Vorreiter (genau fünf, keine leer).",
    ),
]
CONFIDENCE_DOC = (
    "Belegstärke: belegt (öffentliche Quelle), abgeleitet (eigener Vorschlag) oder eigene (Festlegung der Kommune)."
)

# --- shapes ----------------------------------------------------------------------------------------


class LevelOut(Schema):
    level: int = SchemaField(description="1 bis 5.")
    name: str = SchemaField(description="Name der Stufe, z. B. „Einstieg“.")
    text: str


class CriterionOut(Schema):
    id: int
    key: str
    field_id: int
    name: str
    question: str = SchemaField(description="So wird das Kriterium in der Umfrage gefragt.")
    levels: list[LevelOut]
    source: str
    confidence: str = SchemaField(description=CONFIDENCE_DOC)
    is_custom: bool = SchemaField(description="Ein eigenes Kriterium der Kommune (nicht aus dem Katalog).")
    is_active: bool
    version: int


class FieldOut(Schema):
    id: int
    key: str
    dimension_key: str
    name: str
    description: str
    assessable: bool = SchemaField(description="false: Das Feld wird nicht bewertet und hat keine Kriterien.")
    optional: bool = SchemaField(description="Ein Wahlfeld; nach der Übernahme zunächst abgeschaltet.")
    is_active: bool = SchemaField(description="false: abgeschaltet, nicht in neuen Umfragen und Ergebnissen.")
    reworded: bool = SchemaField(description="Die Kommune hat Name oder Beschreibung umformuliert.")
    source: str
    confidence: str = SchemaField(description=CONFIDENCE_DOC)
    confidence_note: str
    version: int
    criteria: list[CriterionOut]


class DimensionOut(Schema):
    key: str
    name: str
    description: str
    source: str
    confidence: str
    fields: list[FieldOut]


class DecisionOut(Schema):
    topic: str
    decision: str
    fields: list[str] = SchemaField(description="Schlüssel der Felder, in denen das Thema steht.")
    source: str


class CatalogueVersionOut(Schema):
    key: str
    version: str
    name: str
    description: str
    source: str


class FrameworkOut(Schema):
    adopted: bool = SchemaField(description="Hat die Kommune den Orientierungsrahmen übernommen?")
    adopted_at: datetime.datetime | None
    catalogue: CatalogueVersionOut | None = SchemaField(description="Die übernommene Katalogfassung.")
    newest: CatalogueVersionOut | None = SchemaField(description="Die neueste geladene Katalogfassung.")
    update_available: bool = SchemaField(description="Eine neuere Fassung als die übernommene ist geladen.")
    level_names: list[str]
    decisions: list[DecisionOut] = SchemaField(description="Entscheidungen des Katalogs zu Lücken.")
    dimensions: list[DimensionOut] = SchemaField(description="Leer, solange die Kommune nicht übernommen hat.")


class MeasureOut(Schema):
    key: str
    name: str
    description: str
    field_keys: list[str] = SchemaField(description="Die Felder, für die die Vorlage vorgeschlagen wird.")
    max_level: int = SchemaField(description="Vorgeschlagen, solange das Feld höchstens auf dieser Stufe steht.")
    effort: str = SchemaField(description="Aufwand: gering, mittel oder hoch.")
    kommunentypen: list[str]
    source: str
    confidence: str


class MeasurePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[MeasureOut]


# --- input -----------------------------------------------------------------------------------------


class FieldPatch(PatchSchema):
    NOT_NULL = frozenset({"name", "description", "is_active"})

    name: Name | None = None
    description: LongText | None = None
    is_active: bool | None = SchemaField(
        None, description="false schaltet das Feld ab: Es kommt in neuen Fragebögen und Ergebnissen nicht mehr vor."
    )


class CriterionCreate(InputSchema):
    name: Name
    question: Question
    levels: Levels


class CriterionPatch(PatchSchema):
    NOT_NULL = frozenset({"name", "question", "levels", "is_active"})

    name: Name | None = None
    question: Question | None = None
    levels: Levels | None = None
    is_active: bool | None = None


class MeasureFilters(Schema):
    feld: str | None = SchemaField(None, max_length=60, description="Nur Vorlagen für das Feld mit diesem Schlüssel.")
    limit: int = SchemaField(100, ge=1, le=500)
    offset: int = SchemaField(0, ge=0, le=10**9)


# --- building the answers --------------------------------------------------------------------------


def _catalogue(catalogue: FrameworkCatalogue | None) -> dict[str, Any] | None:
    if catalogue is None:
        return None
    return {name: getattr(catalogue, name) for name in ("key", "version", "name", "description", "source")}


def _criterion(criterion: Criterion, level_names: list[str]) -> dict[str, Any]:
    levels = [
        {"level": n, "name": level_names[n - 1] if n <= len(level_names) else "", "text": text}
        for n, text in enumerate(criterion.levels or [], start=1)
    ]
    values = {
        name: getattr(criterion, name)
        for name in ("id", "key", "field_id", "name", "question", "source", "confidence", "is_custom", "is_active")
    }
    return {**values, "levels": levels, "version": criterion.version}


FIELD_OUT = ("id", "key", "name", "description", "assessable", "optional", "is_active", "reworded", "source")


def _field(field: Field, criteria: list[Criterion], level_names: list[str]) -> dict[str, Any]:
    return {
        **{name: getattr(field, name) for name in FIELD_OUT},
        "dimension_key": field.dimension.key,
        "confidence": field.confidence,
        "confidence_note": field.confidence_note,
        "version": field.version,
        "criteria": [_criterion(c, level_names) for c in criteria],
    }


def _framework(kommune: Kommune) -> dict[str, Any]:
    """The whole tree in a fixed number of queries (framework, newest version, three for the tree)."""
    framework = selectors.framework(kommune)
    newest = latest_catalogue(framework.catalogue.key) if framework is not None else latest_catalogue()
    catalogue = framework.catalogue if framework is not None else None
    shown = catalogue or newest
    level_names = selectors.level_names(shown)
    dimensions = []
    if framework is not None:
        for node in selectors.tree(kommune):
            for f in node.fields:
                f.field.dimension = node.dimension  # known already: no query per field
            dimensions.append(
                {
                    **{n: getattr(node.dimension, n) for n in ("key", "name", "description", "source", "confidence")},
                    "fields": [_field(f.field, f.criteria, level_names) for f in node.fields],
                }
            )
    decisions = [
        {
            "topic": str(d.get("topic", "")),
            "decision": str(d.get("decision", "")),
            "fields": [str(k) for k in d.get("fields", [])],
            "source": str(d.get("source", "")),
        }
        for d in (shown.decisions if shown is not None else [])
        if isinstance(d, dict)
    ]
    return {
        "adopted": framework is not None,
        "adopted_at": framework.adopted_at if framework is not None else None,
        "catalogue": _catalogue(catalogue),
        "newest": _catalogue(newest),
        "update_available": updates.newer_catalogue(framework) is not None if framework is not None else False,
        "level_names": level_names,
        "decisions": decisions,
        "dimensions": dimensions,
    }


def _field_out(kommune: Kommune, field: Field) -> dict[str, Any]:
    framework = selectors.framework(kommune)
    criteria = list(Criterion.objects.for_kommune(kommune).filter(field=field))
    return _field(field, criteria, selectors.level_names(framework.catalogue if framework else None))


def _criterion_out(kommune: Kommune, criterion: Criterion) -> dict[str, Any]:
    framework = selectors.framework(kommune)
    return _criterion(criterion, selectors.level_names(framework.catalogue if framework else None))


# --- routes ----------------------------------------------------------------------------------------


@router.get(FRAMEWORK, response=FrameworkOut, summary="Orientierungsrahmen der Kommune", url_name="framework_detail")
def framework_detail(request: HttpRequest, kommune_slug: str) -> dict[str, Any]:
    """Der ganze Baum: Dimensionen → Felder → Kriterien mit Quelle, Belegstärke und den fünf
    Stufenbeschreibungen, dazu die Entscheidungen des Katalogs zu Lücken. Vor der Übernahme: keine
    Dimensionen, aber die neueste geladene Katalogfassung (`newest`)."""
    return _framework(tenant(request).kommune)


@router.post(
    FRAMEWORK + "/uebernehmen",
    response={201: FrameworkOut, **WRITE_ERRORS},
    summary="Orientierungsrahmen übernehmen",
    url_name="framework_adopt",
)
def framework_adopt(request: HttpRequest, kommune_slug: str) -> Status[dict[str, Any]]:
    """Übernimmt die neueste geladene Katalogfassung in die Kommune (Wahlfelder zunächst abgeschaltet).
    Hat die Kommune schon übernommen oder ist kein Katalog geladen: 409."""
    ctx = tenant(request)
    access.require_editor(ctx)
    catalogue = latest_catalogue()
    if catalogue is None:
        raise ConflictError(_("Es ist noch kein Orientierungsrahmen geladen."))
    try:
        with api_change(request):
            services.framework_adopt(kommune=ctx.kommune, actor=ctx.user, catalogue=catalogue)
    except ValidationError as exc:
        raise ConflictError(" ".join(exc.messages)) from None
    return Status(201, _framework(ctx.kommune))


@router.patch(
    FRAMEWORK + "/felder/{field_id}",
    response={200: FieldOut, **WRITE_ERRORS},
    summary="Feld ändern oder abschalten",
    url_name="framework_field_update",
)
def framework_field_update(
    request: HttpRequest, kommune_slug: str, field_id: int, payload: FieldPatch
) -> dict[str, Any]:
    """Ändert nur die gesendeten Angaben: Name und Beschreibung umformulieren, mit `is_active: false`
    abschalten. `version` muss die zuletzt gelesene sein, sonst 409."""
    ctx = tenant(request)
    with api_change(request):
        field = services.field_update(
            kommune=ctx.kommune,
            actor=ctx.user,
            field=path_object(request, "field_id"),
            data=payload.changes(),
            expected_version=payload.version,
        )
    return _field_out(ctx.kommune, access.field_for_view(ctx, field.pk))


@router.post(
    FRAMEWORK + "/felder/{field_id}/kriterien",
    response={201: CriterionOut, **WRITE_ERRORS},
    summary="Eigenes Kriterium anlegen",
    url_name="framework_criterion_create",
)
def framework_criterion_create(
    request: HttpRequest, kommune_slug: str, field_id: int, payload: CriterionCreate
) -> Status[dict[str, Any]]:
    """Ein Kriterium der Kommune im Feld (Belegstärke „eigene“): Name, Frage und genau fünf
    Stufenbeschreibungen. Ein Feld, das nicht bewertet wird, nimmt keine Kriterien auf (422)."""
    ctx = tenant(request)
    with api_change(request):
        criterion = services.criterion_create(
            kommune=ctx.kommune, actor=ctx.user, field=path_object(request, "field_id"), data=payload.model_dump()
        )
    return Status(201, _criterion_out(ctx.kommune, criterion))


@router.patch(
    FRAMEWORK + "/kriterien/{criterion_id}",
    response={200: CriterionOut, **WRITE_ERRORS},
    summary="Kriterium ändern oder abschalten",
    url_name="framework_criterion_update",
)
def framework_criterion_update(
    request: HttpRequest, kommune_slug: str, criterion_id: int, payload: CriterionPatch
) -> dict[str, Any]:
    """Ändert nur die gesendeten Angaben, auch bei Kriterien aus dem Katalog (umformulieren, mit
    `is_active: false` abschalten). `version` muss die zuletzt gelesene sein, sonst 409."""
    ctx = tenant(request)
    with api_change(request):
        criterion = services.criterion_update(
            kommune=ctx.kommune,
            actor=ctx.user,
            criterion=path_object(request, "criterion_id"),
            data=payload.changes(),
            expected_version=payload.version,
        )
    return _criterion_out(ctx.kommune, criterion)


@router.get(BASE + "/massnahmenvorlagen", response=MeasurePage, summary="Maßnahmenvorlagen", url_name="measure_list")
def measure_list(request: HttpRequest, kommune_slug: str, filters: Query[MeasureFilters]) -> dict[str, Any]:
    """Vorlagen für Maßnahmen in schwachen Feldern, mit Aufwand, Quelle und Belegstärke; für alle
    Kommunen gleich. Mit `feld` nur die Vorlagen für dieses Feld."""
    measures = MeasureTemplate.objects.all()
    if filters.feld:
        # JSON containment is not portable to SQLite: filter the few dozen templates in Python.
        keys = [m.pk for m in measures if filters.feld in (m.field_keys or [])]
        measures = MeasureTemplate.objects.filter(pk__in=keys)
    return page(measures, filters.limit, filters.offset)
