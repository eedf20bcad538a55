"""Katalog-Aktualisierung of the Orientierungsrahmen: what a newer catalogue version offers a Kommune.

The base is the version the Kommune adopted (`Framework.catalogue`); the offer is the newest loaded
version. Rows of the Kommune and of the catalogues are matched by key (a field by its key, a
criterion by its field's key and its own), so the rules are:

- **changed**: the newest version changed a text of a field or criterion against the adopted
  version, and the Kommune's row does not hold the new text yet. Only the texts the catalogue
  changed are offered and taken; where the Kommune reworded the same text, both are shown and
  taking the catalogue's overwrites the Kommune's wording (only on that explicit click);
- **new**: a field of the newest version the Kommune does not have (offered with its criteria), or
  a new criterion of a field it has;
- **dropped**: an active field or catalogue criterion whose key the newest version no longer
  has; the offer is to switch it off (nothing is deleted: past campaigns asked it);
- **dimensions** (the Kommune cannot edit them) follow the newest version when the Kommune marks
  it as current (`services.framework_mark_current`).

Criteria of the Kommune's own (`is_custom`) never appear. Everything is read in a fixed number of
queries, whatever the size of the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from django.utils.translation import gettext_lazy as _

from kompass.framework import services
from kompass.framework.catalogue_loader import latest_catalogue
from kompass.framework.models import (
    CatalogueCriterion,
    CatalogueDimension,
    CatalogueField,
    Criterion,
    Dimension,
    Field,
    Framework,
    FrameworkCatalogue,
)
from kompass.framework.selectors import framework as framework_of
from kompass.tenancy.models import Kommune

# The attributes a catalogue version can change, in the order they are shown.
FIELD_COMPARED = services.FIELD_TAKEN
CRITERION_COMPARED = services.CRITERION_TAKEN
DIMENSION_COMPARED = ("name", "description", "source", "confidence")
# What a Kommune can reword: a difference to the catalogue here is its own wording.
FIELD_WORDING = ("name", "description")
CRITERION_WORDING = ("name", "question", "levels")


def _label(model: type[Any], name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


@dataclass
class TextChange:
    """One attribute the newest version changed: the Kommune's value, the adopted and the new catalogue's."""

    name: str
    label: str
    current: Any
    previous: Any  # in the adopted version; None when the adopted version did not have the row
    new: Any

    @property
    def reworded(self) -> bool:
        """The Kommune holds its own wording here (not the adopted catalogue's)."""
        return self.previous is not None and self.current != self.previous

    @property
    def is_levels(self) -> bool:
        return self.name == "levels"

    @property
    def level_rows(self) -> list[tuple[int, str, str, str]]:
        """For level descriptors: (level, the Kommune's text, the new text, "changed" or "")."""
        current, new = list(self.current or []), list(self.new or [])
        rows = []
        for index in range(max(len(current), len(new))):
            old_text = current[index] if index < len(current) else ""
            new_text = new[index] if index < len(new) else ""
            rows.append((index + 1, old_text, new_text, "changed" if old_text != new_text else ""))
        return rows


@dataclass
class FieldUpdate:
    """A changed field (texts, or a move to another dimension) or a dropped one."""

    kind: str  # "changed" or "dropped"
    field: Field
    source: CatalogueField | None  # the newest catalogue's field (None when dropped)
    previous: CatalogueField | None  # the adopted catalogue's field
    changes: list[TextChange] = dc_field(default_factory=list)
    dimension_from: str = ""
    dimension_to: str = ""

    @property
    def reworded(self) -> bool:
        return any(change.reworded for change in self.changes)


@dataclass
class CriterionUpdate:
    kind: str  # "changed" or "dropped"
    criterion: Criterion
    source: CatalogueCriterion | None
    previous: CatalogueCriterion | None
    changes: list[TextChange] = dc_field(default_factory=list)

    @property
    def reworded(self) -> bool:
        return any(change.reworded for change in self.changes)


@dataclass
class FieldGroup:
    """Everything the newest version offers about one field of the Kommune."""

    field: Field
    update: FieldUpdate | None = None
    criteria: list[CriterionUpdate] = dc_field(default_factory=list)
    new_criteria: list[CatalogueCriterion] = dc_field(default_factory=list)

    @property
    def pending(self) -> int:
        return (self.update is not None) + len(self.criteria) + len(self.new_criteria)


@dataclass
class NewField:
    source: CatalogueField
    criteria: list[CatalogueCriterion]
    dimension_name: str


@dataclass
class DimensionUpdate:
    kind: str  # "changed" or "new"
    source: CatalogueDimension
    dimension: Dimension | None
    changes: list[TextChange] = dc_field(default_factory=list)


@dataclass
class FrameworkUpdates:
    framework: Framework
    adopted: FrameworkCatalogue
    newest: FrameworkCatalogue
    groups: list[FieldGroup]
    new_fields: list[NewField]
    dimensions: list[DimensionUpdate]

    @property
    def pending(self) -> int:
        """How many offers wait for a decision (dimensions are taken with "Als aktuell markieren")."""
        return sum(group.pending for group in self.groups) + len(self.new_fields)

    def field_update(self, field_pk: int) -> FieldUpdate | None:
        return next((g.update for g in self.groups if g.field.pk == field_pk and g.update is not None), None)

    def criterion_update(self, criterion_pk: int) -> CriterionUpdate | None:
        updates = (u for g in self.groups for u in g.criteria if u.criterion.pk == criterion_pk)
        return next(updates, None)

    def new_field(self, catalogue_field_pk: int) -> NewField | None:
        return next((n for n in self.new_fields if n.source.pk == catalogue_field_pk), None)

    def new_criterion(self, catalogue_criterion_pk: int) -> tuple[Field, CatalogueCriterion] | None:
        found = ((g.field, c) for g in self.groups for c in g.new_criteria if c.pk == catalogue_criterion_pk)
        return next(found, None)


def newer_catalogue(framework: Framework | None) -> FrameworkCatalogue | None:
    """The newest loaded version when it is not the one the Kommune adopted (one query)."""
    if framework is None:
        return None
    newest = latest_catalogue(framework.catalogue.key)
    return newest if newest is not None and newest.pk != framework.catalogue_id else None


def _changes(
    model: type[Any], names: tuple[str, ...], current: Any, previous: Any | None, new: Any
) -> list[TextChange]:
    """The attributes the newest version changed (against the adopted one) that the Kommune has not taken."""
    changes = []
    for name in names:
        new_value = getattr(new, name)
        old_value = getattr(previous, name) if previous is not None else None
        own = getattr(current, name)
        if (previous is None or new_value != old_value) and own != new_value:
            changes.append(TextChange(name, _label(model, name), own, old_value, new_value))
    return changes


@dataclass
class _Catalogues:
    """The adopted and the newest version, read in three queries and keyed for matching."""

    dimensions: dict[int, dict[str, CatalogueDimension]]
    fields: dict[int, dict[str, CatalogueField]]
    criteria: dict[int, dict[tuple[str, str], CatalogueCriterion]]

    @classmethod
    def read(cls, *catalogues: FrameworkCatalogue) -> _Catalogues:
        ids = [c.pk for c in catalogues]
        dimensions: dict[int, dict[str, CatalogueDimension]] = {pk: {} for pk in ids}
        fields: dict[int, dict[str, CatalogueField]] = {pk: {} for pk in ids}
        criteria: dict[int, dict[tuple[str, str], CatalogueCriterion]] = {pk: {} for pk in ids}
        for d in CatalogueDimension.objects.filter(catalogue_id__in=ids):
            dimensions[d.catalogue_id][d.key] = d
        for f in CatalogueField.objects.filter(catalogue_id__in=ids):
            fields[f.catalogue_id][f.key] = f
        for c in CatalogueCriterion.objects.filter(catalogue_id__in=ids):
            criteria[c.catalogue_id][(c.field_key, c.key)] = c
        return cls(dimensions, fields, criteria)


def framework_updates(kommune: Kommune) -> FrameworkUpdates | None:
    """What the newest catalogue version offers the Kommune, or None (no framework, nothing newer)."""
    framework = framework_of(kommune)
    newest = newer_catalogue(framework)
    if framework is None or newest is None:
        return None
    adopted = framework.catalogue
    match = _Match(_Catalogues.read(adopted, newest), adopted, newest)
    dimensions = {d.key: d for d in Dimension.objects.for_kommune(kommune)}
    match.dimension_names = {key: d.name for key, d in dimensions.items()}
    match.dimension_names.update({key: d.name for key, d in match.cat.dimensions[newest.pk].items()})
    fields = list(Field.objects.for_kommune(kommune).select_related("dimension"))
    by_field: dict[int, list[Criterion]] = {f.pk: [] for f in fields}
    for criterion in Criterion.objects.for_kommune(kommune).filter(is_custom=False):
        by_field[criterion.field_id].append(criterion)
    groups = [group for own in fields if (group := match.field_group(own, by_field[own.pk])).pending]
    taken = {f.key for f in fields}
    added = [
        NewField(
            source,
            [c for (field_key, _key), c in match.new_criteria.items() if field_key == source.key],
            match.dimension_name(source.dimension_key),
        )
        for source in match.new_fields.values()
        if source.key not in taken
    ]
    return FrameworkUpdates(
        framework, adopted, newest, groups, added, _dimension_updates(dimensions, match.cat, adopted, newest)
    )


class _Match:
    """Matches the Kommune's rows with the adopted and the newest catalogue version by key."""

    def __init__(self, cat: _Catalogues, adopted: FrameworkCatalogue, newest: FrameworkCatalogue) -> None:
        self.cat = cat
        self.old_fields, self.new_fields = cat.fields[adopted.pk], cat.fields[newest.pk]
        self.old_criteria, self.new_criteria = cat.criteria[adopted.pk], cat.criteria[newest.pk]
        self.dimension_names: dict[str, str] = {}

    def dimension_name(self, key: str) -> str:
        return self.dimension_names.get(key, key)

    def field_group(self, own: Field, criteria: list[Criterion]) -> FieldGroup:
        group = FieldGroup(own)
        source, previous = self.new_fields.get(own.key), self.old_fields.get(own.key)
        if source is None:
            if own.is_active:
                group.update = FieldUpdate("dropped", own, None, previous)
            return group  # the criteria of a dropped field leave with it
        changes = _changes(Field, FIELD_COMPARED, own, previous, source)
        moved = source.dimension_key != own.dimension.key and (
            previous is None or previous.dimension_key != source.dimension_key
        )
        if changes or moved:
            group.update = FieldUpdate("changed", own, source, previous, changes)
            if moved:
                group.update.dimension_from = own.dimension.name
                group.update.dimension_to = self.dimension_name(source.dimension_key)
        have = {criterion.key for criterion in criteria}
        group.criteria = [u for criterion in criteria if (u := self.criterion_update(own, criterion)) is not None]
        group.new_criteria = [c for (fk, ck), c in self.new_criteria.items() if fk == own.key and ck not in have]
        return group

    def criterion_update(self, own: Field, criterion: Criterion) -> CriterionUpdate | None:
        key = (own.key, criterion.key)
        new, old = self.new_criteria.get(key), self.old_criteria.get(key)
        if new is None:
            return CriterionUpdate("dropped", criterion, None, old) if criterion.is_active else None
        changes = _changes(Criterion, CRITERION_COMPARED, criterion, old, new)
        return CriterionUpdate("changed", criterion, new, old, changes) if changes else None


def _dimension_updates(
    dimensions: dict[str, Dimension], cat: _Catalogues, adopted: FrameworkCatalogue, newest: FrameworkCatalogue
) -> list[DimensionUpdate]:
    updates = []
    old = cat.dimensions[adopted.pk]
    for key, source in cat.dimensions[newest.pk].items():
        own = dimensions.get(key)
        if own is None:
            updates.append(DimensionUpdate("new", source, None))
        elif changes := _changes(Dimension, DIMENSION_COMPARED, own, old.get(key), source):
            updates.append(DimensionUpdate("changed", source, own, changes))
    return updates


def catalogue_wording(
    framework: Framework | None, newest: FrameworkCatalogue | None
) -> dict[tuple[str, str], list[Any]]:
    """The catalogue wordings of each criterion in the adopted and the newest version, to tell which
    criteria the Kommune reworded: one query."""
    if framework is None:
        return {}
    ids = {framework.catalogue_id} | ({newest.pk} if newest is not None else set())
    wordings: dict[tuple[str, str], list[Any]] = {}
    for c in CatalogueCriterion.objects.filter(catalogue_id__in=ids).only("field_key", "key", *CRITERION_WORDING):
        wordings.setdefault((c.field_key, c.key), []).append(tuple(getattr(c, n) for n in CRITERION_WORDING))
    return wordings


def criterion_reworded(criterion: Criterion, field_key: str, wordings: dict[tuple[str, str], list[Any]]) -> bool:
    """A catalogue criterion whose name, question or levels match no catalogue version the Kommune knows."""
    if criterion.is_custom:
        return False
    known = wordings.get((field_key, criterion.key))
    return known is not None and tuple(getattr(criterion, n) for n in CRITERION_WORDING) not in known


KIND_LABELS = {"changed": _("Im Katalog geändert"), "dropped": _("Im Katalog entfallen"), "new": _("Neu im Katalog")}
