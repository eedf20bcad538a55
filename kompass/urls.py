from django.urls import include, path
from django.views.i18n import set_language

from kompass.api.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/sprache/", set_language, name="set_language"),
    path("", include("kompass.accounts.urls")),
    path("", include("kompass.org.urls")),
    path("", include("kompass.audit.urls")),
    path("", include("kompass.roles.urls")),
    path("", include("kompass.framework.urls")),
    path("", include("kompass.assessment.urls")),
    path("", include("kompass.agenda.urls")),
    path("", include("kompass.privacy.urls")),
    path("", include("kompass.ops.urls")),
    path("", include("kompass.sso.urls")),
    path("", include("kompass.trash.urls")),
    path("", include("kompass.ui.urls")),
    path("", include("kompass.tenancy.public_urls")),  # namespace "public": /p/<kommune_slug>/…, anonymous
]

handler400 = "kompass.ui.errors.bad_request"
handler403 = "kompass.ui.errors.permission_denied"
handler404 = "kompass.ui.errors.not_found"
handler500 = "kompass.ui.errors.server_error"
