"""Picking one object of a Kommune (a person, a unit) by typing: the combobox field and its sources.

A `PickSource` says how one kind of object is found, fetched and named inside a Kommune; the app
that owns the objects defines it and registers it in `PICK_SOURCES` (org: people and units), so a
lower app (accounts' member scope) can use it by key without importing the app above it.

`PickField` renders as `core.widgets.Combobox`. What the user sent decides the object:

1. a candidate chosen from the radio buttons the server offered → that object;
2. an id the script put in the hidden field, while the text still is that object's label → that object;
3. otherwise the typed text: exactly one match (e-mail, Kennung, full name, else a part of it) → that
   object; several → a field error and the candidates as radio buttons; none → a field error.

Ids and texts are always looked up inside the form's Kommune, so another Kommune's id is invalid
and another Kommune's people are never offered.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.functional import Promise

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
else:
    StrOrPromise = str | Promise

from kompass.core.listing import wants_fragment
from kompass.core.registry import Registry
from kompass.core.widgets import Candidate, Combobox, PickValue

CANDIDATE_LIMIT = 10  # more ambiguous matches than this: ask for a longer text instead of a list
SEARCH_LIMIT = 20  # options the combobox shows at most


@dataclass(frozen=True)
class PickSource:
    """One kind of object of a Kommune that can be picked by typing.

    `find(kommune, text, limit)` returns the objects the text names, best first: only the exact
    matches if there are any (e-mail, Kennung, full name), else those containing every word.
    `get(kommune, pk)` returns the object of that Kommune or None. `label(obj)` names an object so
    that namesakes are told apart. `url_name` is the search endpoint behind the combobox (it takes
    the Kommune's slug, then `url_args`: a source of the choices of one object names that object).
    `messages` are the field errors: "required", "none" (with %(text)s), "several" (with %(text)s),
    "too_many" (with %(text)s and %(limit)s), "invalid".
    """

    key: str
    url_name: str
    find: Callable[[Any, str, int], Sequence[Any]]
    get: Callable[[Any, int], Any]
    label: Callable[[Any], str]
    messages: dict[str, StrOrPromise]
    hint: StrOrPromise = ""
    min_chars: int = 2
    url_args: tuple[Any, ...] = ()


def _validate(source: PickSource) -> None:
    missing = {"required", "none", "several", "too_many", "invalid"} - set(source.messages)
    if missing:
        raise ImproperlyConfigured(f"{source.key}: messages missing: {sorted(missing)}")


PICK_SOURCES: Registry[PickSource] = Registry("core.pickers.PICK_SOURCES", validate=_validate)


class PickField(forms.Field):
    """One object of the form's Kommune, picked with the combobox or typed (see the module doc).

    The form sets the Kommune after building its fields: `bind_pick_fields(form, kommune)`.
    """

    widget = Combobox

    def __init__(self, source: PickSource | str, **kwargs: Any) -> None:
        self._source = source
        super().__init__(**kwargs)
        self.kommune: Any = None

    @property
    def source(self) -> PickSource:
        if isinstance(self._source, str):  # a source of a higher app, registered by key
            found = PICK_SOURCES.get(self._source)
            if found is None:
                raise ImproperlyConfigured(f"No pick source {self._source!r} is registered")
            self._source = found
        return self._source

    def bind(self, kommune: Any) -> None:
        """Search and resolve inside `kommune`; the widget gets the search address and labels."""
        source = self.source
        self.kommune = kommune
        self.error_messages = {**self.error_messages, **source.messages}
        if not self.help_text and source.hint:
            self.help_text = source.hint
        widget = self.widget
        assert isinstance(widget, Combobox)
        widget.search_url = reverse(source.url_name, args=[kommune.slug, *source.url_args])
        widget.min_chars = source.min_chars
        widget.lookup = self._candidate

    def _candidate(self, pk: Any) -> Candidate | None:
        obj = self._get(pk)
        return Candidate(obj.pk, self.source.label(obj)) if obj is not None else None

    def _get(self, pk: Any) -> Any:
        if not str(pk).isdigit():
            return None
        assert self.kommune is not None, "PickField needs the Kommune: call bind_pick_fields(form, kommune)"
        return self.source.get(self.kommune, int(pk))

    def to_python(self, value: Any) -> Any:
        if not isinstance(value, PickValue):  # an object or id given as initial value
            value = PickValue(pk=str(getattr(value, "pk", value) or ""))
        if value.choice:
            return self._by_id(value.choice)
        if value.pk:
            obj = self._get(value.pk)
            # A script picked it; if the text was changed since, the text decides.
            if obj is not None and (not value.text or value.text == self.source.label(obj)):
                return obj
            if obj is None and not value.text:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if value.text:
            return self._by_text(value.text)
        return None

    def _by_id(self, pk: str) -> Any:
        obj = self._get(pk)
        if obj is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return obj

    def _by_text(self, text: str) -> Any:
        assert self.kommune is not None, "PickField needs the Kommune: call bind_pick_fields(form, kommune)"
        found = list(self.source.find(self.kommune, text, CANDIDATE_LIMIT + 1))
        if len(found) == 1:
            return found[0]
        params = {"text": text, "limit": CANDIDATE_LIMIT}
        if not found:
            raise forms.ValidationError(self.error_messages["none"], code="none", params=params)
        if len(found) > CANDIDATE_LIMIT:
            raise forms.ValidationError(self.error_messages["too_many"], code="too_many", params=params)
        widget = self.widget
        assert isinstance(widget, Combobox)
        widget.candidates = [Candidate(obj.pk, self.source.label(obj)) for obj in found]
        raise forms.ValidationError(self.error_messages["several"], code="several", params=params)

    def has_changed(self, initial: Any, data: Any) -> bool:
        before = str(getattr(initial, "pk", initial) or "")
        if not isinstance(data, PickValue):
            return before != str(getattr(data, "pk", data) or "")
        return bool(data.choice or data.text or data.pk) and (data.choice or data.pk) != before


def search_text(request: HttpRequest) -> str:
    """The text typed into a combobox, as its search endpoint gets it (`?q=`)."""
    return request.GET.get("q", "").replace("\x00", "")[:100]  # PostgreSQL refuses NUL even in a search


def search_answer(request: HttpRequest, options: list[dict[str, Any]], limit: int = SEARCH_LIMIT) -> HttpResponse:
    """A search endpoint's answer to the combobox: JSON `{"results": [...], "more": bool}` for the
    script, the listbox options as an HTML fragment for htmx. `options` are dicts with id, label,
    name and detail; one more than `limit` says that there are more."""
    shown = options[:limit]
    if wants_fragment(request):
        response = render(request, "core/widgets/combobox_options.html", {"options": shown})
    else:
        response = JsonResponse({"results": shown, "more": len(options) > limit})
    patch_vary_headers(response, ("HX-Request",))
    response["Cache-Control"] = "private, no-store"  # names of staff and internal plans
    return response


def bind_pick_fields(form: forms.BaseForm, kommune: Any) -> None:
    """Give every `PickField` of `form` its Kommune (call at the end of the form's `__init__`)."""
    for field in form.fields.values():
        if isinstance(field, PickField):
            field.bind(kommune)
