"""Reads of the Verwaltungsgliederung, always scoped to one Kommune.

Every list is one or two queries whatever the size of the Kommune (asserted in tests).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import CharField, Count, Exists, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Concat

from kompass.org.models import NATURAL_ORDER, OrgUnit, Person
from kompass.tenancy.models import Kommune


@dataclass
class TreeNode:
    """A unit in the tree with what the tree shows about it. `unit.head` is not loaded: use
    `head_name` (loading 1,500 heads as Person objects cost more than the whole query)."""

    unit: OrgUnit
    children: list[TreeNode] = field(default_factory=list)
    people_count: int = 0
    head_name: str = ""
    extra_html: str = ""  # markup other modules add to the unit's line (e.g. role badges), already escaped


def unit_label(unit: OrgUnit | None) -> str:
    """How a unit is named wherever it is listed or picked: Kennung and name ("32.1 Bürgerservice")."""
    if unit is None:
        return ""
    return format_unit_label(unit.code, unit.name)


def format_unit_label(code: str, name: str) -> str:
    """`unit_label` from plain values (for lists read with `values_list`)."""
    return f"{code} {name}".strip()


def person_label(person: Person) -> str:
    """How a person is named wherever people are picked or listed, so that two people with the
    same name are told apart: "Anna Schmidt (32.1 Bürgerservice, a.schmidt@kommune.de)".

    Reads `person.org_unit`: select the unit with the person (`select_related("org_unit")`).
    """
    unit_code, unit_name = _unit_of(person)
    return format_person_label(person.first_name, person.last_name, person.email, unit_code, unit_name)


def person_details(person: Person) -> str:
    """What tells a person apart beside the name, for a second line in tables:
    "32.1 Bürgerservice, a.schmidt@kommune.de" (the unit is left out when it is not loaded)."""
    return _details(person.email, *_unit_of(person))


def _unit_of(person: Person) -> tuple[str, str]:
    if not person.org_unit_id or not Person.org_unit.is_cached(person):
        return "", ""
    unit = person.org_unit
    return (unit.code, unit.name) if unit is not None else ("", "")


def _details(email: str, unit_code: str, unit_name: str) -> str:
    return ", ".join(part for part in (format_unit_label(unit_code, unit_name), email) if part)


def format_person_label(first_name: str, last_name: str, email: str, unit_code: str = "", unit_name: str = "") -> str:
    """`person_label` from plain values (for choices read with `values_list`)."""
    details = _details(email, unit_code, unit_name)
    name = f"{first_name} {last_name}".strip()
    return f"{name} ({details})" if details else name


def orgunits(kommune: Kommune) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.for_kommune(kommune)


def people(kommune: Kommune) -> QuerySet[Person]:
    return Person.objects.for_kommune(kommune)


# What tree pages and the subtree API read; at 1,500 units the unused columns (timestamps,
# versions) cost more to load than the query itself.
TREE_FIELDS = ("kommune", "code", "sort_key", "name", "unit_type", "parent", "head", "is_active", "path", "depth")


def _people_count() -> Subquery:
    """People per unit as a correlated COUNT(*): it reads only the person.org_unit index, where a
    JOIN with GROUP BY over all unit columns took ~60 ms at Großstadt scale on SQLite (~3 ms now)."""
    count = Func(template="COUNT(*)", output_field=IntegerField())  # no GROUP BY: 0 for an empty unit
    people = Person.objects.unscoped().filter(org_unit=OuterRef("pk")).order_by()  # the outer query is scoped
    return Subquery(people.annotate(n=count).values("n"))


def orgunit_tree(kommune: Kommune, root: OrgUnit | None = None) -> list[TreeNode]:
    """The whole tree (or the subtree below `root`) in one query, children in natural order of Kennung."""
    qs = (
        orgunits(kommune)
        .only(*TREE_FIELDS)
        .annotate(people_count=_people_count(), head_first=F("head__first_name"), head_last=F("head__last_name"))
    )
    if root is not None:
        qs = qs.filter(path__startswith=root.path)
    nodes = {
        u.pk: TreeNode(u, people_count=u.people_count, head_name=f"{u.head_first} {u.head_last}" if u.head_id else "")
        for u in qs
    }
    roots: list[TreeNode] = []
    for node in nodes.values():
        parent = nodes.get(node.unit.parent_id) if node.unit.parent_id else None
        (parent.children if parent else roots).append(node)
    for node in nodes.values():
        node.children.sort(key=_node_order)
    roots.sort(key=_node_order)
    return roots


def _node_order(node: TreeNode) -> tuple[str, str]:
    return node.unit.sort_key, node.unit.code


def subtree(kommune: Kommune, unit: OrgUnit) -> QuerySet[OrgUnit]:
    return orgunits(kommune).filter(path__startswith=unit.path)


def ancestors(kommune: Kommune, unit: OrgUnit) -> list[OrgUnit]:
    ids = [int(part) for part in unit.path.split("/") if part][:-1]
    by_id = {u.pk: u for u in orgunits(kommune).filter(pk__in=ids)}
    return [by_id[i] for i in ids if i in by_id]


PERSON_SORTS = {
    "name": ("last_name", "first_name", "id"),
    "-name": ("-last_name", "-first_name", "-id"),
    "email": ("email",),
    "-email": ("-email",),
    "unit": ("org_unit__sort_key", "org_unit__code", "last_name", "id"),
    "-unit": ("-org_unit__sort_key", "-org_unit__code", "-last_name", "-id"),
}


def person_list(
    kommune: Kommune,
    *,
    query: str = "",
    unit: OrgUnit | None = None,
    include_subunits: bool = True,
    active: bool | None = None,
    sort: str = "name",
) -> QuerySet[Person]:
    qs = _person_words(people(kommune).select_related("org_unit"), query)
    if unit is not None:
        qs = qs.filter(org_unit__path__startswith=unit.path) if include_subunits else qs.filter(org_unit=unit)
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.order_by(*PERSON_SORTS.get(sort, PERSON_SORTS["name"]))


ORGUNIT_SORTS = {
    "code": NATURAL_ORDER,
    "-code": tuple(f"-{column}" for column in NATURAL_ORDER),
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "type": ("unit_type", *NATURAL_ORDER),
    "-type": ("-unit_type", *NATURAL_ORDER),
}


def orgunit_list(
    kommune: Kommune,
    *,
    query: str = "",
    unit_type: str = "",
    active: bool | None = None,
    parent: OrgUnit | None = None,
    without_head: bool = False,
    sort: str = "code",
) -> QuerySet[OrgUnit]:
    qs = orgunits(kommune).select_related("parent", "head")
    if query:
        qs = qs.filter(Q(code__icontains=query) | Q(name__icontains=query))
    if unit_type:
        qs = qs.filter(unit_type=unit_type)
    if active is not None:
        qs = qs.filter(is_active=active)
    if parent is not None:
        qs = qs.filter(parent=parent)
    if without_head:
        qs = qs.filter(head__isnull=True)
    return qs.order_by(*ORGUNIT_SORTS.get(sort, ORGUNIT_SORTS["code"]))


@dataclass
class KeyFigures:
    orgunits: int
    people: int
    active_people: int
    units_without_head: list[OrgUnit]  # the first few, for the start page
    people_without_unit: int
    units_without_people: int
    units_without_head_total: int = 0

    @property
    def more_units_without_head(self) -> int:
        """How many units without a head the start page does not name."""
        return max(self.units_without_head_total - len(self.units_without_head), 0)

    @property
    def complete(self) -> bool:
        """Every active unit has a head and people, every active person a unit — and there are both:
        an empty Kommune is not complete."""
        gaps = self.units_without_head_total or self.people_without_unit or self.units_without_people
        return bool(self.orgunits and self.active_people and not gaps)


def key_figures(kommune: Kommune, *, missing_limit: int = 10) -> KeyFigures:
    """Start-page figures and the "what is missing" list, in a fixed number of queries."""
    unit_stats = (
        orgunits(kommune)
        .filter(is_active=True)
        .aggregate(
            total=Count("id"),
            without_head=Count("id", filter=Q(head__isnull=True)),
        )
    )
    people_stats = people(kommune).aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(is_active=True)),
        without_unit=Count("id", filter=Q(org_unit__isnull=True, is_active=True)),
    )
    without_head = list(
        orgunits(kommune).filter(is_active=True, head__isnull=True).order_by(*NATURAL_ORDER)[:missing_limit]
    )
    # NOT EXISTS uses the person.org_unit index; a JOIN with GROUP BY over all people was ~40 ms at Großstadt scale.
    has_people = Person.objects.unscoped().filter(org_unit=OuterRef("pk"))  # outer query is scoped
    empty_units = orgunits(kommune).filter(is_active=True).exclude(Exists(has_people)).count()
    return KeyFigures(
        orgunits=unit_stats["total"],
        people=people_stats["total"],
        active_people=people_stats["active"],
        units_without_head=without_head,
        people_without_unit=people_stats["without_unit"],
        units_without_people=empty_units,
        units_without_head_total=unit_stats["without_head"],
    )


def units_without_head_count(kommune: Kommune) -> int:
    return orgunits(kommune).filter(is_active=True, head__isnull=True).count()


# --- picking a person or a unit by typing (the combobox and its search endpoints) ---------------


def _words(text: str) -> list[str]:
    return text.split()[:5]


def _person_words(qs: QuerySet[Person], text: str) -> QuerySet[Person]:
    """People whose name, e-mail or function contains every word. On PostgreSQL the trigram
    indexes of migration 0003 serve each `UPPER(column) LIKE` (about 0.5 ms instead of 40 ms at
    Großstadt scale); SQLite scans, which at that size is fast enough."""
    for word in _words(text):
        qs = qs.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(function_title__icontains=word)
        )
    return qs


def person_search(kommune: Kommune, text: str, *, limit: int) -> list[Person]:
    """People of the Kommune matching `text`, by name, for the combobox (one query, at most `limit`)."""
    if not text.strip():
        return []
    qs = _person_words(people(kommune).select_related("org_unit"), text)
    return list(qs.order_by("last_name", "first_name", "id")[:limit])


def person_find(kommune: Kommune, text: str, limit: int) -> list[Person]:
    """The people a typed text names: the exact matches (e-mail address, or first and last name)
    if there are any, else every person containing all words (`person_search`)."""
    text = " ".join(text.split())
    if not text:
        return []
    full_name = Concat(F("first_name"), Value(" "), F("last_name"), output_field=CharField())
    exact = (
        people(kommune)
        .select_related("org_unit")
        .annotate(full_name_text=full_name)
        .filter(Q(email__iexact=text) | Q(full_name_text__iexact=text))
        .order_by("last_name", "first_name", "id")
    )
    found: list[Person] = list(exact[:limit])
    return found or person_search(kommune, text, limit=limit)


def person_in(kommune: Kommune, pk: int) -> Person | None:
    """The person with this id if it belongs to the Kommune (with its unit, for the label)."""
    return people(kommune).select_related("org_unit").filter(pk=pk).first()


def unit_search(kommune: Kommune, text: str, *, limit: int) -> list[OrgUnit]:
    """Units whose Kennung or name contains every word, in the order of the tree's Kennungen."""
    if not text.strip():
        return []
    qs = orgunits(kommune).select_related("parent")
    for word in _words(text):
        qs = qs.filter(Q(code__icontains=word) | Q(name__icontains=word))
    return list(qs.order_by(*NATURAL_ORDER)[:limit])


def unit_find(kommune: Kommune, text: str, limit: int) -> list[OrgUnit]:
    """The units a typed text names: the unit with that Kennung, or with that label ("32
    Ordnungsamt") or name, if there is one; else every unit containing all words."""
    text = " ".join(text.split())
    if not text:
        return []
    label = Concat(F("code"), Value(" "), F("name"), output_field=CharField())
    exact = (
        orgunits(kommune)
        .select_related("parent")
        .annotate(label_text=label)
        .filter(Q(code__iexact=text) | Q(label_text__iexact=text) | Q(name__iexact=text))
    )
    found: list[OrgUnit] = list(exact.order_by(*NATURAL_ORDER)[:limit])
    by_code = [unit for unit in found if unit.code.lower() == text.lower()]
    return by_code or found or unit_search(kommune, text, limit=limit)


def unit_in(kommune: Kommune, pk: int) -> OrgUnit | None:
    return orgunits(kommune).select_related("parent").filter(pk=pk).first()
