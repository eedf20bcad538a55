"""The survey pages for respondents (no login), below `/p/<kommune_slug>/umfrage/`, in the URL
namespace `public` (registered through `tenancy.public.public_pages`).

The personal link is `umfrage/t/<token>/`; the open link `umfrage/offen/<open_token>/` leads to the
same token pages once the access code is given (`views_survey.survey_open`). The thank-you page
holds no token.
"""

from __future__ import annotations

from django.urls import URLPattern

from kompass.assessment import views_survey
from kompass.tenancy.public import public_path

BOTH = ("GET", "POST")

urlpatterns: list[URLPattern] = [
    public_path("umfrage/t/<str:token>/", views_survey.survey_start, name="survey_start"),
    public_path("umfrage/t/<str:token>/fragen/", views_survey.survey_questions, name="survey_questions", methods=BOTH),
    public_path("umfrage/t/<str:token>/absenden/", views_survey.survey_submit, name="survey_submit", methods=BOTH),
    public_path("umfrage/danke/", views_survey.survey_thanks, name="survey_thanks"),
    public_path("umfrage/offen/<str:open_token>/", views_survey.survey_open, name="survey_open", methods=BOTH),
]
