"""Membership and OperatorAccess moved to the tenancy app: they leave accounts' state, their tables
stay (see tenancy 0002)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Membership"),
                migrations.DeleteModel(name="OperatorAccess"),
            ],
            database_operations=[],
        ),
    ]
