"""T2 for the agenda's pages: an id of Nachbarort in the request body, posted under Teststadt's slug,
is refused with a German message, stores nothing in either Kommune and never answers 500.

Every form class of the agenda (found by walking `kompass.agenda`) is built once, and each of its
fields that names an object by id (a model choice, a picked object, a choice of ids) needs a case in
`CASES` below: a new field with an id cannot slip through (`test_every_id_field_of_an_agenda_form_is_covered`).
The filters of the lists (GET) are cases too: a foreign id filters nothing and shows nothing of Nachbarort.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django import forms
from django.urls import reverse

import kompass.agenda
from kompass.agenda import impact, services
from kompass.agenda.models import AgendaVersion, Goal, Handlungsfeld
from kompass.agenda.tests import factories
from kompass.agenda.tests.factories_api import AgendaScene, agenda_scene
from kompass.api.tests.helpers import tenant_state
from kompass.conftest import World
from kompass.core.pickers import PickField
from kompass.roles.models import Role

pytestmark = pytest.mark.django_db

SENTINEL = b"GEHEIM"
# What a refusal says in German: Django's "keine gültige Auswahl", the pickers' and the services' own words.
GERMAN = re.compile(
    r"gültige Auswahl|nicht gefunden|gibt es (in (der|dieser) Kommune )?nicht|keine gültige", re.IGNORECASE
)


def url(name: str, *args: Any) -> str:
    return reverse(f"agenda:{name}", args=["teststadt", *args])


# --- the forms and their id fields ---------------------------------------------------------------------


def agenda_form_classes() -> Iterator[type[forms.BaseForm]]:
    """Every form class defined in a module of `kompass.agenda` (not its tests)."""
    for info in pkgutil.walk_packages(kompass.agenda.__path__, "kompass.agenda."):
        if ".tests" in info.name or ".migrations" in info.name:
            continue
        module = importlib.import_module(info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


def form_key(cls: type[forms.BaseForm]) -> str:
    return f"{cls.__module__.rsplit('.', 1)[-1]}.{cls.__name__}"


# How to build the forms whose fields depend on the Kommune (the rest are built without arguments).
BUILDERS: dict[str, Callable[[AgendaScene], forms.BaseForm]] = {
    "forms_measures.PortfolioFilterForm": lambda s: form_of("forms_measures", "PortfolioFilterForm")(
        kommune=s.world.kommune
    ),
    "forms_measures.MeasureForm": lambda s: form_of("forms_measures", "MeasureForm")(kommune=s.world.kommune),
    "forms_measures.ImpactStepForm": lambda s: form_of("forms_measures", "ImpactStepForm")(
        labels=impact.impact_labels()
    ),
    "forms_measures.RaciForm": lambda s: form_of("forms_measures", "RaciForm")(kommune=s.world.kommune),
    "forms_measures.DependencyForm": lambda s: form_of("forms_measures", "DependencyForm")(
        kommune=s.world.kommune, measure=s.inside
    ),
    "forms_kpis.KPIForm": lambda s: form_of("forms_kpis", "KPIForm")(kommune=s.world.kommune),
    "forms_kpis.KPIFilterForm": lambda s: form_of("forms_kpis", "KPIFilterForm")(
        handlungsfelder=Handlungsfeld.objects.for_kommune(s.world.kommune),
        roles=Role.objects.for_kommune(s.world.kommune),
    ),
    "forms_strategy.DecideForm": lambda s: form_of("forms_strategy", "DecideForm")(decisions=[s.decision]),
    "forms_strategy.HandlungsfeldForm": lambda s: form_of("forms_strategy", "HandlungsfeldForm")(fields=[]),
    "forms_strategy.GoalForm": lambda s: form_of("forms_strategy", "GoalForm")(
        parents=[s.goal], handlungsfelder=[s.handlungsfeld], current_version=s.version.pk
    ),
}


def form_of(module: str, name: str) -> Any:
    return getattr(importlib.import_module(f"kompass.agenda.{module}"), name)


def names_objects(field: forms.Field, declared: forms.Field | None) -> bool:
    """A field whose value is an id of a stored object: a model choice (single or multiple), an
    object picked with the combobox, or a choice of whole numbers filled from the Kommune's data when
    the form is built (declared without choices; fixed scales such as 1 to 5 are declared with theirs)."""
    if isinstance(field, forms.ModelChoiceField | PickField):
        return True
    typed = isinstance(field, forms.TypedChoiceField | forms.TypedMultipleChoiceField) and field.coerce is int
    return typed and not getattr(declared, "choices", None)


def id_fields(scene: AgendaScene) -> set[tuple[str, str]]:
    found = set()
    for cls in agenda_form_classes():
        key = form_key(cls)
        form = BUILDERS[key](scene) if key in BUILDERS else cls()
        found |= {(key, name) for name, field in form.fields.items() if names_objects(field, cls.base_fields.get(name))}
    return found


# --- the cases ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    form: str  # form_key of the form
    field: str  # the id field the body fills with Nachbarort's id
    request: Callable[[AgendaScene], tuple[str, str, dict[str, Any]]]  # (method, URL, data)


def _measure_body(scene: AgendaScene, **changes: Any) -> dict[str, Any]:
    body = {
        "title": "Bürgerkonto",
        "status": "geplant",
        "benefit": 3,
        "urgency": 3,
        "effort": 3,
        "version": scene.inside.version,
    }
    return {**body, **changes}


def _goal_body(**changes: Any) -> dict[str, Any]:
    return {"kind": "wirkungsziel", "title": "Anliegen online", "effect": "buerger_unternehmen", **changes}


def _kpi_body(scene: AgendaScene, **changes: Any) -> dict[str, Any]:
    body = {
        "name": "Online-Anträge",
        "unit": "%",
        "direction": "steigend",
        "baseline_value": "10",
        "baseline_on": "01.01.2025",
        "target_value": "60",
        "target_on": "31.12.2027",
        "period_days": 90,
    }
    return {**body, **changes}


def _draft(scene: AgendaScene) -> AgendaVersion:
    return services.version_new_draft(kommune=scene.world.kommune, actor=scene.world.admin, source=scene.version)


CASES: dict[str, Case] = {
    "operative goal under Nachbarort's Wirkungsziel": Case(
        "forms_strategy.GoalForm",
        "parent",
        lambda s: ("POST", url("goal_create"), _goal_body(kind="operativ", parent=s.other["goal_id"])),
    ),
    "goal linked to Nachbarort's Handlungsfeld": Case(
        "forms_strategy.GoalForm",
        "handlungsfelder",
        lambda s: (
            "POST",
            url("goal_edit", s.goal.pk),
            _goal_body(title=s.goal.title, handlungsfelder=[s.other_handlungsfeld.pk], version=s.goal.version),
        ),
    ),
    "version decided by Nachbarort's council decision": Case(
        "forms_strategy.DecideForm",
        "decision",
        lambda s: (
            "POST",
            url("version_decide", _draft(s).pk),
            {"decided_on": "01.02.2026", "decision": s.other["decision_id"], "version": 1},
        ),
    ),
    "new measure in Nachbarort's Handlungsfeld": Case(
        "forms_measures.MeasureForm",
        "handlungsfelder",
        lambda s: ("POST", url("measure_create"), _measure_body(s, handlungsfelder=[s.other_handlungsfeld.pk])),
    ),
    "measure serving Nachbarort's goal": Case(
        "forms_measures.MeasureForm",
        "goals",
        lambda s: ("POST", url("measure_edit", s.inside.pk), _measure_body(s, goals=[s.other["goal_id"]])),
    ),
    "new measure owned by Nachbarort's role": Case(
        "forms_measures.MeasureForm",
        "accountable_role",
        lambda s: ("POST", url("measure_create"), _measure_body(s, accountable_role=s.other_role.pk)),
    ),
    "measure moved to Nachbarort's unit": Case(
        "forms_measures.MeasureForm",
        "responsible_unit",
        lambda s: (
            "POST",
            url("measure_edit", s.outside.pk),
            _measure_body(s, title=s.outside.title, responsible_unit=s.world.other_unit.pk, version=s.outside.version),
        ),
    ),
    "RACI row for Nachbarort's role": Case(
        "forms_measures.RaciForm",
        "role",
        lambda s: ("POST", url("raci_set", s.inside.pk), {"role": s.other_role.pk, "letter": "C"}),
    ),
    "dependency on Nachbarort's measure": Case(
        "forms_measures.DependencyForm",
        "depends_on",
        lambda s: ("POST", url("dependency_add", s.inside.pk), {"depends_on": s.other["measure_id"]}),
    ),
    "new KPI owned by Nachbarort's role": Case(
        "forms_kpis.KPIForm",
        "owner_role",
        lambda s: ("POST", url("kpi_create", s.inside.pk), _kpi_body(s, owner_role=s.other_role.pk)),
    ),
    "KPI of a goal handed to Nachbarort's role": Case(
        "forms_kpis.KPIForm",
        "owner_role",
        lambda s: (
            "POST",
            url("kpi_edit", s.kpi_goal.pk),
            _kpi_body(s, name=s.kpi_goal.name, owner_role=s.other_role.pk, version=s.kpi_goal.version),
        ),
    ),
    # The lists' filters (GET): a foreign id filters nothing and shows nothing of Nachbarort.
    "portfolio filtered by Nachbarort's Handlungsfeld": Case(
        "forms_measures.PortfolioFilterForm",
        "handlungsfeld",
        lambda s: ("GET", url("portfolio"), {"handlungsfeld": s.other_handlungsfeld.pk}),
    ),
    "board filtered by Nachbarort's role": Case(
        "forms_measures.PortfolioFilterForm",
        "rolle",
        lambda s: ("GET", url("board"), {"rolle": s.other_role.pk}),
    ),
    "roadmap filtered by Nachbarort's unit": Case(
        "forms_measures.PortfolioFilterForm",
        "einheit",
        lambda s: ("GET", url("roadmap"), {"einheit": s.world.other_unit.pk}),
    ),
    "bubble chart filtered by Nachbarort's goal": Case(
        "forms_measures.PortfolioFilterForm",
        "ziel",
        lambda s: ("GET", url("bubble"), {"ziel": s.other["goal_id"]}),
    ),
    "KPI list filtered by Nachbarort's Handlungsfeld": Case(
        "forms_kpis.KPIFilterForm",
        "handlungsfeld",
        lambda s: ("GET", url("kpi_list"), {"handlungsfeld": s.other_handlungsfeld.pk}),
    ),
    "KPI list filtered by Nachbarort's role": Case(
        "forms_kpis.KPIFilterForm",
        "rolle",
        lambda s: ("GET", url("kpi_list"), {"rolle": s.other_role.pk}),
    ),
}


@pytest.fixture
def scene(world: World) -> AgendaScene:
    return agenda_scene(world)


def test_every_id_field_of_an_agenda_form_is_covered(scene: AgendaScene) -> None:
    found = id_fields(scene)
    covered = {(case.form, case.field) for case in CASES.values()}
    assert found - covered == set(), "add a case to CASES for each of these form fields"
    assert covered - found == set(), "these cases name no id field (renamed or gone?)"
    # the walk itself finds the forms it must: a wrong walk would make the test above pass vacuously
    assert {"forms_strategy.GoalForm", "forms_measures.MeasureForm", "forms_kpis.KPIForm"} <= {
        key for key, _field in found
    }


def test_every_form_class_is_built_by_the_walk(scene: AgendaScene) -> None:
    """A new form class whose constructor needs arguments needs a builder in BUILDERS."""
    for cls in agenda_form_classes():
        key = form_key(cls)
        form = BUILDERS[key](scene) if key in BUILDERS else cls()
        assert isinstance(form, cls), key


def _messages(response: Any, field: str) -> list[str]:
    form = (response.context or {}).get("form")
    if form is not None and form.errors.get(field):
        return [str(message) for message in form.errors[field]]
    return [str(message) for message in (response.context or {}).get("errors", [])]


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_foreign_id_in_the_body_is_refused_and_changes_nothing(name: str, scene: AgendaScene) -> None:
    case = CASES[name]
    method, address, data = case.request(scene)
    before = tenant_state(scene.world)
    client = scene.world.client_for(scene.world.admin)
    response = client.get(address, data) if method == "GET" else client.post(address, data)
    assert SENTINEL not in response.content
    assert tenant_state(scene.world) == before
    if method == "GET":
        assert response.status_code == 200
        form = response.context["form"]
        assert form.errors.get(case.field) or not form.cleaned_data.get(case.field)
        return
    assert response.status_code == 400, response.content[:800]
    messages = _messages(response, case.field)
    assert messages, "the refusal names what was wrong"
    assert all(GERMAN.search(message) for message in messages), messages
    assert all("valid" not in message.lower() for message in messages), messages


def test_the_same_bodies_with_teststadts_own_ids_are_stored(scene: AgendaScene) -> None:
    """The cases differ from a working request only by the foreign id: with Teststadt's own ids
    the same kind of body is stored (so the refusals above are about the id, not the rest)."""
    client = scene.world.client_for(scene.world.admin)
    response = client.post(
        url("measure_create"),
        _measure_body(
            scene,
            handlungsfelder=[scene.handlungsfeld.pk],
            goals=[scene.goal.pk],
            accountable_role=scene.cdo.pk,
            responsible_unit=scene.world.hauptamt.pk,
        ),
    )
    assert response.status_code == 302, response.content[:800]
    operative = client.post(url("goal_create"), _goal_body(kind="operativ", parent=scene.goal.pk, title="Portal"))
    assert operative.status_code == 302
    assert Goal.objects.for_kommune(scene.world.kommune).filter(title="Portal", parent=scene.goal).exists()
    kpi = client.post(url("kpi_create", scene.inside.pk), _kpi_body(scene, owner_role=scene.cdo.pk))
    assert kpi.status_code == 302
    lotse = factories.role(scene.world, "lotse", "Digitallotsin")
    raci = client.post(url("raci_set", scene.inside.pk), {"role": lotse.pk, "letter": "I"})
    assert raci.status_code == 302
    other = client.post(url("dependency_add", scene.inside.pk), {"depends_on": scene.outside.pk})
    assert other.status_code == 302
