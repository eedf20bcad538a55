"""Counts of role holders that keep assignments and people apart: "6 Zuordnungen, 4 Personen".

One person may hold a role several times (for two units, say), so the number of assignments
and the number of people differ; a page that says only one of them misleads.
"""

from __future__ import annotations

from django import template
from django.utils.translation import gettext, ngettext

register = template.Library()


def holder_summary(assignments: int, people: int) -> str:
    """ "6 Zuordnungen, 4 Personen"; "keine Zuordnung" for none."""
    if not assignments:
        return gettext("keine Zuordnung")
    return "{assignments}, {people}".format(
        assignments=ngettext("%(n)d Zuordnung", "%(n)d Zuordnungen", assignments) % {"n": assignments},
        people=ngettext("%(n)d Person", "%(n)d Personen", people) % {"n": people},
    )


register.simple_tag(holder_summary, name="holder_summary")
