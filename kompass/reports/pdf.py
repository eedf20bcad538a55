"""PDF documents rendered by WeasyPrint: tagged, in German, titled, reading only local static files.

Every module builds its own context and templates (which extend `reports/pdf/base.html`) and calls
`render_pdf`. The generic print stylesheet `reports/print.css` always applies; a module adds its own
rules by naming further static stylesheets. The PDF is tagged (structure for screen readers), in
German and takes the template's `<title>` as its document title. WeasyPrint reads only local
static files: every other URL is refused, so a text in the Kommune's data can never make the
server fetch something from the network.

KERN ships Fira Sans as WOFF2, which takes WeasyPrint about a second per face to unpack on every
rendering. The faces are therefore unpacked once into TrueType files in a private cache folder;
when that is not possible the PDFs use DejaVu Sans.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)
# WeasyPrint is imported on first use (it is heavy) and reports every rendering step at INFO.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
logging.getLogger("fontTools").setLevel(logging.WARNING)

PRINT_CSS = "reports/print.css"
FONT_DIR = "vendor/kern/fonts/fira-sans"
FONT_FACES = (
    ("FiraSans-Regular.woff2", 400, "normal"),
    ("FiraSans-SemiBold.woff2", 600, "normal"),
    ("FiraSans-Bold.woff2", 700, "normal"),
)
CONTENT_TYPE = "application/pdf"


@functools.cache
def _static_path(name: str) -> Path:
    found = finders.find(name)
    if not found:
        raise FileNotFoundError(f"static file {name} not found")
    return Path(found if isinstance(found, str) else found[0]).resolve()


def _font_cache() -> Path | None:
    """A folder only this server user can write to, for the unpacked fonts.

    SECURITY: the folder lives in the shared temp directory; a folder someone else created (or
    one others may write to) is not used, so nobody can slip a crafted font into the PDFs."""
    folder = Path(tempfile.gettempdir()) / f"kommunalkompass-fonts-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        info = folder.stat()
    except OSError:
        return None
    if info.st_uid != os.getuid() or info.st_mode & 0o077:
        return None
    return folder


def _truetype(woff2: Path, cache: Path) -> Path | None:
    """The face as TrueType in `cache`, unpacked once (named after a hash of the source)."""
    digest = hashlib.sha256(woff2.read_bytes()).hexdigest()[:16]
    target = cache / f"{woff2.stem}-{digest}.ttf"
    if target.exists():
        return target
    try:
        from fontTools.ttLib import TTFont

        font = TTFont(str(woff2))
        font.flavor = None
        with tempfile.NamedTemporaryFile(dir=cache, suffix=".part", delete=False) as part:
            font.save(part)
        os.replace(part.name, target)  # atomic: parallel workers never see half a file
    except Exception:  # a broken or missing font must not break the PDF: DejaVu Sans takes over
        logger.warning("could not unpack %s for the PDFs", woff2.name, exc_info=True)
        return None
    return target


@functools.cache
def _assets() -> tuple[str, Path, tuple[Path, ...]]:
    """The @font-face rules, the print stylesheet's path, and the folders WeasyPrint may read."""
    print_css = _static_path(PRINT_CSS)
    cache = _font_cache()
    if cache is None:
        return "", print_css, (print_css.parent,)
    font_dir = _static_path(f"{FONT_DIR}/{FONT_FACES[0][0]}").parent
    rules = []
    for file, weight, style in FONT_FACES:
        ttf = _truetype(font_dir / file, cache) if (font_dir / file).exists() else None
        if ttf is not None:
            rules.append(
                f'@font-face {{ font-family: "Fira Sans"; src: url("{ttf.as_uri()}") format("truetype"); '
                f"font-weight: {weight}; font-style: {style}; }}"
            )
    return "\n".join(rules), print_css, (cache.resolve(), print_css.parent)


def allowed_file(url: str, roots: tuple[Path, ...]) -> bool:
    """SECURITY: only `data:` URLs and local files inside `roots` may be read (no http, no other file)."""
    if url.startswith("data:"):
        return True
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return False
    path = Path(url2pathname(parts.path)).resolve()
    return any(path.is_relative_to(root) for root in roots)


def local_fetcher(roots: tuple[Path, ...]) -> Any:
    """A WeasyPrint URL fetcher that refuses everything `allowed_file` does not allow."""
    from weasyprint.urls import URLFetcher

    class LocalFilesOnly(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if not allowed_file(url, roots):
                raise ValueError(f"refused URL: {url[:80]}")
            return super().fetch(url, headers)

    return LocalFilesOnly(allowed_protocols={"file", "data"}, allow_redirects=False)


def render_pdf(template_name: str, context: dict[str, Any], *, stylesheets: Sequence[str] = ()) -> bytes:
    """Render `template_name` to a tagged PDF (German, the template's `<title>` as document title).

    `stylesheets` are further static files (e.g. "roles/print.css") applied after the generic
    print stylesheet; WeasyPrint may read the folders they lie in, nothing else."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    faces, print_css, roots = _assets()
    extra = [_static_path(name) for name in stylesheets]
    fetcher = local_fetcher((*roots, *(path.parent for path in extra)))
    with translation.override("de"):
        html = render_to_string(template_name, context)
    fonts = FontConfiguration()
    sheets = [CSS(string=faces, font_config=fonts, url_fetcher=fetcher)]
    sheets += [CSS(filename=str(path), font_config=fonts, url_fetcher=fetcher) for path in (print_css, *extra)]
    document = HTML(string=html, base_url=print_css.parent.as_uri() + "/", url_fetcher=fetcher)
    return document.write_pdf(stylesheets=sheets, font_config=fonts, pdf_tags=True)
