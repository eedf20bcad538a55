from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import HttpRequest

PAGE_SIZE = 50


def paginate(request: HttpRequest, queryset: Any, per_page: int = PAGE_SIZE) -> Any:
    """A page of `queryset`; out-of-range or malformed page numbers fall back gracefully."""
    paginator = Paginator(queryset, per_page)
    try:
        return paginator.page(request.GET.get("page") or 1)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)


def paginate_by_ids(
    request: HttpRequest, queryset: Any, load: Callable[[list[Any]], Iterable[Any]], per_page: int = PAGE_SIZE
) -> Any:
    """Like `paginate`, but sorts and counts on the primary keys alone and loads the full rows
    (with their joins) only for the page shown: on tens of thousands of wide joined rows the sort
    cost most of the request. `load(ids)` returns the objects of those ids in any order."""
    page = paginate(request, queryset.values_list("pk", flat=True), per_page)
    ids = list(page.object_list)
    rows = {obj.pk: obj for obj in load(ids)}
    page.object_list = [rows[pk] for pk in ids if pk in rows]
    return page


def query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
