"""Tokens made before scopes and expiry: each gets the Kommune of its holder's only membership,
keeps writing as before, and lasts 90 days from now; a token whose holder is a member of no
Kommune or of several is revoked (its holder makes a new one for the Kommune she means).
A changed password ends a token from now on: the stamp is taken from the current password."""

import datetime

from django.db import migrations
from django.utils import timezone
from django.utils.crypto import salted_hmac

# The same salt as kompass.accounts.services.PASSWORD_STAMP_SALT (copied: a migration keeps its own).
PASSWORD_STAMP_SALT = "kompass.accounts.ApiToken.password_stamp"  # noqa: S105 - an HMAC salt, not a secret


def scope_existing_tokens(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    Membership = apps.get_model("tenancy", "Membership")
    now = timezone.now()
    db = schema_editor.connection.alias
    for token in ApiToken.objects.using(db).select_related("user").filter(kommune__isnull=True):
        kommunen = list(
            Membership._base_manager.using(db).filter(user_id=token.user_id).values_list("kommune_id", flat=True)[:2]
        )
        token.password_stamp = salted_hmac(PASSWORD_STAMP_SALT, token.user.password, algorithm="sha256").hexdigest()
        if len(kommunen) == 1:
            token.kommune_id, token.scope = kommunen[0], "write"
            token.expires_at = now + datetime.timedelta(days=90)
        else:
            token.expires_at = now
            token.revoked_at = token.revoked_at or now
        token.save(using=db, update_fields=["kommune", "scope", "expires_at", "revoked_at", "password_stamp"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_api_token_scope_expiry"),
        ("tenancy", "0002_membership_operatoraccess"),
    ]

    operations = [migrations.RunPython(scope_existing_tokens, migrations.RunPython.noop)]
