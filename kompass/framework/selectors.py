"""Reads of a Kommune's framework, always scoped to the Kommune (a fixed number of queries)."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field

from kompass.framework.models import Criterion, Dimension, Field, Framework, FrameworkCatalogue
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
