"""How people are named in templates: `{{ person|person_label }}`, `{{ person|person_details }}`.

Two people of a Kommune may share a name; the unit and the e-mail address tell them apart
(`kompass.org.selectors.person_label`). Load the person with its unit to avoid a query per row.
"""

from __future__ import annotations

from django import template

from kompass.org import selectors
from kompass.org.models import Person

register = template.Library()


@register.filter
def person_label(person: Person | None) -> str:
    return selectors.person_label(person) if person is not None else ""


@register.filter
def person_details(person: Person | None) -> str:
    return selectors.person_details(person) if person is not None else ""
