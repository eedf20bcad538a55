from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def widget_with_kern(field: BoundField) -> SafeString:
    """Render a form widget with KERN classes and the ARIA links to its hint and error."""
    widget = field.field.widget
    input_type = getattr(widget, "input_type", "")
    base = "kern-form-input__select" if input_type == "select" else "kern-form-input__input"
    classes = [base] + ([f"{base}--error"] if field.errors else [])
    attrs: dict[str, Any] = {"class": " ".join(classes)}
    described = []
    if field.errors:
        described.append(f"{field.id_for_label}-error")
        attrs["aria-invalid"] = "true"
    if field.help_text:
        described.append(f"{field.id_for_label}-hint")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.simple_tag(takes_context=True)
def sort_link(context: Any, key: str) -> str:
    """Query string that sorts by `key`, toggling direction when it is the current sort."""
    request = context["request"]
    current = context.get("sort", "")
    params = request.GET.copy()
    params.pop("page", None)
    params["sort"] = f"-{key}" if current == key else key
    return "?" + params.urlencode()


@register.simple_tag(takes_context=True)
def aria_sort(context: Any, key: str) -> str:
    current = context.get("sort", "")
    if current == key:
        return "ascending"
    if current == f"-{key}":
        return "descending"
    return "none"
