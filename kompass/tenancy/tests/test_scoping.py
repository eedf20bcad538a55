"""Every table of Kommunalkompass is tenant-scoped or on a reviewed global list (docs/security.md T3).

A tenant-owned model inherits `TenantModel`: a non-null `kommune`, a default manager whose
queries fail closed without a Kommune (`ScopeError`), and an unscoped base manager for
Django's own internals. Anything else must be listed in `GLOBAL_MODELS` with the reason why
it holds no Kommune's data.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models, transaction
from django.db.models import Count, F, Q

from kompass.conftest import World
from kompass.org.models import OrgUnit, Person
from kompass.tenancy.models import Kommune
from kompass.tenancy.scoping import ScopeError, TenantModel, TenantQuerySet

# Reviewed list of global tables: "app_label.ModelName" → why it is not tenant data.
GLOBAL_MODELS = {
    "tenancy.Kommune": "the tenant itself",
    "accounts.User": "a login can belong to several Kommunen through memberships",
    "accounts.ApiToken": (
        "looked up by its secret before any Kommune is known; limited to one Kommune by its kommune column, "
        "which the API gate checks with the membership on every request"
    ),
    "ui.Feedback": "accessibility feedback is sent without login and concerns the platform",
    "roles.Catalogue": "shipped, versioned role catalogue shared by all Kommunen (read-only data files)",
    "roles.CatalogueRole": "a role of the shared catalogue; Kommunen copy it into their own roles",
    "roles.CatalogueRelation": "a relation between roles of the shared catalogue",
    "roles.ActivityTemplate": "a shared digitalisation activity template of the responsibility matrix",
    "framework.FrameworkCatalogue": (
        "one shipped, versioned Orientierungsrahmen catalogue shared by all Kommunen (read-only data files); "
        "a Kommune adopts it into its own Framework"
    ),
    "framework.CatalogueDimension": "a dimension of the shared framework catalogue; Kommunen copy it",
    "framework.CatalogueField": "a field of the shared framework catalogue; Kommunen copy it into their own fields",
    "framework.CatalogueCriterion": "a criterion of the shared framework catalogue; Kommunen copy it",
    "framework.MeasureTemplate": (
        "a shipped measure template shared by all Kommunen; a Kommune's accepted recommendation copies its texts"
    ),
    "kompass_tasks.TaskRun": (
        "operator record of background work (key, state, error); platform jobs have no Kommune, so the "
        "Kommune is nullable; shown to no member, only to operators (failed_tasks)"
    ),
    "kompass_sso.OidcIdentity": (
        "the account behind an identity provider's subject; a login can belong to several Kommunen"
    ),
    "kompass_tasks.ScheduleSlot": "the last started slot of a platform schedule; holds no Kommune's data",
}


def own_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m.__module__.startswith("kompass.")]


def label(model: type[models.Model]) -> str:
    return f"{model._meta.app_label}.{model.__name__}"


TENANT_MODELS = [m for m in own_models() if issubclass(m, TenantModel)]
TENANT_IDS = [label(m) for m in TENANT_MODELS]


def test_every_model_is_tenant_scoped_or_reviewed_as_global() -> None:
    unreviewed = [label(m) for m in own_models() if not issubclass(m, TenantModel) and label(m) not in GLOBAL_MODELS]
    assert not unreviewed, f"Neither TenantModel nor on the reviewed global list: {unreviewed}"


def test_every_reviewed_global_model_exists_and_is_not_tenant_owned() -> None:
    existing = {label(m): m for m in own_models()}
    for name, reason in GLOBAL_MODELS.items():
        assert reason.strip(), name
        if name.startswith("roles.") and not apps.is_installed("kompass.roles"):
            continue
        assert name in existing, f"{name} is on the global list but no longer exists"
        assert not issubclass(existing[name], TenantModel), f"{name} is tenant-owned: take it off the global list"


def test_the_core_tenant_models_are_found() -> None:
    assert {"org.OrgUnit", "org.Person", "tenancy.Membership", "tenancy.OperatorAccess", "audit.AuditEntry"} <= set(
        TENANT_IDS
    )


@pytest.mark.parametrize("model", TENANT_MODELS, ids=TENANT_IDS)
def test_tenant_model_has_a_non_null_kommune_and_fail_closed_managers(model: type[models.Model]) -> None:
    field = model._meta.get_field("kommune")
    assert field.many_to_one and field.related_model is Kommune
    assert not field.null
    assert isinstance(model._default_manager.all(), TenantQuerySet)
    assert model._default_manager.name == "objects"
    base = model._base_manager.all()
    assert not isinstance(base, TenantQuerySet), "Django's internals need an unscoped base manager"


QUERIES = {
    "iterate": lambda qs: list(qs),
    "iterator": lambda qs: list(qs.iterator()),
    "count": lambda qs: qs.count(),
    "exists": lambda qs: qs.exists(),
    "first": lambda qs: qs.first(),
    "get": lambda qs: qs.get(pk=1),
    "values": lambda qs: list(qs.values("pk")),
    "aggregate": lambda qs: qs.aggregate(n=Count("pk")),
    "filter on another field": lambda qs: list(qs.filter(pk__gt=0)),
    "update": lambda qs: qs.update(),
    "delete": lambda qs: qs.delete(),
}


@pytest.mark.django_db
@pytest.mark.parametrize("query", sorted(QUERIES))
@pytest.mark.parametrize("model", TENANT_MODELS, ids=TENANT_IDS)
def test_a_query_without_a_kommune_raises_scope_error(model: type[models.Model], query: str, world: World) -> None:
    total = model._base_manager.count()
    with pytest.raises(ScopeError), transaction.atomic():
        QUERIES[query](model._default_manager.all())
    assert model._base_manager.count() == total, "nothing may be deleted or changed"


@pytest.mark.django_db
@pytest.mark.parametrize("model", TENANT_MODELS, ids=TENANT_IDS)
def test_for_kommune_returns_exactly_that_kommunes_rows(model: type[models.Model], world: World) -> None:
    for kommune in (world.kommune, world.other):
        rows = list(model._default_manager.for_kommune(kommune))
        assert all(row.kommune_id == kommune.pk for row in rows)
        assert len(rows) == model._base_manager.filter(kommune=kommune).count()
        assert model._default_manager.for_kommune(kommune).count() == len(rows)


@pytest.mark.django_db
def test_for_kommune_separates_the_two_kommunen_of_the_world(world: World) -> None:
    codes = set(OrgUnit.objects.for_kommune(world.kommune).values_list("code", flat=True))
    assert codes == {"VV", "D1", "10", "32", "32.1"}
    assert list(Person.objects.for_kommune(world.other).values_list("last_name", flat=True)) == ["GEHEIM-Nachbar"]


@pytest.mark.django_db
def test_filtering_on_the_kommune_counts_as_scoped(world: World) -> None:
    assert OrgUnit.objects.filter(kommune=world.kommune).count() == 5
    assert OrgUnit.objects.filter(kommune__slug="nachbarort").count() == 1
    assert OrgUnit.objects.filter(kommune_id=world.other.pk).exists()


@pytest.mark.django_db
def test_a_scoped_queryset_stays_scoped_through_further_filters(world: World) -> None:
    qs = OrgUnit.objects.for_kommune(world.kommune).filter(depth__gte=1).exclude(code="10").order_by("code")
    assert [u.code for u in qs] == ["32", "32.1", "D1"]


@pytest.mark.django_db
def test_unscoped_is_the_explicit_way_to_read_all_kommunen(world: World) -> None:
    assert OrgUnit.objects.unscoped().count() == OrgUnit.objects.for_kommune(world.kommune).count() + 1


@pytest.mark.django_db
def test_forward_relations_use_the_unscoped_base_manager(world: World) -> None:
    bruno = Person.objects.for_kommune(world.kommune).get(pk=world.bruno.pk)
    assert bruno.org_unit.code == "32.1"
    assert bruno.org_unit.parent.code == "32"


# The guard accepts only keyword lookups that pin ONE Kommune (docs/security.md T3). Each entry:
# lookup name → a function of the world giving (args, kwargs) for `filter`, and whether it scopes.
PINNING_LOOKUPS = {
    "kommune=instance": (lambda w: ((), {"kommune": w.kommune}), True),
    "kommune=pk": (lambda w: ((), {"kommune": w.kommune.pk}), True),
    "kommune=str pk": (lambda w: ((), {"kommune": str(w.kommune.pk)}), True),
    "kommune__exact": (lambda w: ((), {"kommune__exact": w.kommune}), True),
    "kommune_id": (lambda w: ((), {"kommune_id": w.kommune.pk}), True),
    "kommune_id__exact": (lambda w: ((), {"kommune_id__exact": w.kommune.pk}), True),
    "kommune__pk": (lambda w: ((), {"kommune__pk": w.kommune.pk}), True),
    "kommune__id__exact": (lambda w: ((), {"kommune__id__exact": w.kommune.pk}), True),
    "kommune__slug": (lambda w: ((), {"kommune__slug": w.kommune.slug}), True),
    "kommune__slug__exact": (lambda w: ((), {"kommune__slug__exact": w.kommune.slug}), True),
    "kommune__isnull=False": (lambda w: ((), {"kommune__isnull": False}), False),
    "kommune__in": (lambda w: ((), {"kommune__in": [w.kommune, w.other]}), False),
    "kommune_id__in": (lambda w: ((), {"kommune_id__in": [w.kommune.pk]}), False),
    "kommune__gt": (lambda w: ((), {"kommune__gt": 0}), False),
    "kommune_id__gte": (lambda w: ((), {"kommune_id__gte": 0}), False),
    "kommune__slug__startswith": (lambda w: ((), {"kommune__slug__startswith": ""}), False),
    "kommune__slug__icontains": (lambda w: ((), {"kommune__slug__icontains": "t"}), False),
    "kommune__name": (lambda w: ((), {"kommune__name": w.kommune.name}), False),
    "kommune=None": (lambda w: ((), {"kommune": None}), False),
    "kommune_id=None": (lambda w: ((), {"kommune_id": None}), False),
    "kommune=True": (lambda w: ((), {"kommune": True}), False),
    "kommune=F": (lambda w: ((), {"kommune": F("kommune")}), False),
    "Q(kommune)": (lambda w: ((Q(kommune=w.kommune),), {}), False),
    "Q(kommune) | Q(kommune)": (lambda w: ((Q(kommune=w.kommune) | Q(kommune=w.other),), {}), False),
    "Q(kommune__isnull)": (lambda w: ((Q(kommune__isnull=False),), {}), False),
}


@pytest.mark.django_db
@pytest.mark.parametrize("lookup", list(PINNING_LOOKUPS))
def test_only_lookups_that_pin_one_kommune_scope_the_queryset(lookup: str, world: World) -> None:
    build, pins = PINNING_LOOKUPS[lookup]
    args, kwargs = build(world)
    qs = OrgUnit.objects.filter(*args, **kwargs)
    assert qs._kommune_scoped is pins
    if pins:
        assert {u.kommune_id for u in qs} == {world.kommune.pk}
    else:
        with pytest.raises(ScopeError):
            list(qs)
        with pytest.raises(ScopeError):
            qs.count()


@pytest.mark.django_db
def test_kommune_isnull_no_longer_reads_every_kommune(world: World) -> None:
    # The review's finding: `kommune__isnull=False` returned both Kommunen's rows.
    with pytest.raises(ScopeError):
        list(Person.objects.filter(kommune__isnull=False))
    assert Person.objects.unscoped().filter(kommune__isnull=False).count() == Person.objects.unscoped().count()


@pytest.mark.django_db
def test_a_loose_lookup_after_a_pinning_one_stays_scoped_to_that_kommune(world: World) -> None:
    qs = OrgUnit.objects.filter(kommune=world.kommune).filter(kommune__in=[world.kommune, world.other])
    assert {u.kommune_id for u in qs} == {world.kommune.pk}
