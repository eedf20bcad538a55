"""The names of the impact chain's levels (Wirkungskette).

The levels are stored as neutral codes (`ImpactLevel`): input, output, effekt, impact, outcome.
The KGSt's Wirkungsmodell (KGSt-Bericht 5/2017 „Wirkungsorientiertes Steuern“; framework-agenda.md
§2) calls the direct effect "Effekt", the effect as the recipient perceives it "Impact" and the
indirect effect on society "Outcome". The common EU/PHINEO chain (PHINEO Kursbuch Wirkung) uses the
last two names the other way round: "Outcome" at the target group, "Impact" in society. The
Kommune chooses the set in its settings; the KGSt's is the default.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from kompass.agenda.models import ImpactLevel, ImpactStyle

LEVELS = tuple(ImpactLevel.values)


def impact_labels(style: str = ImpactStyle.KGST) -> dict[str, str]:
    """The label of every level code for the style "kgst" (default) or "eu"; unknown styles get the KGSt's."""
    labels = {
        ImpactLevel.INPUT.value: _("Input"),
        ImpactLevel.OUTPUT.value: _("Output"),
        ImpactLevel.EFFEKT.value: _("Effekt (direkte Wirkung)"),
        ImpactLevel.IMPACT.value: _("Impact (Wirkung beim Empfänger)"),
        ImpactLevel.OUTCOME.value: _("Outcome (gesellschaftliche Wirkung)"),
    }
    if style == ImpactStyle.EU:
        labels[ImpactLevel.IMPACT.value] = _("Outcome (Wirkung bei der Zielgruppe)")
        labels[ImpactLevel.OUTCOME.value] = _("Impact (gesellschaftliche Wirkung)")
    return labels
