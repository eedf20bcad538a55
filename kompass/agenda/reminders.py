"""Reminding the owners of measures that a status report is due (issue 10, point 6).

A daily platform job (`Schedule` "agenda-report-reminders") looks at every Kommune with a digital
agenda and mails the current holder of the accountable role of each measure in Umsetzung whose
report is due today or overdue (`selectors_kpis.reports_due`: its period after the last report,
else after its start). The reminder is sent once per measure and due date: a `ReportReminder` row,
unique per measure and day, is written in the same savepoint as the mail goes out, so neither a
second run nor a second worker sends it again; a mail the server refuses leaves no row and is tried
again the next day.

No mail goes out for measures that are not in Umsetzung (Idee, geplant, abgeschlossen, gestoppt),
nor when the role is held by nobody or not by one person for the measure's unit (that is a
Rollen-Check finding, `rules.rule_measure_owner`), nor to a holder without an e-mail address.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kompass.agenda.models import Agenda, ReportReminder
from kompass.agenda.selectors_kpis import ReportDue, reports_due
from kompass.audit.models import AuditAction
from kompass.audit.services import audit_record
from kompass.tasks.runner import kommune_task
from kompass.tasks.schedules import Schedule, schedules
from kompass.tenancy.models import Kommune

log = logging.getLogger(__name__)

SCHEDULE_KEY = "agenda-report-reminders"


def _message(kommune: Kommune, item: ReportDue) -> EmailMessage:
    person = item.owner.person
    url = settings.SITE_URL + reverse("agenda:report_create", args=[kommune.slug, item.measure.pk])
    context = {
        "kommune": kommune,
        "measure": item.measure,
        "role_name": item.measure.accountable_role.name if item.measure.accountable_role else "",
        "person_name": f"{person.first_name} {person.last_name}".strip(),
        "due_on": item.due_on,
        "last": item.last,
        "url": url,
    }
    with translation.override("de"):
        body = render_to_string("agenda/reports/mail/reminder.txt", context)
        subject = _("Sachstandsbericht fällig: „%(title)s“ – %(kommune)s") % {
            "title": item.measure.title,
            "kommune": kommune.name,
        }
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email])


def _remind(kommune: Kommune, item: ReportDue) -> bool:
    """Send one reminder and record it; False when it was sent before or the mail failed."""
    try:
        with transaction.atomic():  # a savepoint: the row only stays with a mail that went out
            reminder = ReportReminder.objects.create(kommune=kommune, measure=item.measure, due_on=item.due_on)
            audit_record(
                kommune_id=kommune.pk,
                actor=None,
                action=AuditAction.CREATE,
                obj=reminder,
                after={"due_on": item.due_on.isoformat()},
                label=f"Erinnerung an den Sachstandsbericht „{item.measure.title}“ "
                f"(fällig am {item.due_on:%d.%m.%Y}) versandt",
            )
            _message(kommune, item).send()
    except IntegrityError:  # another run has just sent it
        return False
    except Exception:  # SECURITY: log neither addresses nor names
        log.warning("report reminder for measure %s of Kommune %s could not be sent", item.measure.pk, kommune.pk)
        return False
    return True


def remind_kommune(kommune: Kommune, today: datetime.date) -> int:
    """Send the reminders of one Kommune for the reports due on or before `today`; returns how many."""
    sent = 0
    for item in reports_due(kommune, today, within=0):
        if item.reminded or not item.owner.is_clear:
            continue
        person = item.owner.person
        if person is None or not person.email:
            continue
        sent += _remind(kommune, item)
    return sent


@kommune_task()
def send_report_reminders(kommune: Kommune | None) -> int:
    """The daily job: every Kommune with an agenda (or only `kommune`), except suspended ones."""
    today = timezone.localdate()
    if kommune is not None:
        targets = [kommune]
    else:
        with_agenda = Agenda.objects.unscoped().values("kommune_id")
        targets = list(Kommune.objects.filter(pk__in=with_agenda, suspended_at__isnull=True).order_by("pk"))
    return sum(remind_kommune(k, today) for k in targets)


def register() -> None:
    schedules.register(
        Schedule(
            key=SCHEDULE_KEY,
            interval=datetime.timedelta(days=1),
            task=send_report_reminders,
            description="Erinnerungen an fällige Sachstandsberichte der Digitalen Agenda versenden",
        )
    )
