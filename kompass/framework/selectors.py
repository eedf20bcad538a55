"""Reads of a Kommune's framework, always scoped to the Kommune (a fixed number of queries)."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field

from django.db.models import Count

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
    MeasureTemplate,
)
from kompass.tenancy.models import Kommune


def framework(kommune: Kommune) -> Framework | None:
    return Framework.objects.for_kommune(kommune).select_related("catalogue").first()


@dataclass
class FieldNode:
    field: Field
    criteria: list[Criterion] = dc_field(default_factory=list)

    @property
    def active_criteria(self) -> list[Criterion]:
        return [c for c in self.criteria if c.is_active]


@dataclass
class DimensionNode:
    dimension: Dimension
    fields: list[FieldNode] = dc_field(default_factory=list)


def tree(kommune: Kommune, *, active_only: bool = False) -> list[DimensionNode]:
    """Dimensions → fields → criteria of the Kommune's framework, in three queries."""
    dimensions = {d.pk: DimensionNode(d) for d in Dimension.objects.for_kommune(kommune)}
    fields_qs = Field.objects.for_kommune(kommune)
    criteria_qs = Criterion.objects.for_kommune(kommune)
    if active_only:
        fields_qs = fields_qs.filter(is_active=True)
        criteria_qs = criteria_qs.filter(is_active=True, field__is_active=True)
    nodes: dict[int, FieldNode] = {}
    for f in fields_qs:
        node = FieldNode(f)
        nodes[f.pk] = node
        if f.dimension_id in dimensions:
            dimensions[f.dimension_id].fields.append(node)
    for c in criteria_qs:
        if c.field_id in nodes:
            nodes[c.field_id].criteria.append(c)
    return [d for d in dimensions.values() if d.fields or not active_only]


def fields_by_key(kommune: Kommune) -> dict[str, Field]:
    return {f.key: f for f in Field.objects.for_kommune(kommune).select_related("dimension")}


def level_names(catalogue: FrameworkCatalogue | None) -> list[str]:
    names = list(catalogue.level_names) if catalogue is not None else []
    return names if len(names) == 5 else ["Einstieg", "Aufbau", "Etabliert", "Fortgeschritten", "Vorreiter"]


# --- catalogue preview, measure templates ---------------------------------------------------------


@dataclass
class PreviewField:
    field: CatalogueField
    criteria: int


@dataclass
class PreviewDimension:
    dimension: CatalogueDimension
    fields: list[PreviewField] = dc_field(default_factory=list)


def catalogue_preview(catalogue: FrameworkCatalogue) -> list[PreviewDimension]:
    """Dimensions and fields of a catalogue version with the number of criteria per field (three queries)."""
    dimensions = {d.key: PreviewDimension(d) for d in CatalogueDimension.objects.filter(catalogue=catalogue)}
    counts = dict(
        CatalogueCriterion.objects.filter(catalogue=catalogue)
        .order_by()
        .values("field_key")
        .annotate(n=Count("id"))
        .values_list("field_key", "n")
    )
    for f in CatalogueField.objects.filter(catalogue=catalogue):
        if f.dimension_key in dimensions:
            dimensions[f.dimension_key].fields.append(PreviewField(f, counts.get(f.key, 0)))
    return list(dimensions.values())


@dataclass
class FieldRef:
    """A field a measure template names: the Kommune's name for it (or the catalogue's before adoption)."""

    key: str
    name: str
    dimension: str
    is_active: bool = True


@dataclass
class MeasureGroup:
    """The templates of one field: described here (`measures`, with the other fields they fit) or
    described at their first field (`also`, with that field)."""

    field: FieldRef | None  # None: templates for fields the framework does not have
    measures: list[tuple[MeasureTemplate, list[FieldRef]]] = dc_field(default_factory=list)
    also: list[tuple[MeasureTemplate, FieldRef]] = dc_field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.measures) + len(self.also)


def _field_refs(kommune: Kommune) -> list[FieldRef]:
    if Framework.objects.for_kommune(kommune).exists():
        return [
            FieldRef(f.key, f.name, f.dimension.name, f.is_active)
            for f in Field.objects.for_kommune(kommune)
            .select_related("dimension")
            .order_by("dimension__position", "position", "id")
        ]
    catalogue = latest_catalogue()
    if catalogue is None:
        return []
    names = dict(CatalogueDimension.objects.filter(catalogue=catalogue).values_list("key", "name"))
    return [
        FieldRef(f.key, f.name, names.get(f.dimension_key, ""), not f.optional)
        for f in CatalogueField.objects.filter(catalogue=catalogue)
    ]


def measure_groups(kommune: Kommune) -> list[MeasureGroup]:
    """The measure templates by field, in the order of the framework: each is described at the first
    of its fields the framework knows and named at the others (three or four queries)."""
    refs = _field_refs(kommune)
    by_key = {ref.key: ref for ref in refs}
    groups = {ref.key: MeasureGroup(ref) for ref in refs}
    rest = MeasureGroup(None)
    for measure in MeasureTemplate.objects.all():
        known = [by_key[key] for key in measure.field_keys if key in by_key]
        if not known:
            rest.measures.append((measure, []))
            continue
        groups[known[0].key].measures.append((measure, known[1:]))
        for other in known[1:]:
            groups[other.key].also.append((measure, known[0]))
    shown = [g for g in groups.values() if g.measures or g.also]
    return shown + ([rest] if rest.measures else [])
