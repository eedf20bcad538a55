"""Read-side figures for the role-model pages: catalogue updates, check summary, Lotsen network.

Each function works in a fixed number of queries and computes what a page shows; the pages
themselves only render. Catalogue updates compare the catalogue text a Kommune's role was
copied from with the newest loaded version of the same catalogue, so the Kommune can decide
role by role whether to take a change (its own adaptations are never overwritten silently).
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from html import escape
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from kompass.audit.selectors import kommune_change_stamp
from kompass.ops.backup import app_version
from kompass.ops.tenant_data import kommune_cache_prefix
from kompass.org.models import NATURAL_ORDER, OrgUnit
from kompass.roles import rules, selectors
from kompass.roles.catalogue_loader import latest_catalogue
from kompass.roles.models import (
    Assignment,
    Catalogue,
    CatalogueRelation,
    CatalogueRole,
    Confidence,
    QualificationStatus,
    RelationType,
    Role,
    RoleContent,
    RoleRelation,
)
from kompass.roles.rules import CheckData, Finding
from kompass.tenancy.models import Kommune

LIST_FIELDS = ("tasks", "responsibilities", "competences", "markers")
COMPARED_FIELDS = tuple(name for name in RoleContent.CONTENT_FIELDS if name != "markers")


def version_key(catalogue: Catalogue) -> tuple[int, ...]:
    """Versions compare numerically: 2026.10 is newer than 2026.9."""
    return tuple(int(p) if p.isdigit() else 0 for p in catalogue.version.split("."))


def latest_catalogues() -> dict[str, Catalogue]:
    """The newest loaded version of every shipped catalogue, by catalogue key (one query)."""
    latest: dict[str, Catalogue] = {}
    for catalogue in Catalogue.objects.all():
        current = latest.get(catalogue.key)
        if current is None or version_key(catalogue) > version_key(current):
            latest[catalogue.key] = catalogue
    return latest


# --- catalogue updates -------------------------------------------------------------------------


@dataclass
class FieldChange:
    name: str
    label: str
    old: Any = None
    new: Any = None
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def is_list(self) -> bool:
        return self.name in LIST_FIELDS


@dataclass
class RoleUpdate:
    role: Role
    source: CatalogueRole
    changes: list[FieldChange]
    adapted: bool  # the Kommune changed the role's texts since it copied them


@dataclass
class CatalogueUpdates:
    changed: list[RoleUpdate]
    new: list[CatalogueRole]
    removed: list[Role]
    others: list[tuple[CatalogueRole, bool]]  # roles of the other catalogues; True = key already used
    relations: list[RelationUpdate] = field(default_factory=list)  # only when asked for

    @property
    def pending(self) -> int:
        return len(self.changed) + len(self.new)


def _field_label(name: str) -> str:
    return str(getattr(CatalogueRole._meta.get_field(name), "verbose_name", name))


def field_changes(old: RoleContent, new: RoleContent) -> list[FieldChange]:
    """What changed between two texts of a role: old → new, lists as added/removed items."""
    changes = []
    for name in COMPARED_FIELDS:
        before, after = getattr(old, name), getattr(new, name)
        if before == after:
            continue
        if name in LIST_FIELDS:
            before, after = list(before or []), list(after or [])
            changes.append(
                FieldChange(
                    name,
                    _field_label(name),
                    added=[item for item in after if item not in before],
                    removed=[item for item in before if item not in after],
                )
            )
        else:
            changes.append(FieldChange(name, _field_label(name), old=before, new=after))
    return changes


def _adapted(role: Role, copied_from: CatalogueRole) -> bool:
    return any(getattr(role, name) != getattr(copied_from, name) for name in COMPARED_FIELDS)


def catalogue_updates(
    kommune: Kommune, model_catalogue: Catalogue | None, *, with_relations: bool = False
) -> CatalogueUpdates:
    """Changed, new and removed roles of the newest catalogue versions, in four queries; with
    `with_relations` also the relation changes (`relation_updates`), in two more."""
    latest = latest_catalogues()
    roles = list(selectors.roles(kommune).select_related("catalogue_role__catalogue").order_by("position", "id"))
    newest_roles: dict[int, dict[str, CatalogueRole]] = {c.pk: {} for c in latest.values()}
    for cr in CatalogueRole.objects.filter(catalogue__in=list(latest.values())).select_related("catalogue"):
        newest_roles[cr.catalogue_id][cr.key] = cr
    used_keys = {r.key for r in roles}
    changed, removed = [], []
    for role in roles:
        source = role.catalogue_role
        newest = latest.get(source.catalogue.key) if source is not None else None
        if source is None or newest is None or newest.pk == source.catalogue_id:
            continue
        replacement = newest_roles[newest.pk].get(role.key)
        if replacement is None:
            removed.append(role)
        elif changes := field_changes(source, replacement):
            changed.append(RoleUpdate(role, replacement, changes, _adapted(role, source)))
    new: list[CatalogueRole] = []
    others: list[tuple[CatalogueRole, bool]] = []
    model_key = model_catalogue.key if model_catalogue is not None else None
    for catalogue in sorted(latest.values(), key=lambda c: c.name):
        entries = newest_roles[catalogue.pk].values()
        if catalogue.key == model_key:
            new.extend(cr for cr in entries if cr.key not in used_keys)
        else:
            others.extend((cr, cr.key in used_keys) for cr in entries)
    relations = relation_updates(kommune, model_catalogue, latest=latest, roles=roles) if with_relations else []
    return CatalogueUpdates(changed, new, removed, others, relations)


RELATION_FIELDS = ("note", "source", "confidence")
Triple = tuple[str, str, str]  # (from catalogue key, to catalogue key, relation type)


@dataclass
class RelationChange:
    label: str
    old: str
    new: str


@dataclass
class RelationUpdate:
    """One relation change of the newest catalogue version the Kommune can take.

    `kind` is "changed" (the Kommune's copied relation gets the new text, or a new target or type
    when the catalogue corrected it), "removed" (the catalogue dropped the relation) or "added" (a
    new relation between two roles the Kommune adopted). `relation` is the Kommune's row (None when
    added); `source` the newest catalogue relation (None when removed)."""

    kind: str
    relation: RoleRelation | None
    source: CatalogueRelation | None
    from_role: Role
    to_role: Role
    changes: list[RelationChange] = field(default_factory=list)

    @property
    def relation_type_label(self) -> str:
        value = (
            self.source.relation_type if self.source is not None else cast(RoleRelation, self.relation).relation_type
        )
        return str(RelationType(value).label)


def _relation_label(name: str) -> str:
    return str(getattr(RoleRelation._meta.get_field(name), "verbose_name", name))


def _relation_changes(
    relation: RoleRelation, source: CatalogueRelation, from_role: Role, to_role: Role
) -> list[RelationChange]:
    changes = []
    if relation.from_role_id != from_role.pk:
        changes.append(RelationChange(_("Von Rolle"), relation.from_role.name, from_role.name))
    if relation.to_role_id != to_role.pk:
        changes.append(RelationChange(_("Zu Rolle"), relation.to_role.name, to_role.name))
    if relation.relation_type != source.relation_type:
        changes.append(
            RelationChange(
                _relation_label("relation_type"),
                str(RelationType(relation.relation_type).label),
                str(RelationType(source.relation_type).label),
            )
        )
    for name in RELATION_FIELDS:
        before, after = getattr(relation, name), getattr(source, name)
        if before != after:
            if name == "confidence":
                before, after = str(Confidence(before).label), str(Confidence(after).label)
            changes.append(RelationChange(_relation_label(name), before, after))
    return changes


def _corrects(old: Triple, new: Triple) -> bool:
    """Does `new` correct `old` in one point: same start, and either a new target or a new type?"""
    return old[0] == new[0] and (old[1] == new[1]) != (old[2] == new[2])


def relation_updates(
    kommune: Kommune,
    model_catalogue: Catalogue | None,
    *,
    latest: dict[str, Catalogue] | None = None,
    roles: Iterable[Role] | None = None,
) -> list[RelationUpdate]:
    """Relation changes between the roles the Kommune adopted from its model catalogue.

    Two queries when the caller passes `latest` and `roles` (with `catalogue_role__catalogue`),
    four otherwise. Copied relations keep no link to the catalogue relation, so they are told
    apart by what they are: a relation between two adopted roles whose (from, to, type) some loaded
    version of the catalogue has, and not of the confidence "eigene Festlegung" that every relation
    the Kommune creates itself gets. Relations the Kommune created itself are never offered. Added
    relations are those of the newest version that the adopted version did not have (a relation of
    the adopted version the Kommune deleted stays deleted). A removed relation and an added one
    that differ only in their target (or only in their type) are offered as one correction.
    """
    latest = latest if latest is not None else latest_catalogues()
    newest = latest.get(model_catalogue.key) if model_catalogue is not None else None
    if model_catalogue is None or newest is None or newest.pk == model_catalogue.pk:
        return []
    if roles is None:
        roles = selectors.roles(kommune).select_related("catalogue_role__catalogue")
    adopted: dict[str, Role] = {}
    for role in roles:
        source_role = role.catalogue_role
        if source_role is not None and source_role.catalogue.key == model_catalogue.key:
            adopted[source_role.key] = role
    known: set[Triple] = set()
    base: set[Triple] = set()
    newest_relations: dict[Triple, CatalogueRelation] = {}
    for cr in CatalogueRelation.objects.filter(catalogue__key=model_catalogue.key).order_by("id"):
        triple = (cr.from_key, cr.to_key, cr.relation_type)
        known.add(triple)
        if cr.catalogue_id == model_catalogue.pk:
            base.add(triple)
        if cr.catalogue_id == newest.pk:
            newest_relations.setdefault(triple, cr)
    key_of = {role.pk: key for key, role in adopted.items()}
    own_triples: set[Triple] = set()
    copied: list[tuple[Triple, RoleRelation]] = []
    for relation in selectors.relations(kommune).order_by("id"):
        if relation.from_role_id not in key_of or relation.to_role_id not in key_of:
            continue
        triple = (key_of[relation.from_role_id], key_of[relation.to_role_id], relation.relation_type)
        own_triples.add(triple)
        if triple in known and relation.confidence != Confidence.EIGENE:
            copied.append((triple, relation))
    updates: list[RelationUpdate] = []
    removed: list[tuple[Triple, RoleRelation]] = []
    for triple, relation in copied:
        source = newest_relations.get(triple)
        if source is None:
            removed.append((triple, relation))
        elif changes := _relation_changes(relation, source, relation.from_role, relation.to_role):
            updates.append(RelationUpdate("changed", relation, source, relation.from_role, relation.to_role, changes))
    added = [
        (triple, cr)
        for triple, cr in newest_relations.items()
        if triple not in base and triple not in own_triples and cr.from_key in adopted and cr.to_key in adopted
    ]
    paired: set[int] = set()
    for triple, relation in removed:
        candidates = [(new, cr) for new, cr in added if _corrects(triple, new)]
        if len(candidates) == 1 and sum(_corrects(old, candidates[0][0]) for old, _r in removed) == 1:
            cr = candidates[0][1]
            paired.add(cr.pk)
            from_role, to_role = adopted[cr.from_key], adopted[cr.to_key]
            changes = _relation_changes(relation, cr, from_role, to_role)
            updates.append(RelationUpdate("changed", relation, cr, from_role, to_role, changes))
        else:
            updates.append(RelationUpdate("removed", relation, None, relation.from_role, relation.to_role))
    for _triple, cr in added:
        if cr.pk not in paired:
            updates.append(RelationUpdate("added", None, cr, adopted[cr.from_key], adopted[cr.to_key]))
    order = {"changed": 0, "added": 1, "removed": 2}
    return sorted(updates, key=lambda u: (order[u.kind], u.from_role.name, u.to_role.name, u.relation_type_label))


def pending_relation_update(
    kommune: Kommune, *, relation_pk: int | None = None, catalogue_relation_pk: int | None = None
) -> RelationUpdate | None:
    """The offered relation update for one Kommune relation (changed or removed) or one new catalogue
    relation (added); None when nothing is offered for it (unknown, already taken, self-made)."""
    model = selectors.role_model(kommune)
    for update in relation_updates(kommune, model.catalogue if model is not None else None):
        if relation_pk is not None and update.relation is not None and update.relation.pk == relation_pk:
            return update
        source_pk = update.source.pk if update.source is not None else None
        if update.kind == "added" and catalogue_relation_pk is not None and source_pk == catalogue_relation_pk:
            return update
    return None


def newest_catalogue_role(role: Role) -> CatalogueRole | None:
    """The text of `role` in the newest loaded version of the catalogue it came from."""
    if role.catalogue_role is None:
        return None
    newest = latest_catalogue(role.catalogue_role.catalogue.key)
    if newest is None:
        return None
    return CatalogueRole.objects.filter(catalogue=newest, key=role.key).first()


# --- role status -------------------------------------------------------------------------------


def role_status(role: Role, holder_count: int) -> tuple[str, str]:
    """(status key, German label) of a role in the Kommune's model."""
    if not role.is_active:
        return "inaktiv", _("inaktiv")
    if holder_count:
        return "besetzt", _("besetzt")
    if role.not_filled:
        return "bewusst_nicht_besetzt", _("bewusst nicht besetzt")
    return "unbesetzt", _("unbesetzt")


# --- checks --------------------------------------------------------------------------------------


@dataclass
class FindingView:
    """A finding with the page where it is fixed. Given a `slug`, the address is looked up only when
    a page shows it: a Großstadt has 1,600 findings, the start page names five."""

    finding: Finding
    given_url: str | None = None
    slug: str | None = None

    @cached_property
    def fix_url(self) -> str | None:
        return fix_url(self.finding, self.slug) if self.slug is not None else self.given_url


def fix_url(finding: Finding, slug: str) -> str | None:
    """Where to fix a finding, or None when that page does not exist (yet)."""
    if finding.fix is None:
        return None
    name, kwargs = finding.fix
    try:
        return reverse(name, kwargs={**kwargs, "kommune_slug": slug})
    except NoReverseMatch:
        return None


TOP_GROUPS = 5  # groups of findings named on the start page


@dataclass
class FindingGroup:
    """The findings of one kind ("lotsen.abdeckung") within a severity. Several findings show as one
    expandable group under a heading that counts them, so a Großstadt's Rollen-Check stays short;
    what every finding of the group says alike (explanation, source) is said once."""

    rule: str
    items: list[FindingView]

    @property
    def first(self) -> Finding:
        return self.items[0].finding

    @property
    def is_group(self) -> bool:
        return len(self.items) > 1

    @property
    def title(self) -> str:
        return rules.group_title(self.rule, len(self.items)) if self.is_group else self.first.title

    @property
    def anchor(self) -> str:
        return "befund-" + self.rule.replace(".", "-")

    @property
    def explanation(self) -> str | None:
        """The explanation, when every finding of the group gives the same one."""
        texts = {item.finding.explanation for item in self.items}
        return self.first.explanation if len(texts) == 1 else None

    @property
    def source(self) -> str | None:
        sources = {item.finding.source for item in self.items}
        return self.first.source if len(sources) == 1 else None

    @property
    def confidence(self) -> str | None:
        """ "belegt" or "abgeleitet", when every finding of the group says the same."""
        confidences = {item.finding.confidence for item in self.items}
        return self.first.confidence if len(confidences) == 1 else None


def group_findings(items: list[FindingView]) -> list[FindingGroup]:
    """Findings grouped by kind, in the order each kind first appears."""
    groups: dict[str, FindingGroup] = {}
    for item in items:
        rule = item.finding.rule
        if rule not in groups:
            groups[rule] = FindingGroup(rule, [])
        groups[rule].items.append(item)
    return list(groups.values())


@dataclass
class CheckSummary:
    has_model: bool
    groups: list[tuple[str, str, list[FindingView]]]  # (severity, label, findings)
    coverage: rules.Coverage

    @property
    def counts(self) -> dict[str, int]:
        return {severity: len(items) for severity, _label, items in self.groups}

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def top(self, n: int = 5) -> list[FindingView]:
        return [item for _s, _l, items in self.groups for item in items][:n]

    @property
    def sections(self) -> list[tuple[str, str, list[FindingView], list[FindingGroup]]]:
        """Per severity with findings: (severity, label, findings, the findings grouped by kind)."""
        return [(severity, label, items, group_findings(items)) for severity, label, items in self.groups if items]

    @property
    def finding_groups(self) -> list[FindingGroup]:
        """Every group of findings, errors first."""
        return [group for section in self.sections for group in section[3]]

    @property
    def top_groups(self) -> list[FindingGroup]:
        """What the start page names of the Rollen-Check."""
        return self.finding_groups[:TOP_GROUPS]

    @property
    def more_groups(self) -> int:
        """How many groups of findings the start page does not name."""
        return max(len(self.finding_groups) - TOP_GROUPS, 0)


# The Rollen-Check of a Großstadt reads 30,000 assignments and takes about half a second; the start
# page and the Rollen-Check page would run it on every view. Its outcome depends only on the
# Kommune's data, the day (expiring assignments, overdue reports), the language of the texts and the
# rules of this release, so it is kept in the shared cache under exactly these: every change of the
# Kommune's data writes an audit entry and so gives a new change stamp (`kommune_change_stamp`).
# Keys start with the Kommune's id (docs/security.md T5); a day is the longest an entry is kept.
CHECK_CACHE_NAMESPACE = "roles-check"
CHECK_CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class CheckOutcome:
    """What the rules found: kept in the cache as it is, turned into a `CheckSummary` per request."""

    has_model: bool
    findings: list[Finding]
    coverage: rules.Coverage


def check_outcome(kommune: Kommune, data: CheckData | None = None) -> CheckOutcome:
    """The findings and the Lotsen coverage of the Kommune, from the cache while nothing changed.
    Given `data`, the rules run on it and nothing is cached (a caller that holds its own data)."""
    if data is not None or not settings.KOMPASS_CHECK_CACHE:
        data = data or selectors.check_data(kommune)
        return CheckOutcome(bool(data.roles), rules.run_checks(data), rules.lotse_coverage(data))
    key = kommune_cache_prefix(CHECK_CACHE_NAMESPACE, kommune.pk) + ":".join(
        (kommune_change_stamp(kommune), selectors.today().isoformat(), get_language() or "", _release())
    )
    outcome = cache.get(key)
    if not isinstance(outcome, CheckOutcome):
        data = selectors.check_data(kommune)
        outcome = CheckOutcome(bool(data.roles), rules.run_checks(data), rules.lotse_coverage(data))
        cache.set(key, outcome, CHECK_CACHE_SECONDS)
    return outcome


@functools.cache
def _release() -> str:
    """The version of this installation (read once): rules and their texts may change with it."""
    return app_version()


def check_summary(kommune: Kommune, slug: str, data: CheckData | None = None) -> CheckSummary:
    """The role checks, grouped by severity, with fix links and the Lotsen coverage."""
    outcome = check_outcome(kommune, data)
    groups = []
    for severity in (rules.ERROR, rules.WARNING, rules.NOTE):
        items = [FindingView(f, slug=slug) for f in outcome.findings if f.severity == severity]
        groups.append((severity, rules.SEVERITY_LABELS[severity], items))
    return CheckSummary(outcome.has_model, groups, outcome.coverage)


# --- Lotsen network -------------------------------------------------------------------------------


@dataclass
class LotsenRow:
    unit: OrgUnit
    lotsen: list[Assignment]

    @property
    def time_share(self) -> Decimal:
        return sum((a.time_share for a in self.lotsen), Decimal(0))


@dataclass
class LotsenNetwork:
    rows: list[LotsenRow]
    coverage: rules.Coverage
    lotsen: list[Assignment]
    outside: list[Assignment]  # Lotsen who work for no Fachbereich/Amt
    has_lotse_role: bool

    @property
    def total_time(self) -> Decimal:
        return sum((a.time_share for a in self.lotsen), Decimal(0))

    @property
    def fte(self) -> Decimal:
        return (self.total_time / 100).quantize(Decimal("0.01"))

    @property
    def people(self) -> int:
        return len({a.person_id for a in self.lotsen})

    @property
    def qualification(self) -> list[tuple[str, str, int]]:
        counts = Counter(a.qualification for a in self.lotsen)
        return [(value, str(label), counts.get(value, 0)) for value, label in QualificationStatus.choices]


def _covered_ids(rows: Iterable[LotsenRow]) -> set[int]:
    return {a.pk for row in rows for a in row.lotsen}


def lotsen_data(kommune: Kommune) -> CheckData:
    """What the Lotsen rules read, in three queries: only the Lotsen's assignments are loaded, not
    every assignment of a Großstadt."""
    roles = list(selectors.roles(kommune))
    lotse_ids = [r.pk for r in roles if r.is_active and r.has_marker("lotse")]
    return CheckData(
        today=selectors.today(),
        roles=roles,
        current=list(selectors.current_assignments(kommune).filter(role_id__in=lotse_ids)),
        recent_past=[],
        activities=[],
        cells=[],
        units=list(
            OrgUnit.objects.for_kommune(kommune)
            .filter(is_active=True, unit_type__in=rules.COVERED_UNIT_TYPES)
            .order_by(*NATURAL_ORDER)
        ),
    )


def lotsen_network(kommune: Kommune, data: CheckData | None = None) -> LotsenNetwork:
    """Fachbereiche/Ämter × their Lotsen, coverage, total time and qualification status."""
    data = data or lotsen_data(kommune)
    coverage = rules.lotse_coverage(data)
    rows = [
        LotsenRow(unit, sorted(lotsen, key=lambda a: (a.person.last_name, a.person.first_name)))
        for unit, lotsen in coverage.units
    ]
    lotsen = sorted(data.holders_of("lotse"), key=lambda a: (a.person.last_name, a.person.first_name, a.pk))
    covered = _covered_ids(rows)
    outside = [a for a in lotsen if a.pk not in covered]
    return LotsenNetwork(rows, coverage, lotsen, outside, bool(data.roles_with("lotse")))


# --- relations -----------------------------------------------------------------------------------

INBOUND_PHRASES = {
    "berichtet_an": gettext_lazy("berichten an diese Rolle"),
    "koordiniert": gettext_lazy("koordinieren diese Rolle"),
    "beraet": gettext_lazy("beraten diese Rolle"),
    "beauftragt": gettext_lazy("beauftragen diese Rolle"),
    "arbeitet_zu": gettext_lazy("arbeiten dieser Rolle zu"),
    "kontrolliert": gettext_lazy("kontrollieren diese Rolle"),
}


@dataclass
class RelationGroup:
    relation_type: str
    label: str
    items: list[Any]  # (relation, the other role) pairs


def group_relations(
    relations: Iterable[Any], role_id: Any, *, key: str = "pk"
) -> tuple[list[RelationGroup], list[RelationGroup]]:
    """Relations of a role grouped by type: (from this role, towards this role).

    Works for a Kommune's `RoleRelation`s (`key="pk"`) and for catalogue relations
    (`key="key"`, with `from_role`/`to_role` resolved by the caller).
    """
    outgoing: dict[str, list[Any]] = {}
    incoming: dict[str, list[Any]] = {}
    for relation in relations:
        if getattr(relation.from_role, key) == role_id:
            outgoing.setdefault(relation.relation_type, []).append((relation, relation.to_role))
        if getattr(relation.to_role, key) == role_id:
            incoming.setdefault(relation.relation_type, []).append((relation, relation.from_role))
    labels = dict(RelationType.choices)
    order = list(labels)
    out = [RelationGroup(t, str(labels.get(t, t)), outgoing[t]) for t in order if t in outgoing]
    inc = [RelationGroup(t, str(INBOUND_PHRASES.get(t, labels.get(t, t))), incoming[t]) for t in order if t in incoming]
    return out, inc


@dataclass
class CatalogueRelationView:
    relation_type: str
    note: str
    from_role: CatalogueRole
    to_role: CatalogueRole


def catalogue_relations(catalogue: Catalogue, roles: dict[str, CatalogueRole]) -> list[CatalogueRelationView]:
    """The typed relations of a catalogue version, with both ends resolved to its roles."""
    return [
        CatalogueRelationView(r.relation_type, r.note, roles[r.from_key], roles[r.to_key])
        for r in CatalogueRelation.objects.filter(catalogue=catalogue).order_by("id")
        if r.from_key in roles and r.to_key in roles
    ]


# --- org tree ------------------------------------------------------------------------------------

BADGE_LIMIT = 3


def attach_role_badges(kommune: Kommune, roots: Iterable[Any]) -> None:
    """Add to every node of the org tree's `extra_html` the holders of the key roles there (CDO, CIO,
    ISB, DSB, Lotse, HVB, heads of HR and IT; at most three) and a link to all role assignments of
    the unit when there are more. Three queries for the whole tree; the markup is built here
    because one template render per unit cost more than the rest of the page at Großstadt scale."""
    badges = selectors.unit_role_badges(kommune, BADGE_LIMIT, selectors.key_role_ids(kommune))
    if not badges:
        return
    link = reverse("roles:assignment_list", args=[kommune.slug]) + "?einheit="
    label = escape(_("Rollen"))
    stack = list(roots)
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        items, total = badges.get(node.unit.pk, ([], 0))
        if not total:
            continue
        parts = [f'<span class="kk-tree__meta"> · {label}:</span>']
        parts += [
            f' <span class="kern-badge kern-badge--info"><span class="kern-label kern-label--small">'
            f"{escape(b.role_label)}: {escape(b.person_name)}</span></span>"
            for b in items
        ]
        more = total - len(items)
        if more:
            text = (
                ngettext("und %(n)s weitere Rolle", "und %(n)s weitere Rollen", more)
                if items
                else ngettext("%(n)s Rollenzuordnung", "%(n)s Rollenzuordnungen", more)
            ) % {"n": more}
            parts.append(f' <a class="kern-link kern-link--small" href="{link}{node.unit.pk}">{escape(text)}</a>')
        node.extra_html = mark_safe(node.extra_html + "".join(parts))  # noqa: S308 - every value is escaped
