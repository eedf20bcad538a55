"""The role network as a picture: the Kommune's roles and their typed relations, laid out by Graphviz.

A role that has current holders is drawn as a rounded box, an unfilled role of the administration
as a dashed octagon, a role the Kommune deliberately leaves unfilled as a dotted octagon, and
external roles and bodies (Bürger:innen, Rat) as ellipses. Each node label also says the state in
words, so the picture never relies on colour or shape alone. Relation types differ by line style,
arrow head and a text label on every edge. The page shows the same facts as a text list next to it.

This module only describes the picture (nodes, edges, styles, labels) as DOT source; running
Graphviz safely, cleaning its SVG for assistive technology and caching it is the shared
`kompass.reports.graphs`. Role names are the Kommune's own text and go through `dot_quote`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from textwrap import wrap

from django.utils.translation import gettext as _

from kompass.reports.graphs import dot_quote, render_dot
from kompass.roles import selectors
from kompass.roles.models import RelationType, Role, RoleKind, RoleRelation
from kompass.tenancy.models import Kommune

FONT = "DejaVu Sans"  # metrics font installed with fonts-dejavu-core; the page may show Fira Sans
INK = "#1b1b1b"

FILLED, UNFILLED, NOT_FILLED, EXTERNAL, BODY = "besetzt", "unbesetzt", "nicht_besetzt", "extern", "gremium"


@dataclass(frozen=True)
class NodeStyle:
    shape: str
    style: str
    fill: str
    description: str  # how the state looks, for the legend


@dataclass(frozen=True)
class EdgeStyle:
    style: str
    arrowhead: str
    penwidth: float
    description: str  # how the type looks, for the legend
    dasharray: str  # for the legend's small line sample (SVG stroke-dasharray)


def node_styles() -> dict[str, NodeStyle]:
    return {
        FILLED: NodeStyle("box", "rounded,filled", "#e6eef9", _("Rechteck mit runden Ecken, durchgezogener Rand")),
        UNFILLED: NodeStyle("octagon", "dashed,filled", "#ffffff", _("Achteck, gestrichelter Rand")),
        NOT_FILLED: NodeStyle("octagon", "dotted,filled", "#f2f2f2", _("Achteck, gepunkteter Rand")),
        EXTERNAL: NodeStyle("ellipse", "filled", "#ffffff", _("Ellipse")),
        BODY: NodeStyle("ellipse", "filled", "#ffffff", _("Ellipse")),
    }


def edge_styles() -> dict[str, EdgeStyle]:
    return {
        RelationType.BERICHTET_AN: EdgeStyle("solid", "normal", 1.2, _("durchgezogene Linie, Pfeilspitze"), ""),
        RelationType.KOORDINIERT: EdgeStyle("bold", "normal", 2.4, _("dicke Linie, Pfeilspitze"), ""),
        RelationType.BERAET: EdgeStyle("dashed", "onormal", 1.2, _("gestrichelte Linie, offene Pfeilspitze"), "6 4"),
        RelationType.BEAUFTRAGT: EdgeStyle("solid", "diamond", 1.2, _("durchgezogene Linie, Raute"), ""),
        RelationType.ARBEITET_ZU: EdgeStyle("dotted", "vee", 1.4, _("gepunktete Linie, Winkelspitze"), "2 3"),
        RelationType.KONTROLLIERT: EdgeStyle("dashed", "box", 2.4, _("dicke gestrichelte Linie, Quadrat"), "8 4"),
    }


def state_labels() -> dict[str, str]:
    return {
        FILLED: _("besetzt"),
        UNFILLED: _("unbesetzt"),
        NOT_FILLED: _("bewusst nicht besetzt"),
        EXTERNAL: _("extern"),
        BODY: _("Gremium"),
    }


# --- the network as data ---------------------------------------------------------------------


@dataclass
class RoleNode:
    role: Role
    state: str
    holder_count: int
    outgoing: list[RoleRelation] = field(default_factory=list)
    incoming: list[RoleRelation] = field(default_factory=list)

    @property
    def state_label(self) -> str:
        return state_labels()[self.state]

    @property
    def suffix(self) -> str:
        if self.state == FILLED:
            return _("(besetzt: %(n)d)") % {"n": self.holder_count}
        return f"({self.state_label})"


@dataclass
class Network:
    nodes: list[RoleNode]
    relations: list[RoleRelation]
    types: list[str]

    @property
    def unfilled_count(self) -> int:
        return sum(1 for n in self.nodes if n.state == UNFILLED)


def role_state(role: Role, holder_count: int) -> str:
    """Filled when someone holds the role today; external roles and bodies are not counted as gaps."""
    if role.kind == RoleKind.EXTERN:
        return EXTERNAL
    if role.kind == RoleKind.GREMIUM:
        return BODY
    if holder_count > 0:
        return FILLED
    return NOT_FILLED if role.not_filled else UNFILLED


def role_network(kommune: Kommune, types: list[str] | None = None) -> Network:
    """The Kommune's active roles with their relations of the chosen types (all types by default)."""
    chosen = [t for t in RelationType.values if types is None or t in types]
    roles = list(selectors.role_list(kommune).filter(is_active=True))
    counts = {r.pk: int(getattr(r, "holder_count", 0)) for r in roles}  # annotated by role_list
    nodes = {r.pk: RoleNode(r, role_state(r, counts[r.pk]), counts[r.pk]) for r in roles}
    relations = [
        rel
        for rel in selectors.relations(kommune).filter(relation_type__in=chosen).order_by("from_role__position", "id")
        if rel.from_role_id in nodes and rel.to_role_id in nodes
    ]
    for rel in relations:
        nodes[rel.from_role_id].outgoing.append(rel)
        nodes[rel.to_role_id].incoming.append(rel)
    return Network(list(nodes.values()), relations, chosen)


# --- DOT source ------------------------------------------------------------------------------


def _label_lines(text: str, width: int = 26) -> list[str]:
    # Long words stay whole ("Informationssicherheitsbeauftragte(r)"): a wider node reads better.
    return wrap(text, width=width, break_long_words=False) or [""]


def _multiline(lines: list[str]) -> str:
    # Each line is quoted on its own; Graphviz's own line break "\n" joins them.
    return "\\n".join(dot_quote(line)[1:-1] for line in lines)


def dot_source(network: Network) -> str:
    """The DOT description of the network: one node per role, one labelled edge per relation."""
    nstyles, estyles = node_styles(), edge_styles()
    lines = [
        "digraph rollennetz {",
        f'  graph [rankdir=TB, nodesep=0.25, ranksep=0.4, newrank=true, fontname="{FONT}", bgcolor="white", pad=0.2];',
        f'  node [fontname="{FONT}", fontsize=10, color="{INK}", fontcolor="{INK}", margin="0.12,0.06"];',
        f'  edge [fontname="{FONT}", fontsize=8.5, color="{INK}", fontcolor="{INK}", arrowsize=0.8];',
    ]
    for node in network.nodes:
        s = nstyles[node.state]
        label = _multiline([*_label_lines(node.role.name), node.suffix])
        lines.append(
            f'  r{node.role.pk} [label="{label}", shape={s.shape}, style="{s.style}", fillcolor="{s.fill}", '
            f"penwidth={1.6 if node.state == FILLED else 1.3}];"
        )
    for rel in network.relations:
        e = estyles[rel.relation_type]
        label = dot_quote(rel.get_relation_type_display())
        lines.append(
            f"  r{rel.from_role_id} -> r{rel.to_role_id} [label={label}, style={e.style}, "
            f"arrowhead={e.arrowhead}, penwidth={e.penwidth}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


# --- rendering -------------------------------------------------------------------------------


def render_svg(network: Network, *, title: str, desc: str) -> str:
    """The network as accessible SVG (Graphviz, cached by the hash of everything that goes into it)."""
    return render_dot(
        dot_source(network), title=title, desc=desc, id_prefix="rollennetz", cache_namespace="roles:graph"
    )


def describe(network: Network) -> str:
    """A one-paragraph text alternative of the picture (the full list follows on the page)."""
    counts: dict[str, int] = defaultdict(int)
    for node in network.nodes:
        counts[node.state] += 1
    labels = state_labels()
    parts = ", ".join(f"{counts[s]} {labels[s]}" for s in (FILLED, UNFILLED, NOT_FILLED, EXTERNAL, BODY) if counts[s])
    return _(
        "Netzwerk aus %(roles)d Rollen (%(parts)s) und %(relations)d Beziehungen. "
        "Alle Beziehungen stehen als Liste unter der Grafik."
    ) % {"roles": len(network.nodes), "parts": parts or "–", "relations": len(network.relations)}
