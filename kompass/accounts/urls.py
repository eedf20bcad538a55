from django.urls import path

from kompass.accounts import invitation_views, operator_views, reset_views, session_timeout, session_views, views

app_name = "accounts"

urlpatterns = [
    path("anmelden/", views.LoginView.as_view(), name="login"),
    path("abmelden/", views.logout_view, name="logout"),
    path("konto/passwort/", views.PasswordChangeView.as_view(), name="password_change"),
    path("konto/passwort/geaendert/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # A forgotten password: public, outside every Kommune; the token in the link is the permission.
    path("konto/passwort-vergessen/", reset_views.PasswordResetRequestView.as_view(), name="password_reset"),
    path(
        "konto/passwort-vergessen/angefordert/",
        reset_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "konto/passwort-neu/<str:uidb64>/<str:token>/",
        reset_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "konto/passwort-neu/gespeichert/",
        reset_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("konto/sitzung/verlaengern/", session_timeout.session_keepalive, name="session_keepalive"),
    path("konto/api-tokens/", views.api_tokens, name="api_tokens"),
    path("konto/api-tokens/<int:pk>/widerrufen/", views.api_token_revoke, name="api_token_revoke"),
    path("betrieb/kommunen/", operator_views.kommune_list, name="operator_kommunen"),
    path("betrieb/kommunen/neu/", operator_views.kommune_create, name="operator_kommune_create"),
    path("betrieb/kommunen/<slug:kommune_slug>/sperre/", operator_views.kommune_status, name="operator_kommune_status"),
    path("betrieb/zugriff/", views.operator_access, name="operator_access"),
    path("betrieb/zugriff/<slug:kommune_slug>/", views.operator_access, name="operator_access_kommune"),
    path("k/<slug:kommune_slug>/stammdaten/", views.kommune_settings, name="kommune_settings"),
    path("k/<slug:kommune_slug>/mitglieder/", views.members, name="members"),
    path("k/<slug:kommune_slug>/mitglieder/<int:pk>/beenden/", views.member_remove, name="member_remove"),
    path(
        "k/<slug:kommune_slug>/mitglieder/<int:pk>/sitzungen-beenden/",
        session_views.member_sessions_end,
        name="member_sessions_end",
    ),
    path(
        "k/<slug:kommune_slug>/mitglieder/einladungen/<int:pk>/erneut-senden/",
        invitation_views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "k/<slug:kommune_slug>/mitglieder/einladungen/<int:pk>/zurueckziehen/",
        invitation_views.invitation_revoke,
        name="invitation_revoke",
    ),
    # Public, outside every Kommune: the secret in the link is the permission.
    path("einladung/<str:token>/", invitation_views.invitation, name="invitation"),
]
