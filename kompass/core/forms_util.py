from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kompass.core.exceptions import ConflictError


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: next to known fields, else at the top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = field if field in form.fields else None
            for message in errors:
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(NON_FIELD_ERRORS, message)


def save_form(form: forms.BaseForm, call: Callable[[], Any], rename: dict[str, str] | None = None) -> Any:
    """Run a service call for a valid form; put its errors on the form. Returns None on error.

    `rename` maps service field names to form field names where they differ (e.g. person → email).
    """
    try:
        return call()
    except ValidationError as exc:
        if rename and hasattr(exc, "error_dict"):
            exc = ValidationError({rename.get(k, k): v for k, v in exc.message_dict.items()})
        add_service_errors(form, exc)
    except ConflictError as exc:
        form.add_error(None, str(exc))
    return None


def form_version(form: forms.BaseForm) -> int:
    """The object version the user loaded (optimistic locking, R3), from the form's hidden field.

    Called where an existing object is changed or deleted. A POST without the version could overwrite
    or delete what someone else saved meanwhile, so it is refused as a conflict, not let through."""
    version = form.cleaned_data.get("version") if form.is_valid() else None
    if version is None:
        raise ConflictError(
            _(
                "Die Seite wurde ohne den Stand der Daten gesendet, auf dem Ihre Änderung beruht. "
                "Bitte laden Sie die Seite neu und übernehmen Sie Ihre Änderungen erneut."
            )
        )
    return int(version)


def form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    save: Callable[[], Any],
    *,
    done: Callable[[Any], HttpResponse],
    template: str,
    context: dict[str, Any],
    rename: dict[str, str] | None = None,
    refused_status: int = 200,
) -> HttpResponse:
    """The body of every create, edit and delete page.

    On a valid POST `save` runs (access checks that depend on the input raise inside it) and its
    result goes to `done`, which says so and redirects. Otherwise – GET, invalid input, a service
    that refuses or a stale version – the page shows the form with every error next to its field;
    a POST that stored nothing answers `refused_status` (the agenda's pages say 400).
    """
    if request.method == "POST" and form.is_valid():
        # Wrapped in a tuple: a delete service returns None, which is a success, not an error.
        result = save_form(form, lambda: (save(),), rename)
        if result is not None:
            return done(result[0])
    status = refused_status if request.method == "POST" else 200
    return render(request, template, {"form": form, **context}, status=status)


def success(request: HttpRequest, message: str, to: str, *args: Any) -> HttpResponse:
    """Confirm a change and go to the page that shows it (post/redirect/get)."""
    messages.success(request, message)
    return redirect(to, *args)
