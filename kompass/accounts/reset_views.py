"""The pages of a forgotten password (docs/security.md, A4): ask for the link, set the new password."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView

from kompass.accounts import password_reset
from kompass.accounts.forms import PasswordResetRequestForm, ResetSetPasswordForm
from kompass.accounts.models import User
from kompass.core.ratelimit import limited


@method_decorator(never_cache, name="dispatch")
@method_decorator(limited("password_reset.address", methods=["POST"]), name="dispatch")
class PasswordResetRequestView(FormView):  # type: ignore[type-arg]
    """Always the same answer: the next page says a mail goes out if there is such an account."""

    template_name = "accounts/password_reset.html"
    form_class = PasswordResetRequestForm
    success_url = reverse_lazy("accounts:password_reset_done")
    http_method_names = ["get", "head", "post"]

    def form_valid(self, form: PasswordResetRequestForm) -> HttpResponse:
        password_reset.reset_request(form.cleaned_data["identifier"])
        return super().form_valid(form)


class PasswordResetDoneView(TemplateView):
    template_name = "accounts/password_reset_done.html"
    http_method_names = ["get", "head"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "minutes": settings.PASSWORD_RESET_TIMEOUT // 60}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's view: the token leaves the address at once (kept in the session), then the form.

    After the new password every session of the account ends and the person logs in anew.
    """

    template_name = "accounts/password_reset_confirm.html"
    form_class = ResetSetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")
    post_reset_login = False
    http_method_names = ["get", "head", "post"]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # Django's view answers an invalid link before it looks at the method: 405 comes first here.
        if request.method is None or request.method.lower() not in self.http_method_names:
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def get_user(self, uidb64: str) -> Any:
        user = super().get_user(uidb64)
        # A locked account gets no new password through an old link.
        return user if user is not None and user.is_active else None

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user: User = form.user
        password_reset.reset_completed(user=user)
        return response


class PasswordResetCompleteView(TemplateView):
    template_name = "accounts/password_reset_complete.html"
    http_method_names = ["get", "head"]
