from __future__ import annotations

from django import forms


class ItemActionForm(forms.Form):
    """Restore or delete for good: carries the version of the item the page showed (docs/security.md R3)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
