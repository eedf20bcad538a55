"""The Rollen-Check: findings of the role rules and the Lotsen coverage, read by every member."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from kompass.api.gate import tenant
from kompass.api.routers.roles.common import BASE
from kompass.api.routers.roles.schemas import CheckOut
from kompass.roles import overview

router = Router()


@router.get(BASE + "/rollen-check", response=CheckOut, summary="Rollen-Check", url_name="role_checks")
def role_checks(request: HttpRequest, kommune_slug: str) -> dict[str, Any]:
    """Die Befunde der Rollen-Checks (Fehler, Warnungen, Hinweise), jeweils mit Regel, Erklärung, Quelle,
    Belegstärke und der Seite, auf der er sich beheben lässt; dazu die Abdeckung der Fachbereiche/Ämter mit Lotsen."""
    ctx = tenant(request)
    summary = overview.check_summary(ctx.kommune, ctx.kommune.slug)
    findings = [
        {
            "severity": item.finding.severity,
            "severity_label": item.finding.severity_label,
            "rule": item.finding.rule,
            "title": item.finding.title,
            "explanation": item.finding.explanation,
            "source": item.finding.source,
            "confidence": item.finding.confidence,
            "fix_url": item.fix_url,
        }
        for _severity, _label, items in summary.groups
        for item in items
    ]
    coverage = summary.coverage
    return {
        "has_model": summary.has_model,
        "total": summary.total,
        "counts": summary.counts,
        "findings": findings,
        "lotsen_coverage": {
            "percent": coverage.percent,
            "covered": coverage.covered,
            "total": len(coverage.units),
            "units": [
                {"unit_id": unit.pk, "code": unit.code, "name": unit.name, "lotsen": len(lotsen)}
                for unit, lotsen in coverage.units
            ],
        },
    }
