"""What changed between two versions of the agenda: a readable diff for the council and the page.

Pure functions on `VersionContent` (what a version says: vision, Leitsätze, Handlungsfelder);
`selectors.version_content` reads it from the database. Leitsätze have no key: they are compared
as a sequence of texts, so a reworded Leitsatz at the same place shows as changed, a new one as
added. Handlungsfelder are compared by their key.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class FieldOfAction:
    """A Handlungsfeld as the diff sees it."""

    key: str
    name: str
    description: str = ""
    framework_field_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class VersionContent:
    vision: str
    leitsaetze: tuple[str, ...]
    handlungsfelder: tuple[FieldOfAction, ...]


@dataclass(frozen=True)
class Change:
    """One changed item: its name, and per changed attribute (its German label) old and new value."""

    name: str
    attributes: tuple[tuple[str, str, str], ...]


@dataclass
class VersionDiff:
    vision: tuple[str, str] | None = None
    leitsaetze_added: list[str] = field(default_factory=list)
    leitsaetze_removed: list[str] = field(default_factory=list)
    leitsaetze_changed: list[tuple[str, str]] = field(default_factory=list)
    handlungsfelder_added: list[FieldOfAction] = field(default_factory=list)
    handlungsfelder_removed: list[FieldOfAction] = field(default_factory=list)
    handlungsfelder_changed: list[Change] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (
            self.vision
            or self.leitsaetze_added
            or self.leitsaetze_removed
            or self.leitsaetze_changed
            or self.handlungsfelder_added
            or self.handlungsfelder_removed
            or self.handlungsfelder_changed
        )

    def lines(self) -> list[str]:
        """The diff as German sentences, one per change (for the page, the PDF and the council)."""
        out = []
        if self.vision:
            out.append(_("Vision geändert: „%(old)s“ → „%(new)s“") % {"old": self.vision[0], "new": self.vision[1]})
        out += [_("Leitsatz neu: „%(text)s“") % {"text": t} for t in self.leitsaetze_added]
        out += [_("Leitsatz gestrichen: „%(text)s“") % {"text": t} for t in self.leitsaetze_removed]
        out += [
            _("Leitsatz geändert: „%(old)s“ → „%(new)s“") % {"old": old, "new": new}
            for old, new in self.leitsaetze_changed
        ]
        out += [_("Handlungsfeld neu: %(name)s") % {"name": h.name} for h in self.handlungsfelder_added]
        out += [_("Handlungsfeld gestrichen: %(name)s") % {"name": h.name} for h in self.handlungsfelder_removed]
        for change in self.handlungsfelder_changed:
            details = "; ".join(f"{label}: „{old}“ → „{new}“" for label, old, new in change.attributes)
            out.append(_("Handlungsfeld geändert: %(name)s (%(details)s)") % {"name": change.name, "details": details})
        return out


def _leitsaetze(old: tuple[str, ...], new: tuple[str, ...], diff: VersionDiff) -> None:
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        removed, added = list(old[i1:i2]), list(new[j1:j2])
        if tag == "replace":
            pairs = min(len(removed), len(added))
            diff.leitsaetze_changed += list(zip(removed[:pairs], added[:pairs], strict=True))
            removed, added = removed[pairs:], added[pairs:]
        diff.leitsaetze_removed += removed
        diff.leitsaetze_added += added


def _field_change(old: FieldOfAction, new: FieldOfAction) -> Change | None:
    attributes = []
    if old.name != new.name:
        attributes.append((_("Name"), old.name, new.name))
    if old.description != new.description:
        attributes.append((_("Beschreibung"), old.description, new.description))
    if tuple(old.framework_field_keys) != tuple(new.framework_field_keys):
        attributes.append(
            (
                _("Felder des Orientierungsrahmens"),
                ", ".join(old.framework_field_keys),
                ", ".join(new.framework_field_keys),
            )
        )
    return Change(new.name, tuple(attributes)) if attributes else None


def version_diff(old: VersionContent, new: VersionContent) -> VersionDiff:
    """What `new` changes against `old` (see the module's description)."""
    diff = VersionDiff()
    if old.vision.strip() != new.vision.strip():
        diff.vision = (old.vision, new.vision)
    _leitsaetze(old.leitsaetze, new.leitsaetze, diff)
    old_fields = {h.key: h for h in old.handlungsfelder}
    new_fields = {h.key: h for h in new.handlungsfelder}
    diff.handlungsfelder_added = [h for key, h in new_fields.items() if key not in old_fields]
    diff.handlungsfelder_removed = [h for key, h in old_fields.items() if key not in new_fields]
    for key, h in new_fields.items():
        if key in old_fields and (change := _field_change(old_fields[key], h)) is not None:
            diff.handlungsfelder_changed.append(change)
    return diff
