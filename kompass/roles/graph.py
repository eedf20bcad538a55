"""The role network as a picture: the Kommune's roles and their typed relations, laid out by Graphviz.

A role that has current holders is drawn as a rounded box, an unfilled role of the administration
as a dashed octagon, a role the Kommune deliberately leaves unfilled as a dotted octagon, and
external roles and bodies (Bürger:innen, Rat) as ellipses. Each node label also says the state in
words, so the picture never relies on colour or shape alone. Relation types differ by line style,
arrow head and a text label on every edge. The page shows the same facts as a text list next to it.

Graphviz (`dot`) runs as a subprocess without a shell and with a timeout. Its SVG is cleaned
(no comments, no Graphviz titles or ids) and given a `<title>` and `<desc>` for assistive
technology. Rendered SVGs are cached by the hash of the DOT source: the same input always gives the
same picture, so the cache needs no invalidation and cannot mix up Kommunen (their names are part
of the input).
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field
from textwrap import wrap

from django.core.cache import cache
from django.utils.translation import gettext as _

from kompass.roles import selectors
from kompass.roles.models import RelationType, Role, RoleKind, RoleRelation
from kompass.tenancy.models import Kommune

SVG_NS = "http://www.w3.org/2000/svg"
DOT_TIMEOUT_SECONDS = 10
CACHE_SECONDS = 24 * 3600
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


class GraphError(RuntimeError):
    """Graphviz is missing, failed or took too long; the page falls back to the text list."""


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

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def dot_quote(text: str) -> str:
    """SECURITY: a DOT string literal for any user text. Backslashes are doubled so Graphviz's
    escape sequences (\\N, \\G, \\l …) cannot be smuggled in; quotes are escaped; control
    characters (newlines) become spaces."""
    clean = _CONTROL.sub(" ", text).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{clean}"'


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


def run_dot(source: str) -> str:
    """Graphviz's SVG for `source` (no shell, 10 s timeout)."""
    dot = shutil.which("dot")
    if dot is None:
        raise GraphError("Graphviz (dot) ist nicht installiert.")
    try:
        result = subprocess.run(  # noqa: S603 - fixed argument list, user text only on stdin, no shell
            [dot, "-Tsvg"],
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=DOT_TIMEOUT_SECONDS,
            check=True,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise GraphError(str(exc)) from exc
    return result.stdout.decode("utf-8")


def clean_svg(raw: str, *, title: str, desc: str, id_prefix: str = "rollennetz") -> str:
    """Graphviz SVG without prolog, comments, titles and ids; with our own accessible name.

    The picture is one image (`role="img"`) named by its `<title>` and described by `<desc>`.
    """
    start = raw.find("<svg")
    if start < 0:
        raise GraphError("Graphviz lieferte kein SVG.")
    root = ET.fromstring(raw[start:])  # noqa: S314 - our own Graphviz output, no DTD left
    _strip(root)
    for attr in ("width", "height"):
        value = root.get(attr, "")
        if value.endswith("pt"):
            # Keep the natural size in CSS pixels (1pt = 4/3 px) so text keeps its size.
            root.set(attr, f"{float(value[:-2]) * 4 / 3:.0f}")
    root.set("role", "img")
    root.set("aria-labelledby", f"{id_prefix}-titel {id_prefix}-beschreibung")
    root.set("focusable", "false")
    root.set("class", "kk-graph__svg")
    title_el = ET.Element("title", {"id": f"{id_prefix}-titel"})
    title_el.text = title
    desc_el = ET.Element("desc", {"id": f"{id_prefix}-beschreibung"})
    desc_el.text = desc
    root.insert(0, desc_el)
    root.insert(0, title_el)
    root.set("xmlns", SVG_NS)
    return ET.tostring(root, encoding="unicode")


def _strip(element: ET.Element) -> None:
    """Remove Graphviz's titles and ids and the namespace prefixes (inline SVG in HTML needs none)."""
    for child in list(element):
        if child.tag == f"{{{SVG_NS}}}title":
            element.remove(child)
        else:
            _strip(child)
    element.attrib.pop("id", None)
    element.tag = element.tag.removeprefix(f"{{{SVG_NS}}}")


def render_svg(network: Network, *, title: str, desc: str) -> str:
    """The cleaned SVG of the network, cached by the hash of everything that goes into it."""
    source = dot_source(network)
    key = "roles:graph:" + hashlib.sha256("\x00".join((source, title, desc)).encode("utf-8")).hexdigest()
    svg = cache.get(key)
    if svg is None:
        svg = clean_svg(run_dot(source), title=title, desc=desc)
        cache.set(key, svg, CACHE_SECONDS)
    return svg


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
