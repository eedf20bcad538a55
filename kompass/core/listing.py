"""List pages: filter form, sorting and paging from the address, one URL for the page and its fragment.

A list page declares once what it offers — its templates, its filter form, the sort keys it
accepts (and the default), its page size — as a `ListPage`. The view then only says how to fetch
the rows for the parsed filters and sort key (usually a selector) and what else the page shows:

    UNITS = ListPage(
        template="org/unit_list.html",
        partial="org/partials/unit_table.html",
        form=OrgUnitFilterForm,
        sorts=selectors.ORGUNIT_SORTS,
        default_sort="code",
    )

    def unit_list(request: TenantRequest) -> HttpResponse:
        kommune = request.tenant.kommune
        return UNITS.render(request, lambda f, sort: selectors.orgunit_list(kommune, query=f.get("q", ""), sort=sort))

`render` parses GET (an invalid filter form filters nothing; an unknown sort key falls back to
the default), pages the rows with `core.pagination`, and renders the full page or — for an htmx
request from the page's own filter form — the partial alone. Templates get `form`, `page`, `sort`
and `querystring` (the address without `page`, for the pagination links).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from kompass.core.pagination import PAGE_SIZE, paginate, paginate_by_ids, query_without_page

Rows = Callable[[Mapping[str, Any], str], Any]  # (cleaned filters, sort key) -> queryset
Extra = Mapping[str, Any] | Callable[[Any], Mapping[str, Any]]  # more context, or a function of the page


def wants_fragment(request: HttpRequest) -> bool:
    """Is this an htmx request that swaps in the fragment?

    A history-restore request (htmx found no snapshot after Back) needs the whole page.
    """
    htmx = getattr(request, "htmx", None)  # set by django_htmx's middleware
    return htmx is not None and bool(htmx) and not htmx.history_restore_request


@dataclass(frozen=True)
class ListPage:
    """A list page: where it renders, how it filters and sorts, how many rows a page shows."""

    template: str
    partial: str
    form: Callable[..., forms.Form]  # the filter form class (or a factory taking data and keyword arguments)
    sorts: Collection[str] = ()  # accepted values of `?sort=`, descending ones included ("-name")
    default_sort: str = ""
    per_page: int = PAGE_SIZE
    sort_param: str = "sort"

    def __post_init__(self) -> None:
        if self.sorts and self.default_sort not in self.sorts:
            raise ValueError(f"{self.template}: the default sort {self.default_sort!r} is not among {self.sorts!r}")

    def sort_of(self, request: HttpRequest) -> str:
        """The requested sort key if the page offers it, else the default."""
        requested = request.GET.get(self.sort_param, "")
        return requested if requested in self.sorts else self.default_sort

    def filters(self, request: HttpRequest, **form_kwargs: Any) -> tuple[forms.Form, Mapping[str, Any]]:
        """The bound filter form and its cleaned values ({} while the form is invalid or empty)."""
        form = self.form(request.GET or None, **form_kwargs)
        return form, (form.cleaned_data if form.is_valid() else {})

    def render(
        self,
        request: HttpRequest,
        rows: Rows,
        *,
        form_kwargs: Mapping[str, Any] | None = None,
        context: Extra | None = None,
        load: Callable[[list[Any]], Iterable[Any]] | None = None,
    ) -> HttpResponse:
        """The page (or its fragment) with the rows of `rows(filters, sort)`, paged.

        With `load`, the rows are sorted and counted on their ids and only the page's rows are
        loaded (`pagination.paginate_by_ids`), for long lists of wide joined rows.
        """
        form, cleaned = self.filters(request, **(form_kwargs or {}))
        sort = self.sort_of(request)
        queryset = rows(cleaned, sort)
        if load is None:
            page = paginate(request, queryset, self.per_page)
        else:
            page = paginate_by_ids(request, queryset, load, self.per_page)
        extra = context(page) if callable(context) else (context or {})
        data = {"form": form, "page": page, "sort": sort, "querystring": query_without_page(request), **extra}
        response = render(request, self.partial if wants_fragment(request) else self.template, data)
        # One URL, two representations: caches (and the browser's Back) must not swap them.
        patch_vary_headers(response, ("HX-Request",))
        return response
