"""PostgreSQL: TRUNCATE of the audit table is refused like DELETE (audit/triggers.py)."""

from django.db import migrations


def create(apps, schema_editor):
    from kompass.audit import triggers

    triggers.create_truncate_guard(schema_editor)


def drop(apps, schema_editor):
    from kompass.audit import triggers

    triggers.drop_truncate_guard(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_pseudonymise_and_append_only"),
    ]

    operations = [migrations.RunPython(create, drop)]
