"""The list-page kit: filters, sorting and paging from the address; page or fragment from one URL."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from django import forms
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django.test import RequestFactory, override_settings
from django_htmx.middleware import HtmxDetails

from kompass.core.listing import ListPage, wants_fragment

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {
            "loaders": [
                (
                    "django.template.loaders.locmem.Loader",
                    {
                        "full.html": "FULL[{% include 'part.html' %}]{{ title }}",
                        "part.html": (
                            "sort={{ sort }};rows={% for n in page %}{{ n }},{% endfor %};"
                            "page={{ page.number }}/{{ page.paginator.num_pages }};qs={{ querystring }};"
                            "errors={{ form.errors.min.0 }}"
                        ),
                    },
                )
            ]
        },
    }
]
NUMBERS = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]


class NumberFilter(forms.Form):
    min = forms.IntegerField(required=False, min_value=0)
    sort = forms.CharField(required=False, widget=forms.HiddenInput)


def numbers(filters: Mapping[str, Any], sort: str) -> list[int]:
    rows = [n for n in NUMBERS if n >= (filters.get("min") or 0)]
    return sorted(rows, reverse=sort.startswith("-"))


PAGE = ListPage(
    template="full.html", partial="part.html", form=NumberFilter, sorts=("n", "-n"), default_sort="n", per_page=4
)


def get(params: dict[str, str] | None = None, htmx: dict[str, str] | None = None) -> HttpRequest:
    headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (htmx or {}).items()}
    request = RequestFactory().get("/liste/", params or {}, **headers)
    request.htmx = HtmxDetails(request)  # type: ignore[attr-defined]  # what HtmxMiddleware does
    return request


def body(request: HttpRequest, **kwargs: Any) -> str:
    with override_settings(TEMPLATES=TEMPLATES):
        return PAGE.render(request, numbers, **kwargs).content.decode()


def test_a_plain_request_gets_the_whole_page() -> None:
    assert body(get(), context={"title": "Zahlen"}).startswith("FULL[sort=n;rows=1,1,2,3,;")
    assert body(get(), context={"title": "Zahlen"}).endswith("]Zahlen")


def test_an_htmx_request_gets_only_the_fragment_from_the_same_url() -> None:
    assert body(get(htmx={"HX-Request": "true"})).startswith("sort=n;rows=1,1,2,3,;")


def test_an_htmx_history_restore_gets_the_whole_page() -> None:
    request = get(htmx={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert not wants_fragment(request)
    assert body(request).startswith("FULL[")


def test_a_request_without_the_htmx_middleware_gets_the_whole_page() -> None:
    assert not wants_fragment(RequestFactory().get("/liste/"))


def test_the_response_varies_on_the_htmx_header() -> None:
    with override_settings(TEMPLATES=TEMPLATES):
        response = PAGE.render(get(), numbers)
    assert "HX-Request" in response["Vary"]


def test_an_offered_sort_key_is_used() -> None:
    assert "sort=-n;rows=9,6,5,5,;" in body(get({"sort": "-n"}))


@pytest.mark.parametrize("sort", ["name", "-", "n; DROP TABLE", ""])
def test_an_unknown_sort_key_falls_back_to_the_default(sort: str) -> None:
    assert "sort=n;rows=1,1,2,3,;" in body(get({"sort": sort}))


def test_the_rows_are_filtered_with_the_cleaned_form_values() -> None:
    assert "rows=5,5,5,6,;" in body(get({"min": "5"}))


def test_an_invalid_filter_filters_nothing_and_shows_its_error() -> None:
    text = body(get({"min": "-3"}))
    assert "rows=1,1,2,3,;" in text and "page=1/3" in text
    assert "errors=]" not in text, "the form's error is shown"
    assert "errors=]" in body(get({"min": "3"}))


def test_the_page_size_and_the_page_come_from_the_declaration_and_the_address() -> None:
    assert "rows=5,6,9,;page=3/3" in body(get({"page": "3"}))
    assert "page=3/3" in body(get({"page": "99"}))


def test_the_querystring_for_the_page_links_leaves_out_the_page() -> None:
    assert "qs=min=1&amp;sort=-n;" in body(get({"min": "1", "sort": "-n", "page": "2"}))


def test_more_context_can_be_computed_from_the_page() -> None:
    text = body(get({"page": "2"}), context=lambda page: {"title": f"Seite {page.number}"})
    assert text.endswith("]Seite 2")


def test_the_form_gets_the_keyword_arguments_of_the_view() -> None:
    seen: dict[str, Any] = {}

    def form(data: Any, **kwargs: Any) -> forms.Form:
        seen.update(kwargs)
        return NumberFilter(data)

    page = ListPage(template="full.html", partial="part.html", form=form)
    with override_settings(TEMPLATES=TEMPLATES):
        page.render(get(), numbers, form_kwargs={"kommune": "teststadt"})
    assert seen == {"kommune": "teststadt"}


def test_without_sort_keys_the_sort_stays_empty() -> None:
    page = ListPage(template="full.html", partial="part.html", form=NumberFilter)
    assert page.sort_of(get({"sort": "n"})) == ""


def test_the_default_sort_must_be_one_of_the_offered_keys() -> None:
    with pytest.raises(ValueError, match="default sort"):
        ListPage(template="full.html", partial="part.html", form=NumberFilter, sorts=("n",), default_sort="name")


@pytest.mark.django_db
def test_with_load_only_the_rows_of_the_page_are_loaded() -> None:
    for name in "abcdefg":
        Group.objects.create(name=name)
    loaded: list[list[int]] = []

    def load(ids: list[int]) -> Any:
        loaded.append(ids)
        return Group.objects.filter(pk__in=ids)

    page = ListPage(template="full.html", partial="part.html", form=NumberFilter, sorts=("n", "-n"), default_sort="n")
    listing = ListPage(**{**page.__dict__, "per_page": 3})
    with override_settings(TEMPLATES=TEMPLATES):
        text = listing.render(
            get({"page": "2", "sort": "-n"}),
            lambda f, sort: Group.objects.order_by("-name" if sort == "-n" else "name"),
            load=load,
        ).content.decode()
    assert "rows=d,c,b,;page=2/3" in text
    assert len(loaded) == 1 and len(loaded[0]) == 3
