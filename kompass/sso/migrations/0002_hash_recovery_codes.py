"""Recovery codes stored in clear by django-otp become their keyed hash (docs/security.md A3).

Idempotent: a token already hashed ("$…") is left as it is. There is no way back: after a
downgrade the hashed codes no longer match, and the account makes new ones (or an operator
removes its devices, docs/operations.md)."""

from django.db import migrations


def hash_clear_codes(apps, schema_editor):
    from kompass.sso import recovery

    recovery.hash_clear_tokens(apps.get_model("otp_static", "StaticToken"))


class Migration(migrations.Migration):
    dependencies = [
        ("kompass_sso", "0001_sso_providers_identities"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(hash_clear_codes, migrations.RunPython.noop, elidable=False)]
