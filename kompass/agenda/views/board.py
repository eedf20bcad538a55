"""The board (Tafel): the measures in one column per status. A card moves by posting its new status
to `agenda:measure_status` — a select and a button on every card, so it works by keyboard and without
script; with htmx the board is swapped in place after the move. With script a card can also be dragged
into another column (`agenda/board.js`), which sends the same form. A note to the move is written on the
measure's page (each card links to its status form), so a card stays small.

A Großstadt has hundreds of measures: each column shows its most important cards first and at most
`BOARD_CARDS` of them, with a link that shows the whole column (`?alle=<status>`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kompass.agenda import access
from kompass.agenda import selectors_measures as selectors
from kompass.agenda.models import MeasureStatus
from kompass.agenda.ownership import MEHRDEUTIG, NIEMAND
from kompass.agenda.views.measures import common, crumbs, filter_form, portfolio_crumb, views_nav
from kompass.tenancy.decorators import TenantRequest, tenant_view

FULL_COLUMN = "alle"  # the query parameter that shows one column in full
_PK = 2_147_483_647  # a stand-in id: every card's address is built from one reverse()


def _address(name: str, slug: str) -> Callable[[int], str]:
    """The address of `name` for any measure id, reversed once (hundreds of cards, one reverse each)."""
    head, tail = reverse(name, args=[slug, _PK]).split(str(_PK), 1)
    return lambda pk: f"{head}{pk}{tail}"


def _options() -> dict[str, SafeString]:
    """The status select's options with each status selected once, rendered once for all cards."""
    return {
        current: format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((code, " selected" if code == current else "", label) for code, label in MeasureStatus.choices),
        )
        for current in MeasureStatus.values
    }


# One card, rendered in Python: a Großstadt's board has up to 175 cards, and a card in the template
# language costs ten times as much. Every value goes through format_html's escaping.
CARD = (
    '<li class="kk-card" id="karte-{pk}"{movable}>'
    '<h3 class="kk-card__title"><a class="kern-link" href="{url}">{title}</a></h3>'
    '<p class="kern-body kern-body--small kk-card__meta">{owner}<br>{priority} {score}{end}</p>{move}</li>'
)
MOVE = (
    '<form method="post" class="kk-card__move" action="{action}" hx-post="{action}">{csrf}'
    '<input type="hidden" name="version" value="{version}"><input type="hidden" name="back" value="{back}">'
    '<label class="kern-label kern-body--small" for="status-{pk}">{change}<span class="kern-sr-only">: {title}</span>'
    '</label><div class="kk-card__controls"><div class="kern-form-input__select-wrapper">'
    '<select class="kern-form-input__select" name="status" id="status-{pk}">{options}</select></div>'
    '<button type="submit" class="kern-btn kern-btn--secondary"><span class="kern-label">{move}'
    '<span class="kern-sr-only">: {title}</span></span></button></div>'
    '<a class="kern-link kern-body--small" href="{url}#status">{with_note}'
    '<span class="kern-sr-only">: {title}</span></a></form>'
)

# A card the member may move: `agenda/board.js` lets it be dragged into another column, which fills in
# and sends the card's own form (the same request as the button).
MOVABLE = mark_safe(" data-kk-card")  # a constant without any input in it


@dataclass(frozen=True)
class Words:
    """The card's fixed words, translated once per page."""

    change: str
    move: str
    with_note: str
    priority: str
    end: str
    nobody: str
    several: str
    no_role: str
    no_accountable: str

    @classmethod
    def now(cls) -> Words:
        return cls(
            _("Status ändern"), _("Verschieben"), _("mit Anmerkung"), _("Priorität"), _("Ende"), _("niemand"),
            _("mehrere"), _("keine Rolle"), _("keine verantwortliche Rolle"),
        )  # fmt: skip


def _owner(row: selectors.Row, words: Words) -> SafeString:
    m = row.measure
    if not m.accountable_role:
        return format_html('<span class="kk-warn">{}</span>', words.no_accountable)
    if row.owner.person:
        who = format_html("{}", row.owner.person.full_name)
    elif row.owner.state == NIEMAND:
        who = format_html('<span class="kk-warn">{}</span>', words.nobody)
    elif row.owner.state == MEHRDEUTIG:
        who = format_html('<span class="kk-warn">{}</span>', words.several)
    else:
        who = format_html('<span class="kk-muted">{}</span>', words.no_role)
    return format_html("{}: {}", m.accountable_role.name, who)


def card_html(
    row: selectors.Row, url: str, move_url: str | None, options: SafeString, back: str, csrf: str, words: Words
) -> SafeString:
    """A card: title, role and owner, priority and end; the move form when the member may change it."""
    m = row.measure
    move = ""
    if move_url:
        move = format_html(
            MOVE, action=move_url, csrf=csrf, version=m.version, back=back, pk=m.pk, title=m.title, options=options,
            url=url, change=words.change, move=words.move, with_note=words.with_note,
        )  # fmt: skip
    end = format_html(" · {} {}", words.end, m.ends_on.strftime("%d.%m.%Y")) if m.ends_on else ""
    return format_html(
        CARD, pk=m.pk, url=url, title=m.title, owner=_owner(row, words), priority=words.priority,
        score=row.score_text, end=end, move=move, movable=MOVABLE if move_url else "",
    )  # fmt: skip


@dataclass(frozen=True)
class BoardColumn:
    status: str
    label: str
    cards: list[SafeString]
    total: int
    all_url: str | None  # the whole column, when it is cut


def _column_url(request: HttpRequest, status: str) -> str:
    query = request.GET.copy()
    query[FULL_COLUMN] = status
    return f"?{query.urlencode()}#spalte-{status}"


@require_safe
@tenant_view
def board(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    slug = ctx.kommune.slug
    form, filters = filter_form(request, ctx, with_status=False)
    full = request.GET.get(FULL_COLUMN, "")
    columns = selectors.board(ctx.kommune, filters, full=full if full in MeasureStatus.values else "")
    detail_url = _address("agenda:measure_detail", slug)
    move_url = _address("agenda:measure_status", slug)
    options = _options()
    back = request.get_full_path()
    csrf = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request))
    words = Words.now()
    board_columns = []
    for column in columns:
        cards = [
            card_html(
                row,
                detail_url(row.measure.pk),
                move_url(row.measure.pk) if access.can_edit_measure(ctx, row.measure) else None,
                options[row.measure.status],
                back,
                csrf,
                words,
            )
            for row in column.rows
        ]
        board_columns.append(
            BoardColumn(
                column.status,
                column.label,
                cards,
                column.total,
                _column_url(request, column.status) if column.cut else None,
            )
        )
    return render(
        request,
        "agenda/measures/board.html",
        {
            **common(ctx),
            "form": form,
            "columns": board_columns,
            "limit": selectors.BOARD_CARDS,
            "views": views_nav(ctx, "board", request),
            "breadcrumbs": crumbs(ctx, portfolio_crumb(ctx), (_("Tafel nach Status"), None)),
        },
    )
