"""Writes to the strategy: settings, the agenda and its versions, Leitsätze, Handlungsfelder,
council decisions and goals. A decided version is frozen (`common.require_draft`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, ProtectedError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kompass.agenda.models import (
    Agenda,
    AgendaSettings,
    AgendaVersion,
    CouncilDecision,
    DecisionResult,
    Effect,
    Goal,
    GoalKind,
    Handlungsfeld,
    ImpactStyle,
    Leitsatz,
    Measure,
    VersionState,
)
from kompass.agenda.services.common import (
    Errors,
    add,
    apply_update,
    choice,
    create,
    date_value,
    delete,
    integer,
    locked,
    own,
    own_many,
    raise_if,
    record_link_change,
    require_draft,
    required_text,
    set_links,
    text,
)
from kompass.audit.services import snapshot
from kompass.core.actors import Actor
from kompass.framework.models import Field
from kompass.tenancy.models import Kommune

# --- settings ------------------------------------------------------------------------------------


@transaction.atomic
def settings_update(
    *, kommune: Kommune, actor: Actor, data: Mapping[str, Any], expected_version: int | None = None
) -> AgendaSettings:
    """Change how the Kommune steers its agenda (weights, limit, periods, names of the impact chain).
    `expected_version` 0: the form showed the defaults, no row was stored yet."""
    row = AgendaSettings.objects.for_kommune(kommune).first()
    if row is None:
        row = create(kommune, actor, AgendaSettings(kommune=kommune))
        expected_version = None if expected_version == 0 else expected_version
    row = locked(kommune, AgendaSettings, row, expected_version)
    before = snapshot(row, AgendaSettings.AUDIT_FIELDS)
    errors: Errors = {}
    values: dict[str, Any] = {}
    limits = {
        "weight_benefit": (0, 10, _("Gewicht Nutzen")),
        "weight_urgency": (0, 10, _("Gewicht Dringlichkeit")),
        "weight_effort": (0, 10, _("Gewicht Aufwand")),
        "accountable_limit": (1, 100, _("Höchstzahl verantworteter Maßnahmen")),
        "report_period_days": (7, 730, _("Berichtszeitraum")),
        "kpi_overdue_tolerance_days": (0, 365, _("Toleranz für fehlende Kennzahlenwerte")),
    }
    for name, (low, high, label) in limits.items():
        if name in data:
            values[name] = integer(data, name, low, high, errors, label)
    if "impact_labels" in data:
        values["impact_labels"] = choice(data, "impact_labels", ImpactStyle, errors)
    raise_if(errors)
    return apply_update(kommune, actor, row, values, before)


# --- agenda and versions ---------------------------------------------------------------------------


@transaction.atomic
def agenda_create(*, kommune: Kommune, actor: Actor, title: str = "", vision: str = "") -> Agenda:
    """Start the Kommune's Digitale Agenda with a first draft (Fassung 1)."""
    if Agenda.objects.for_kommune(kommune).exists():
        raise ValidationError(_("Diese Kommune hat bereits eine Digitale Agenda."))
    agenda = create(kommune, actor, Agenda(kommune=kommune, title=text(title, 200) or _("Digitale Agenda")))
    create(kommune, actor, AgendaVersion(kommune=kommune, agenda=agenda, number=1, vision=text(vision)))
    return agenda


@transaction.atomic
def agenda_update(
    *, kommune: Kommune, actor: Actor, agenda: Agenda, data: Mapping[str, Any], expected_version: int | None = None
) -> Agenda:
    """Rename the Kommune's Digitale Agenda ("Digitale Agenda 2026–2030"). The title belongs to the
    agenda, not to a version: renaming it changes no decided version and needs no new draft."""
    agenda = locked(kommune, Agenda, agenda, expected_version)
    before = snapshot(agenda, Agenda.AUDIT_FIELDS)
    errors: Errors = {}
    values = {}
    if "title" in data:
        values["title"] = required_text(data, "title", errors, _("Bitte einen Titel angeben."))
    raise_if(errors)
    return apply_update(kommune, actor, agenda, values, before)


@transaction.atomic
def version_update(
    *,
    kommune: Kommune,
    actor: Actor,
    version: AgendaVersion,
    data: Mapping[str, Any],
    expected_version: int | None = None,
) -> AgendaVersion:
    """Change the vision of a draft."""
    version = locked(kommune, AgendaVersion, version, expected_version)
    require_draft(version)
    before = snapshot(version, AgendaVersion.AUDIT_FIELDS)
    values = {"vision": text(data["vision"])} if "vision" in data else {}
    return apply_update(kommune, actor, version, values, before)


def _relink_to(kommune: Kommune, version: AgendaVersion) -> None:
    """Move the goals and measures linked to Handlungsfelder of earlier versions to this version's
    Handlungsfeld with the same key; links to keys the version no longer has stay (history)."""
    new_by_key = dict(
        Handlungsfeld.objects.for_kommune(kommune).filter(agenda_version=version).values_list("key", "pk")
    )
    old = Handlungsfeld.objects.for_kommune(kommune).exclude(agenda_version=version).filter(key__in=new_by_key)
    old_key = dict(old.values_list("pk", "key"))
    pairs: tuple[tuple[Any, str], ...] = (
        (Measure.handlungsfelder.through, "measure_id"),
        (Goal.handlungsfelder.through, "goal_id"),
    )
    for through, owner in pairs:
        links = list(through.objects.filter(handlungsfeld_id__in=old_key))
        if not links:
            continue
        kept = set(
            through.objects.filter(handlungsfeld_id__in=new_by_key.values()).values_list(owner, "handlungsfeld_id")
        )
        wanted = {(getattr(link, owner), new_by_key[old_key[link.handlungsfeld_id]]) for link in links}
        through.objects.filter(pk__in=[link.pk for link in links]).delete()
        through.objects.bulk_create(
            through(**{owner: owner_id, "handlungsfeld_id": hf_id}) for owner_id, hf_id in wanted - kept
        )


@transaction.atomic
def version_decide(
    *,
    kommune: Kommune,
    actor: Actor,
    version: AgendaVersion,
    data: Mapping[str, Any],
    expected_version: int | None = None,
) -> AgendaVersion:
    """Record that the council decided a draft: it is frozen from now on (`decided_on`, and the
    council decision if it is recorded). Goals and measures move to its Handlungsfelder by key."""
    version = locked(kommune, AgendaVersion, version, expected_version)
    require_draft(version)
    errors: Errors = {}
    decided_on = date_value(data, "decided_on", errors, required=True)
    decision = own(kommune, CouncilDecision, data.get("decision"), errors, "decision")
    if decision is not None and decision.result not in (DecisionResult.BESCHLOSSEN, DecisionResult.GEAENDERT):
        add(
            errors,
            "decision",
            _("Der Beschluss lautet „%(result)s“; eine Fassung gilt nur mit einem zustimmenden Beschluss.")
            % {"result": decision.get_result_display()},
        )
    if not Handlungsfeld.objects.for_kommune(kommune).filter(agenda_version=version).exists():
        add(errors, "decided_on", _("Eine Fassung ohne Handlungsfelder kann nicht beschlossen werden."))
    raise_if(errors)
    before = snapshot(version, AgendaVersion.AUDIT_FIELDS)
    values = {"state": VersionState.BESCHLOSSEN, "decided_on": decided_on, "decision": decision}
    apply_update(kommune, actor, version, values, before)
    _relink_to(kommune, version)
    return version


@transaction.atomic
def version_new_draft(*, kommune: Kommune, actor: Actor, source: AgendaVersion) -> AgendaVersion:
    """A new draft copied from a decided version (vision, Leitsätze, Handlungsfelder), to prepare
    the next revision; there is at most one draft at a time."""
    agenda = Agenda.objects.for_kommune(kommune).select_for_update().get(pk=source.agenda_id)
    if not source.is_decided:
        raise ValidationError(_("Nur eine beschlossene Fassung kann Grundlage eines neuen Entwurfs sein."))
    versions = AgendaVersion.objects.for_kommune(kommune).filter(agenda=agenda)
    if versions.filter(state=VersionState.ENTWURF).exists():
        raise ValidationError(_("Es gibt bereits einen Entwurf. Bearbeiten Sie ihn, statt einen weiteren anzulegen."))
    number = (versions.aggregate(n=Max("number"))["n"] or 0) + 1
    draft = create(
        kommune,
        actor,
        AgendaVersion(kommune=kommune, agenda=agenda, number=number, vision=source.vision, based_on=source),
    )
    Leitsatz.objects.bulk_create(
        Leitsatz(kommune=kommune, agenda_version=draft, text=item.text, position=item.position)
        for item in Leitsatz.objects.for_kommune(kommune).filter(agenda_version=source)
    )
    Handlungsfeld.objects.bulk_create(
        Handlungsfeld(
            kommune=kommune,
            agenda_version=draft,
            key=item.key,
            name=item.name,
            description=item.description,
            framework_field_keys=list(item.framework_field_keys),
            position=item.position,
        )
        for item in Handlungsfeld.objects.for_kommune(kommune).filter(agenda_version=source)
    )
    return draft


def _draft(kommune: Kommune, version: AgendaVersion) -> AgendaVersion:
    fresh = AgendaVersion.objects.for_kommune(kommune).select_for_update().get(pk=version.pk)
    require_draft(fresh)
    return fresh


# --- Leitsätze --------------------------------------------------------------------------------------


def _next_position(queryset: Any) -> int:
    return (queryset.aggregate(n=Max("position"))["n"] or 0) + 1


@transaction.atomic
def leitsatz_create(*, kommune: Kommune, actor: Actor, version: AgendaVersion, data: Mapping[str, Any]) -> Leitsatz:
    version = _draft(kommune, version)
    errors: Errors = {}
    value = required_text(data, "text", errors, _("Bitte den Leitsatz angeben."), limit=1000)
    raise_if(errors)
    siblings = Leitsatz.objects.for_kommune(kommune).filter(agenda_version=version)
    return create(
        kommune, actor, Leitsatz(kommune=kommune, agenda_version=version, text=value, position=_next_position(siblings))
    )


@transaction.atomic
def leitsatz_update(
    *, kommune: Kommune, actor: Actor, leitsatz: Leitsatz, data: Mapping[str, Any], expected_version: int | None = None
) -> Leitsatz:
    leitsatz = locked(kommune, Leitsatz, leitsatz, expected_version)
    _draft(kommune, leitsatz.agenda_version)
    before = snapshot(leitsatz, Leitsatz.AUDIT_FIELDS)
    errors: Errors = {}
    values: dict[str, Any] = {}
    if "text" in data:
        values["text"] = required_text(data, "text", errors, _("Bitte den Leitsatz angeben."), limit=1000)
    if "position" in data:
        values["position"] = integer(data, "position", 0, 1000, errors, _("Position"))
    raise_if(errors)
    return apply_update(kommune, actor, leitsatz, values, before)


@transaction.atomic
def leitsatz_delete(*, kommune: Kommune, actor: Actor, leitsatz: Leitsatz) -> None:
    _draft(kommune, leitsatz.agenda_version)
    delete(kommune, actor, leitsatz)


# --- Handlungsfelder --------------------------------------------------------------------------------


def _field_keys(kommune: Kommune, value: Any, errors: Errors) -> list[str]:
    """Keys of fields of the Kommune's framework (unknown keys are refused)."""
    if isinstance(value, str):
        value = value.replace(";", ",").split(",")
    keys = list(dict.fromkeys(text(item) for item in (value or []) if text(item)))
    known = set(Field.objects.for_kommune(kommune).filter(key__in=keys).values_list("key", flat=True))
    unknown = [key for key in keys if key not in known]
    if unknown:
        add(
            errors,
            "framework_field_keys",
            _("Diese Felder gibt es im Orientierungsrahmen der Kommune nicht: %(keys)s.")
            % {"keys": ", ".join(unknown)},
        )
    return keys


def _handlungsfeld_values(kommune: Kommune, data: Mapping[str, Any], errors: Errors) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "name" in data:
        values["name"] = required_text(data, "name", errors, _("Bitte einen Namen angeben."))
    if "description" in data:
        values["description"] = text(data["description"])
    if "framework_field_keys" in data:
        values["framework_field_keys"] = _field_keys(kommune, data["framework_field_keys"], errors)
    if "position" in data:
        values["position"] = integer(data, "position", 0, 1000, errors, _("Position"))
    return values


@transaction.atomic
def handlungsfeld_create(
    *, kommune: Kommune, actor: Actor, version: AgendaVersion, data: Mapping[str, Any]
) -> Handlungsfeld:
    """A Handlungsfeld of a draft, with the framework fields it covers; its key is made from the name."""
    version = _draft(kommune, version)
    errors: Errors = {}
    values = _handlungsfeld_values(kommune, {"name": "", **data}, errors)
    siblings = Handlungsfeld.objects.for_kommune(kommune).filter(agenda_version=version)
    key = slugify(text(data.get("key")) or values.get("name", ""))[:60] or "handlungsfeld"
    if siblings.filter(key=key).exists():
        add(
            errors, "name", _("Diese Fassung hat bereits ein Handlungsfeld mit dem Schlüssel „%(key)s“.") % {"key": key}
        )
    raise_if(errors)
    values.setdefault("position", _next_position(siblings))
    return create(kommune, actor, Handlungsfeld(kommune=kommune, agenda_version=version, key=key, **values))


@transaction.atomic
def handlungsfeld_update(
    *,
    kommune: Kommune,
    actor: Actor,
    handlungsfeld: Handlungsfeld,
    data: Mapping[str, Any],
    expected_version: int | None = None,
) -> Handlungsfeld:
    handlungsfeld = locked(kommune, Handlungsfeld, handlungsfeld, expected_version)
    _draft(kommune, handlungsfeld.agenda_version)
    before = snapshot(handlungsfeld, Handlungsfeld.AUDIT_FIELDS)
    errors: Errors = {}
    values = _handlungsfeld_values(kommune, data, errors)
    raise_if(errors)
    return apply_update(kommune, actor, handlungsfeld, values, before)


@transaction.atomic
def handlungsfeld_delete(*, kommune: Kommune, actor: Actor, handlungsfeld: Handlungsfeld) -> None:
    _draft(kommune, handlungsfeld.agenda_version)
    delete(kommune, actor, handlungsfeld)


# --- council decisions ------------------------------------------------------------------------------


def _decision_values(data: Mapping[str, Any], errors: Errors) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "body" in data:
        values["body"] = required_text(data, "body", errors, _("Bitte das Gremium angeben (z. B. Rat)."))
    if "decided_on" in data:
        values["decided_on"] = date_value(data, "decided_on", errors, required=True)
    if "result" in data:
        values["result"] = choice(data, "result", DecisionResult, errors)
    for name, limit in (("drucksache", 60), ("title", 300), ("beratungsfolge", None)):
        if name in data:
            values[name] = text(data[name], limit)
    for name in ("link", "oparl_id"):
        if name in data:
            values[name] = _url(text(data[name], 500), name, errors)
    return values


def _url(value: str, name: str, errors: Errors) -> str:
    if value and not value.lower().startswith(("https://", "http://")):
        add(errors, name, _("Bitte eine Webadresse angeben, die mit https:// beginnt."))
    return value


@transaction.atomic
def council_decision_create(*, kommune: Kommune, actor: Actor, data: Mapping[str, Any]) -> CouncilDecision:
    """Record a decision of a council body, typed in from the council information system."""
    errors: Errors = {}
    values = _decision_values({"body": "", "decided_on": None, "result": "", **data}, errors)
    raise_if(errors)
    decision = CouncilDecision(kommune=kommune, **values)
    decision.full_clean()
    return create(kommune, actor, decision)


@transaction.atomic
def council_decision_update(
    *,
    kommune: Kommune,
    actor: Actor,
    decision: CouncilDecision,
    data: Mapping[str, Any],
    expected_version: int | None = None,
) -> CouncilDecision:
    decision = locked(kommune, CouncilDecision, decision, expected_version)
    before = snapshot(decision, CouncilDecision.AUDIT_FIELDS)
    errors: Errors = {}
    values = _decision_values(data, errors)
    raise_if(errors)
    return apply_update(kommune, actor, decision, values, before)


@transaction.atomic
def council_decision_delete(*, kommune: Kommune, actor: Actor, decision: CouncilDecision) -> None:
    try:
        with transaction.atomic():
            delete(kommune, actor, decision)
    except ProtectedError as exc:
        raise ValidationError(
            _("Auf diesem Beschluss beruht eine beschlossene Fassung der Digitalen Agenda; er bleibt erhalten.")
        ) from exc


# --- goals ------------------------------------------------------------------------------------------


def _goal_values(kommune: Kommune, data: Mapping[str, Any], errors: Errors) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "kind" in data:
        values["kind"] = choice(data, "kind", GoalKind, errors)
    if "parent" in data:
        values["parent"] = own(kommune, Goal, data["parent"], errors, "parent")
    if "title" in data:
        values["title"] = required_text(data, "title", errors, _("Bitte einen Titel angeben."))
    if "description" in data:
        values["description"] = text(data["description"])
    if "effect" in data:
        values["effect"] = choice(data, "effect", Effect, errors)
    if "position" in data:
        values["position"] = integer(data, "position", 0, 1000, errors, _("Position"))
    return values


def _check_goal_tree(goal: Goal, errors: Errors) -> None:
    """A Wirkungsziel stands on its own; an operative goal serves a Wirkungsziel."""
    if goal.kind == GoalKind.WIRKUNGSZIEL and goal.parent_id is not None:
        add(errors, "parent", _("Ein Wirkungsziel hat kein übergeordnetes Ziel."))
    if goal.kind == GoalKind.OPERATIV and (goal.parent is None or goal.parent.kind != GoalKind.WIRKUNGSZIEL):
        add(errors, "parent", _("Ein operatives Ziel gehört zu einem Wirkungsziel; bitte eines wählen."))


@transaction.atomic
def goal_create(*, kommune: Kommune, actor: Actor, data: Mapping[str, Any]) -> Goal:
    """A Wirkungsziel, or an operative goal under one, with the effect it serves and its Handlungsfelder."""
    agenda = Agenda.objects.for_kommune(kommune).first()
    errors: Errors = {}
    values = _goal_values(kommune, {"kind": "", "title": "", "effect": "", **data}, errors)
    fields = own_many(kommune, Handlungsfeld, data.get("handlungsfelder"), errors, "handlungsfelder")
    if agenda is None:
        add(errors, "title", _("Diese Kommune hat noch keine Digitale Agenda angelegt."))
    raise_if(errors)
    goal = Goal(kommune=kommune, agenda=agenda, **values)
    _check_goal_tree(goal, errors)
    raise_if(errors)
    create(kommune, actor, goal)
    _set_fields(kommune, actor, goal, fields)
    return goal


@transaction.atomic
def goal_update(
    *, kommune: Kommune, actor: Actor, goal: Goal, data: Mapping[str, Any], expected_version: int | None = None
) -> Goal:
    goal = locked(kommune, Goal, goal, expected_version)
    before = snapshot(goal, Goal.AUDIT_FIELDS)
    errors: Errors = {}
    values = _goal_values(kommune, data, errors)
    fields = own_many(kommune, Handlungsfeld, data.get("handlungsfelder"), errors, "handlungsfelder")
    raise_if(errors)
    for name, value in values.items():
        setattr(goal, name, value)
    _check_goal_tree(goal, errors)
    if goal.parent_id is not None and goal.parent_id == goal.pk:
        add(errors, "parent", _("Ein Ziel kann nicht sich selbst untergeordnet sein."))
    raise_if(errors)
    apply_update(kommune, actor, goal, {}, before)
    if "handlungsfelder" in data:
        _set_fields(kommune, actor, goal, fields)
    return goal


def _set_fields(kommune: Kommune, actor: Actor, goal: Goal, fields: list[Handlungsfeld]) -> None:
    after = [h.pk for h in fields]
    before = set_links(Goal.handlungsfelder.through, "goal_id", goal.pk, "handlungsfeld_id", after)
    record_link_change(kommune, actor, goal, "handlungsfelder", before, after)


@transaction.atomic
def goal_delete(*, kommune: Kommune, actor: Actor, goal: Goal) -> None:
    if Goal.objects.for_kommune(kommune).filter(parent=goal).exists():
        raise ValidationError(
            _("Zu diesem Wirkungsziel gehören operative Ziele; löschen oder verschieben Sie sie zuerst.")
        )
    delete(kommune, actor, goal)
