"""Graph drawing with Graphviz: run `dot` safely, clean its SVG for the page, cache the result.

A module describes its picture as DOT source (quoting every user text with `dot_quote`) and calls
`render_dot`. Graphviz (`dot`) runs as a subprocess without a shell, with user text only on stdin,
and with a timeout. Its SVG is cleaned (no prolog, comments, Graphviz titles or ids) and given a
`<title>` and `<desc>` for assistive technology (`role="img"`). The result is cached by the hash
of everything that goes into it: the same input always gives the same picture, so the cache
needs no invalidation and cannot mix up Kommunen (their data are part of the input).
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

from django.core.cache import cache

SVG_NS = "http://www.w3.org/2000/svg"
DOT_TIMEOUT_SECONDS = 10
CACHE_SECONDS = 24 * 3600


class GraphError(RuntimeError):
    """Graphviz is missing, failed or took too long; the page falls back to a text alternative."""


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def dot_quote(text: str) -> str:
    """SECURITY: a DOT string literal for any user text. Backslashes are doubled so Graphviz's
    escape sequences (\\N, \\G, \\l …) cannot be smuggled in; quotes are escaped; control
    characters (newlines) become spaces."""
    clean = _CONTROL.sub(" ", text).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{clean}"'


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


def clean_svg(raw: str, *, title: str, desc: str, id_prefix: str, css_class: str = "kk-graph__svg") -> str:
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
    root.set("class", css_class)
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


def render_dot(source: str, *, title: str, desc: str, id_prefix: str, cache_namespace: str) -> str:
    """The cleaned SVG of `source`, cached under `cache_namespace` by the hash of all its input."""
    digest = hashlib.sha256("\x00".join((source, title, desc, id_prefix)).encode("utf-8")).hexdigest()
    key = f"{cache_namespace}:{digest}"
    svg = cache.get(key)
    if svg is None:
        svg = clean_svg(run_dot(source), title=title, desc=desc, id_prefix=id_prefix)
        cache.set(key, svg, CACHE_SECONDS)
    return svg
