from __future__ import annotations

from django import forms

from kompass.ui.models import Feedback


class FeedbackForm(forms.ModelForm):
    class Meta:
        model = Feedback
        fields = ["page_url", "message", "email"]
        widgets = {"message": forms.Textarea(attrs={"rows": 6})}
