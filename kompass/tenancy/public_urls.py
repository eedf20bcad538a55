"""The URL namespace `public`: pages anonymous visitors may see, below `/p/<kommune_slug>/`.

Every route here is declared with `public_path` (the modules' own pages come through the
`public_pages` registry) and its view wrapped by `public_view`; the
isolation tests (`kompass/ui/tests/test_public_isolation.py`) walk this namespace.
"""

from __future__ import annotations

from kompass.tenancy import public_views
from kompass.tenancy.public import public_pages, public_path

app_name = "public"

urlpatterns = [
    public_path("", public_views.kommune, name="kommune"),
    # the pages of higher modules (the surveys …), registered in their AppConfig.ready
    *(pattern for pages in public_pages for pattern in pages.patterns()),
]
