"""The role model's evidence for the self-assessment: the Rollen-Check as signals for the field
"Rollen und Verantwortung" (`core.extensions.EVIDENCE_PROVIDERS`).

Three signals, each rated "gut", "mittel" or "schwach" and linked to the Rollen-Check page:

- core roles filled (CDO, CIO, ISB, DSB): all filled or deliberately not filled → gut; only roles
  whose absence the Rollen-Check rates as a warning missing (the CDO) → mittel; a role whose
  absence it rates as an error missing (CIO, ISB, DSB) → schwach. The rating follows the severity
  the Rollen-Check gives each core role after its source;
- the findings of the Rollen-Check: no errors and no warnings → gut; warnings only → mittel;
  errors → schwach;
- Lotsen coverage of the Fachbereiche and Ämter: from 80 % → gut, from 50 % → mittel, below →
  schwach (abgeleitet: the Konstanz practice the rule rests on asks for every unit; the steps are
  ours). Without Fachbereiche or Ämter there is no coverage signal.

One run of the Rollen-Check (a fixed number of queries) gives all three.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kompass.core.extensions import EvidenceProvider, EvidenceSignal
from kompass.roles import overview, rules
from kompass.roles.rules import Finding
from kompass.tenancy.models import Kommune

FIELD = "rollen-verantwortung"
COVERAGE_GOOD = 80
COVERAGE_FAIR = 50


def collect(kommune: Kommune) -> dict[str, list[EvidenceSignal]]:
    """The signals of the Rollen-Check for the field "Rollen und Verantwortung"."""
    summary = overview.check_summary(kommune, kommune.slug)
    url = reverse("roles:checks", args=[kommune.slug])
    source = _("Rollen-Check")
    if not summary.has_model:
        signal = EvidenceSignal(
            label=_("Rollenmodell"),
            value=_("noch nicht angelegt"),
            rating="schwach",
            detail=_("Ohne Rollenmodell kann der Rollen-Check nichts prüfen."),
            url=url,
            source=source,
        )
        return {FIELD: [signal]}
    findings = [item.finding for _severity, _label, items in summary.groups for item in items]
    signals = [core_roles_signal(findings), findings_signal(summary.counts)]
    coverage = summary.coverage
    if coverage.units:
        signals.append(coverage_signal(coverage.percent, coverage.covered, len(coverage.units)))
    return {FIELD: [_with(s, url, source) for s in signals]}


def _with(signal: EvidenceSignal, url: str, source: str) -> EvidenceSignal:
    return EvidenceSignal(signal.label, signal.value, signal.rating, signal.detail, url, source)


def core_roles_signal(findings: list[Finding]) -> EvidenceSignal:
    """How many of the four core roles are filled (or deliberately not filled)."""
    core_roles = rules.CORE_ROLES
    markers = tuple(core_roles)
    missing = [m for m in markers if any(f.rule == f"kernrolle.{m}" for f in findings)]
    if not missing:
        rating = "gut"
    elif any(core_roles[m].severity == rules.ERROR for m in missing):
        rating = "schwach"
    else:
        rating = "mittel"
    detail = (
        _("Nicht besetzt: %(roles)s") % {"roles": ", ".join(core_roles[m].label() for m in missing)} if missing else ""
    )
    value = _("%(filled)d von %(total)d") % {"filled": len(markers) - len(missing), "total": len(markers)}
    return EvidenceSignal(label=_("Kernrollen besetzt"), value=value, rating=rating, detail=detail)


def findings_signal(counts: dict[str, int]) -> EvidenceSignal:
    """The errors and warnings of the Rollen-Check."""
    errors = counts.get(rules.ERROR, 0)
    warnings = counts.get(rules.WARNING, 0)
    rating = "schwach" if errors else "mittel" if warnings else "gut"
    value = _("%(errors)s, %(warnings)s") % {
        "errors": ngettext("%(n)d Fehler", "%(n)d Fehler", errors) % {"n": errors},
        "warnings": ngettext("%(n)d Warnung", "%(n)d Warnungen", warnings) % {"n": warnings},
    }
    return EvidenceSignal(label=_("Befunde des Rollen-Checks"), value=value, rating=rating)


def coverage_signal(percent: int, covered: int, total: int) -> EvidenceSignal:
    """The share of Fachbereiche and Ämter with a Lotsin or a Lotse."""
    rating = "gut" if percent >= COVERAGE_GOOD else "mittel" if percent >= COVERAGE_FAIR else "schwach"
    value = _("%(percent)d %% (%(covered)d von %(total)d Fachbereichen und Ämtern)") % {
        "percent": percent,
        "covered": covered,
        "total": total,
    }
    return EvidenceSignal(label=_("Lotsen-Abdeckung"), value=value, rating=rating)


def provider() -> EvidenceProvider:
    return EvidenceProvider(
        key="roles.check", title=gettext_lazy("Rollen-Check"), field_keys=(FIELD,), collect=collect, order=10
    )
