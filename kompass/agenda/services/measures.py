"""Writes to measures and what belongs to them: status with its history, milestones, budget lines,
dependencies (no cycles), risks, RACI per measure, the impact chain; measures from recommendations."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kompass.agenda.dependencies import cycle_text, find_cycle
from kompass.agenda.models import (
    AgendaVersion,
    BudgetLine,
    CouncilDecision,
    Goal,
    Handlungsfeld,
    HaushaltKind,
    ImpactLevel,
    ImpactStep,
    Measure,
    MeasureDependency,
    MeasurePart,
    MeasureRole,
    MeasureStatus,
    MeasureStatusChange,
    Milestone,
    Risk,
    VersionState,
)
from kompass.agenda.services.common import (
    Errors,
    actor_name,
    add,
    agenda_of,
    apply_update,
    choice,
    create,
    date_value,
    decimal_value,
    delete,
    integer,
    locked,
    own,
    own_many,
    plain_update,
    raise_if,
    record_link_change,
    required_text,
    set_links,
    text,
)
from kompass.assessment.models import Recommendation, RecommendationStatus
from kompass.audit.models import AuditAction
from kompass.audit.services import audit_record, snapshot
from kompass.core.actors import Actor
from kompass.org.models import OrgUnit
from kompass.roles.models import ActivityTemplate, Raci, RaciCell, Role
from kompass.tenancy.models import Kommune
from kompass.trash.services import move_to_trash

P = TypeVar("P", bound=MeasurePart)

SCORES = (("benefit", _("Nutzen")), ("urgency", _("Dringlichkeit")), ("effort", _("Aufwand")))


def _measure_values(kommune: Kommune, data: Mapping[str, Any], errors: Errors) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "title" in data:
        values["title"] = required_text(data, "title", errors, _("Bitte einen Titel angeben."))
    for name in ("description", "beneficiaries"):
        if name in data:
            values[name] = text(data[name])
    if "accountable_role" in data:
        values["accountable_role"] = own(kommune, Role, data["accountable_role"], errors, "accountable_role")
    if "responsible_unit" in data:
        values["responsible_unit"] = own(kommune, OrgUnit, data["responsible_unit"], errors, "responsible_unit")
    for name, label in SCORES:
        if name in data:
            values[name] = integer(data, name, 1, 5, errors, str(label))
    for name in ("starts_on", "ends_on"):
        if name in data:
            values[name] = date_value(data, name, errors)
    if "fte" in data:
        values["fte"] = decimal_value(data, "fte", errors, minimum=Decimal(0), max_digits=6)
    if "report_period_days" in data:
        raw = data["report_period_days"]
        values["report_period_days"] = (
            None if raw in (None, "") else integer(data, "report_period_days", 7, 730, errors, _("Berichtszeitraum"))
        )
    return values


def _check_dates(measure: Measure, errors: Errors) -> None:
    if measure.starts_on and measure.ends_on and measure.ends_on < measure.starts_on:
        add(errors, "ends_on", _("Das Ende liegt vor dem Beginn."))


def _links(kommune: Kommune, data: Mapping[str, Any], errors: Errors) -> dict[str, list[Any]]:
    links: dict[str, list[Any]] = {}
    if "handlungsfelder" in data:
        links["handlungsfelder"] = own_many(kommune, Handlungsfeld, data["handlungsfelder"], errors, "handlungsfelder")
    if "goals" in data:
        links["goals"] = own_many(kommune, Goal, data["goals"], errors, "goals")
    return links


def _set_links(kommune: Kommune, actor: Actor, measure: Measure, links: dict[str, list[Any]]) -> None:
    columns = {
        "handlungsfelder": (Measure.handlungsfelder.through, "handlungsfeld_id"),
        "goals": (Measure.goals.through, "goal_id"),
    }
    for name, items in links.items():
        through, column = columns[name]
        after = [item.pk for item in items]
        before = set_links(through, "measure_id", measure.pk, column, after)
        record_link_change(kommune, actor, measure, name, before, after)


def _record_status(measure: Measure, old: str, actor: Actor, note: str = "") -> None:
    MeasureStatusChange.objects.create(
        kommune_id=measure.kommune_id,
        measure=measure,
        from_status=old,
        to_status=measure.status,
        changed_by_name=actor_name(actor),
        note=note,
    )


def _seed_roles(kommune: Kommune, measure: Measure) -> None:
    """RACI rows of the measure: the role model's matrix row of its activity (if it has one), with
    A only for the accountable role (a measure has one accountable role); the accountable role gets
    A. When the measure names no accountable role, the matrix's single A becomes it."""
    cells = []
    if measure.activity_id is not None:
        cells = list(
            RaciCell.objects.for_kommune(kommune).filter(activity_id=measure.activity_id, role__is_active=True)
        )
    accountable = [c.role_id for c in cells if c.letter == Raci.A]
    if measure.accountable_role_id is None and len(accountable) == 1:
        measure.accountable_role_id = accountable[0]
        measure.save(update_fields=["accountable_role"])
    letters = {c.role_id: c.letter for c in cells if c.letter != Raci.A}
    if measure.accountable_role_id is not None:
        letters[measure.accountable_role_id] = Raci.A
    MeasureRole.objects.bulk_create(
        MeasureRole(kommune=kommune, measure=measure, role_id=role_id, letter=letter)
        for role_id, letter in letters.items()
    )


@transaction.atomic
def measure_create(*, kommune: Kommune, actor: Actor, data: Mapping[str, Any]) -> Measure:
    """A measure of the agenda; its first status enters the history, its RACI rows are seeded from the
    role model's matrix when an activity (`activity`: key or id of the matrix activity) is named."""
    agenda = agenda_of(kommune)
    errors: Errors = {}
    values = _measure_values(kommune, {"title": "", **data}, errors)
    values["status"] = choice(data, "status", MeasureStatus, errors) if "status" in data else MeasureStatus.IDEE
    links = _links(kommune, data, errors)
    activity = _activity(data.get("activity"), errors)
    raise_if(errors)
    measure = Measure(kommune=kommune, agenda=agenda, activity=activity, **values)
    _check_dates(measure, errors)
    raise_if(errors)
    create(kommune, actor, measure)
    _record_status(measure, "", actor)
    _set_links(kommune, actor, measure, links)
    _seed_roles(kommune, measure)
    return measure


def _activity(value: Any, errors: Errors) -> ActivityTemplate | None:
    if value in (None, ""):
        return None
    if isinstance(value, ActivityTemplate):
        return value
    found = ActivityTemplate.objects.filter(key=str(value)).first()
    if found is None and str(value).isdigit():
        found = ActivityTemplate.objects.filter(pk=int(value)).first()
    if found is None:
        add(errors, "activity", _("Diese Aktivität gibt es in der Verantwortungsmatrix nicht."))
    return found


def _move_accountable(kommune: Kommune, measure: Measure, old_role_id: int | None) -> None:
    """The accountable role is the measure's one A: a new one takes the A over from the old one."""
    if old_role_id == measure.accountable_role_id:
        return
    rows = MeasureRole.objects.for_kommune(kommune).filter(measure=measure)
    rows.filter(letter=Raci.A).delete()
    if measure.accountable_role_id is not None:
        rows.filter(role_id=measure.accountable_role_id).delete()
        MeasureRole.objects.create(kommune=kommune, measure=measure, role_id=measure.accountable_role_id, letter=Raci.A)


@transaction.atomic
def measure_update(
    *, kommune: Kommune, actor: Actor, measure: Measure, data: Mapping[str, Any], expected_version: int | None = None
) -> Measure:
    """Change a measure; a change of status is recorded in its history (with `note`)."""
    measure = locked(kommune, Measure, measure, expected_version)
    before = snapshot(measure, Measure.AUDIT_FIELDS)
    errors: Errors = {}
    values = _measure_values(kommune, data, errors)
    if "status" in data:
        values["status"] = choice(data, "status", MeasureStatus, errors)
    links = _links(kommune, data, errors)
    raise_if(errors)
    old_status, old_role = measure.status, measure.accountable_role_id
    for name, value in values.items():
        setattr(measure, name, value)
    _check_dates(measure, errors)
    raise_if(errors)
    apply_update(kommune, actor, measure, {}, before)
    if measure.status != old_status:
        _record_status(measure, old_status, actor, text(data.get("note")))
    _move_accountable(kommune, measure, old_role)
    _set_links(kommune, actor, measure, links)
    return measure


@transaction.atomic
def measure_status_change(
    *,
    kommune: Kommune,
    actor: Actor,
    measure: Measure,
    status: str,
    note: str = "",
    expected_version: int | None = None,
) -> Measure:
    """Move a measure to another status (the board's move); the step enters its history."""
    current = locked(kommune, Measure, measure, expected_version)
    if current.status == status:
        return current
    return measure_update(kommune=kommune, actor=actor, measure=current, data={"status": status, "note": note})


@transaction.atomic
def measure_delete(*, kommune: Kommune, actor: Actor, measure: Measure) -> None:
    """Delete a measure with everything that belongs to it; a recommendation it came from is open again."""
    measure = locked(kommune, Measure, measure)
    recommendation_id = measure.origin_recommendation_id
    audit_record(
        kommune_id=kommune.pk,
        actor=actor,
        action=AuditAction.DELETE,
        obj=measure,
        before=snapshot(measure, Measure.AUDIT_FIELDS),
    )
    move_to_trash(
        kommune=kommune, actor=actor, obj=measure
    )  # with all that hangs on it, for 30 days (docs/security.md R6)
    if recommendation_id is not None:
        recommendation = Recommendation.objects.for_kommune(kommune).filter(pk=recommendation_id).first()
        if recommendation is not None and recommendation.status == RecommendationStatus.IN_AGENDA:
            _recommendation_status(kommune, actor, recommendation, RecommendationStatus.ACCEPTED)


def _recommendation_status(kommune: Kommune, actor: Actor, recommendation: Recommendation, status: str) -> None:
    recommendation = locked(kommune, Recommendation, recommendation)
    before = snapshot(recommendation, Recommendation.AUDIT_FIELDS)
    apply_update(kommune, actor, recommendation, {"status": status}, before)


def _decided_handlungsfelder(kommune: Kommune, field_key: str) -> list[Handlungsfeld]:
    """The Handlungsfelder of the newest decided version (else of the draft) that cover a framework field."""
    versions = AgendaVersion.objects.for_kommune(kommune).order_by("-number")
    version = versions.filter(state=VersionState.BESCHLOSSEN).first() or versions.first()
    if version is None:
        return []
    fields = Handlungsfeld.objects.for_kommune(kommune).filter(agenda_version=version)
    return [h for h in fields if field_key in (h.framework_field_keys or [])]


def gap_text(recommendation: Recommendation) -> str:
    """The gap of the field the recommendation came from, as the measure keeps it."""
    ist, soll = recommendation.current_level, recommendation.target_level
    if ist is None or soll is None:
        return recommendation.reason
    gap = Decimal(soll) - Decimal(ist)
    return _("Ist %(ist)s, Soll %(soll)s, Lücke %(gap)s. %(reason)s") % {
        "ist": f"{ist:.2f}".replace(".", ","),
        "soll": f"{soll:.1f}".replace(".", ","),
        "gap": f"{gap:.2f}".replace(".", ","),
        "reason": recommendation.reason,
    }


@transaction.atomic
def measure_from_recommendation(
    *, kommune: Kommune, actor: Actor, recommendation: Recommendation, data: Mapping[str, Any] | None = None
) -> Measure:
    """A draft measure (status Idee) from an accepted recommendation of the self-assessment. The
    measure keeps the field and the gap it came from (copied, so they stay when the recommendation
    goes) and is filed under the Handlungsfelder that cover the field; the recommendation is marked
    "in die Digitale Agenda übernommen"."""
    recommendation = (
        Recommendation.objects.for_kommune(kommune)
        .select_for_update()
        .select_related("field")
        .get(pk=recommendation.pk)
    )
    if recommendation.status != RecommendationStatus.ACCEPTED:
        raise ValidationError(
            _("Nur angenommene Empfehlungen werden zu Maßnahmen; diese ist „%(status)s“.")
            % {"status": recommendation.get_status_display()}
        )
    extra = dict(data or {})
    values = {
        "title": recommendation.title,
        "description": recommendation.description,
        "status": MeasureStatus.IDEE,
        "handlungsfelder": _decided_handlungsfelder(kommune, recommendation.field.key),
        **extra,
    }
    measure = measure_create(kommune=kommune, actor=actor, data=values)
    measure.origin_recommendation = recommendation
    measure.origin_field_key = recommendation.field.key
    measure.origin_field_name = recommendation.field.name
    measure.origin_gap = gap_text(recommendation)
    measure.save(update_fields=["origin_recommendation", "origin_field_key", "origin_field_name", "origin_gap"])
    _recommendation_status(kommune, actor, recommendation, RecommendationStatus.IN_AGENDA)
    return measure


# --- what belongs to a measure ------------------------------------------------------------------------


def _measure(kommune: Kommune, measure: Measure) -> Measure:
    return Measure.objects.for_kommune(kommune).get(pk=measure.pk)


# A milestone, a budget line, a risk and a step of the impact chain are written alike: `parse` reads
# the values (adding German errors), nothing is stored while there is an error, and the row is
# saved with its audit entry; a change is checked against the version the user loaded (docs/security.md R3).
Parse = Callable[[Errors], dict[str, Any]]


def _part_create(kommune: Kommune, actor: Actor, model: type[P], measure: Measure, parse: Parse) -> P:
    errors: Errors = {}
    values = parse(errors)
    raise_if(errors)
    return create(kommune, actor, model(kommune=kommune, measure=_measure(kommune, measure), **values))


def _part_update(kommune: Kommune, actor: Actor, part: P, parse: Parse, expected_version: int | None) -> P:
    part = locked(kommune, type(part), part, expected_version)
    before = snapshot(part, part.AUDIT_FIELDS)
    errors: Errors = {}
    values = parse(errors)
    raise_if(errors)
    return apply_update(kommune, actor, part, values, before)


def _part_delete(kommune: Kommune, actor: Actor, part: MeasurePart) -> None:
    delete(kommune, actor, locked(kommune, type(part), part))


def _milestone_values(data: Mapping[str, Any], errors: Errors) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "title" in data:
        values["title"] = required_text(data, "title", errors, _("Bitte den Meilenstein benennen."))
    if "due_on" in data:
        values["due_on"] = date_value(data, "due_on", errors, required=True)
    if "done_on" in data:
        values["done_on"] = date_value(data, "done_on", errors)
    return values


@transaction.atomic
def milestone_create(*, kommune: Kommune, actor: Actor, measure: Measure, data: Mapping[str, Any]) -> Milestone:
    return _part_create(
        kommune,
        actor,
        Milestone,
        measure,
        lambda errors: _milestone_values({"title": "", "due_on": None, **data}, errors),
    )


@transaction.atomic
def milestone_update(
    *,
    kommune: Kommune,
    actor: Actor,
    milestone: Milestone,
    data: Mapping[str, Any],
    expected_version: int | None = None,
) -> Milestone:
    return _part_update(kommune, actor, milestone, lambda errors: _milestone_values(data, errors), expected_version)


@transaction.atomic
def milestone_delete(*, kommune: Kommune, actor: Actor, milestone: Milestone) -> None:
    _part_delete(kommune, actor, milestone)


def _budget_values(kommune: Kommune, data: Mapping[str, Any], errors: Errors) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "year" in data:
        values["year"] = integer(data, "year", 2000, 2100, errors, _("Haushaltsjahr"))
    for name in ("planned", "spent"):
        if name in data:
            values[name] = decimal_value(data, name, errors, minimum=Decimal(0)) or Decimal(0)
    if "funding_amount" in data:
        values["funding_amount"] = decimal_value(data, "funding_amount", errors, minimum=Decimal(0))
    if "haushalt_kind" in data:
        values["haushalt_kind"] = choice(data, "haushalt_kind", HaushaltKind, errors)
    if "haushalt_ref" in data:
        values["haushalt_ref"] = text(data["haushalt_ref"], 60)
    if "funding_programme" in data:
        values["funding_programme"] = text(data["funding_programme"], 200)
    if "decision" in data:
        values["decision"] = own(kommune, CouncilDecision, data["decision"], errors, "decision")
    return values


@transaction.atomic
def budget_line_create(*, kommune: Kommune, actor: Actor, measure: Measure, data: Mapping[str, Any]) -> BudgetLine:
    """Money of a measure in one budget year (amounts as typed: "1.234,56 €")."""
    return _part_create(
        kommune,
        actor,
        BudgetLine,
        measure,
        lambda errors: _budget_values(kommune, {"year": None, "haushalt_kind": "", **data}, errors),
    )


@transaction.atomic
def budget_line_update(
    *, kommune: Kommune, actor: Actor, line: BudgetLine, data: Mapping[str, Any], expected_version: int | None = None
) -> BudgetLine:
    return _part_update(kommune, actor, line, lambda errors: _budget_values(kommune, data, errors), expected_version)


@transaction.atomic
def budget_line_delete(*, kommune: Kommune, actor: Actor, line: BudgetLine) -> None:
    _part_delete(kommune, actor, line)


@transaction.atomic
def dependency_add(*, kommune: Kommune, actor: Actor, measure: Measure, depends_on: Measure) -> MeasureDependency:
    """`measure` needs `depends_on` first. Refused when it would close a cycle, which is named by the
    measures' titles ("A → B → C → A")."""
    agenda_of(kommune, lock=True)  # one dependency change per Kommune at a time: no cycle by a race
    errors: Errors = {}
    first = own(kommune, Measure, measure, errors, "measure", required=True)
    second = own(kommune, Measure, depends_on, errors, "depends_on", required=True)
    raise_if(errors)
    assert first is not None and second is not None
    edges = MeasureDependency.objects.for_kommune(kommune)
    if edges.filter(measure=first, depends_on=second).exists():
        raise ValidationError({"depends_on": [_("Diese Abhängigkeit ist bereits erfasst.")]})
    cycle = find_cycle(edges.values_list("measure_id", "depends_on_id"), (first.pk, second.pk))
    if cycle is not None:
        titles = dict(Measure.objects.for_kommune(kommune).filter(pk__in=cycle).values_list("pk", "title"))
        raise ValidationError(
            {
                "depends_on": [
                    _(
                        "Diese Abhängigkeit ergäbe einen Kreis: %(cycle)s. Maßnahmen dürfen nicht im Kreis "
                        "aufeinander warten."
                    )
                    % {"cycle": cycle_text(cycle, titles)}
                ]
            }
        )
    dependency = MeasureDependency(kommune=kommune, measure=first, depends_on=second)
    return create(kommune, actor, dependency, label=f"{first.title} → {second.title}")


@transaction.atomic
def dependency_remove(*, kommune: Kommune, actor: Actor, dependency: MeasureDependency) -> None:
    dependency = MeasureDependency.objects.for_kommune(kommune).get(pk=dependency.pk)
    delete(kommune, actor, dependency)


def _risk_values(data: Mapping[str, Any], errors: Errors) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "title" in data:
        values["title"] = required_text(data, "title", errors, _("Bitte das Risiko benennen."))
    if "likelihood" in data:
        values["likelihood"] = integer(data, "likelihood", 1, 5, errors, _("Eintrittswahrscheinlichkeit"))
    if "impact" in data:
        values["impact"] = integer(data, "impact", 1, 5, errors, _("Auswirkung"))
    if "mitigation" in data:
        values["mitigation"] = text(data["mitigation"])
    return values


@transaction.atomic
def risk_create(*, kommune: Kommune, actor: Actor, measure: Measure, data: Mapping[str, Any]) -> Risk:
    return _part_create(kommune, actor, Risk, measure, lambda errors: _risk_values({"title": "", **data}, errors))


@transaction.atomic
def risk_update(
    *, kommune: Kommune, actor: Actor, risk: Risk, data: Mapping[str, Any], expected_version: int | None = None
) -> Risk:
    return _part_update(kommune, actor, risk, lambda errors: _risk_values(data, errors), expected_version)


@transaction.atomic
def risk_delete(*, kommune: Kommune, actor: Actor, risk: Risk) -> None:
    _part_delete(kommune, actor, risk)


@transaction.atomic
def measure_role_set(
    *, kommune: Kommune, actor: Actor, measure: Measure, role: Role, letter: str
) -> MeasureRole | None:
    """Set the RACI letter of a role in a measure ("" removes the role). A is the accountable role's
    alone: it is changed through the measure's accountable role."""
    measure = locked(kommune, Measure, measure)
    errors: Errors = {}
    role_row = own(kommune, Role, role, errors, "role", required=True)
    letter = text(letter).upper()
    if letter not in ("", "R", "C", "I", "A"):
        add(errors, "letter", _("Bitte R, C oder I wählen."))
    if letter == "A" or (role_row is not None and role_row.pk == measure.accountable_role_id):
        add(
            errors,
            "letter",
            _("Die verantwortliche Rolle (A) ist die verantwortliche Rolle der Maßnahme; ändern Sie sie dort."),
        )
    raise_if(errors)
    existing = MeasureRole.objects.for_kommune(kommune).filter(measure=measure, role=role_row).first()
    label = f"{measure.title}: {role_row}"
    if not letter:
        if existing is not None:
            delete(kommune, actor, existing, label=label)
        return None
    if existing is None:
        return create(
            kommune, actor, MeasureRole(kommune=kommune, measure=measure, role=role_row, letter=letter), label
        )
    return plain_update(kommune, actor, existing, {"letter": letter})


def _step_values(data: Mapping[str, Any], errors: Errors) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "level" in data:
        values["level"] = choice(data, "level", ImpactLevel, errors)
    if "text" in data:
        values["text"] = required_text(data, "text", errors, _("Bitte die Stufe beschreiben."), limit=2000)
    if "position" in data:
        values["position"] = integer(data, "position", 0, 1000, errors, _("Position"))
    return values


def _new_step_values(data: Mapping[str, Any], errors: Errors) -> dict[str, Any]:
    """A new step stands where its level stands in the chain unless a position is given."""
    values = _step_values({"level": "", "text": "", **data}, errors)
    if "position" not in values and values["level"] in ImpactLevel.values:
        values["position"] = list(ImpactLevel.values).index(values["level"])
    return values


@transaction.atomic
def impact_step_create(*, kommune: Kommune, actor: Actor, measure: Measure, data: Mapping[str, Any]) -> ImpactStep:
    """A step of the measure's impact chain (level code and what happens there)."""
    return _part_create(kommune, actor, ImpactStep, measure, lambda errors: _new_step_values(data, errors))


@transaction.atomic
def impact_step_update(
    *, kommune: Kommune, actor: Actor, step: ImpactStep, data: Mapping[str, Any], expected_version: int | None = None
) -> ImpactStep:
    return _part_update(kommune, actor, step, lambda errors: _step_values(data, errors), expected_version)


@transaction.atomic
def impact_step_delete(*, kommune: Kommune, actor: Actor, step: ImpactStep) -> None:
    _part_delete(kommune, actor, step)
