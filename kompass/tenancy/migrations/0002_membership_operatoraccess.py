"""Membership and OperatorAccess, moved from the accounts app: only the state is created; the tables
`accounts_membership` and `accounts_operatoraccess` exist (accounts 0001/0002 created them,
accounts 0003 handed them over)."""

import django.db.models.deletion
import django.db.models.manager
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tenancy", "0001_initial"),
        ("accounts", "0003_membership_operatoraccess_moved_to_tenancy"),
        ("org", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Membership",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("role", models.CharField(choices=[("admin", "Administration"), ("editor", "Redaktion"), ("reader", "Lesend")], max_length=10, verbose_name="Rolle")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("kommune", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="tenancy.kommune")),
                        ("scope_unit", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.TENANT_SCOPE_UNIT_MODEL, verbose_name="Beschränkt auf Organisationseinheit")),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="memberships", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "Mitgliedschaft",
                        "verbose_name_plural": "Mitgliedschaften",
                        "db_table": "accounts_membership",
                        "constraints": [models.UniqueConstraint(fields=("user", "kommune"), name="membership_unique_user_kommune")],
                    },
                    managers=[
                        ("objects", django.db.models.manager.Manager()),
                        ("unscoped_objects", django.db.models.manager.Manager()),
                    ],
                ),
                migrations.CreateModel(
                    name="OperatorAccess",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("operator_name", models.CharField(max_length=200)),
                        ("reason", models.CharField(max_length=500, verbose_name="Begründung")),
                        ("granted_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("expires_at", models.DateTimeField()),
                        ("kommune", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="tenancy.kommune")),
                        ("operator", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "Betreiberzugriff",
                        "verbose_name_plural": "Betreiberzugriffe",
                        "db_table": "accounts_operatoraccess",
                        "ordering": ["-granted_at"],
                    },
                    managers=[
                        ("objects", django.db.models.manager.Manager()),
                        ("unscoped_objects", django.db.models.manager.Manager()),
                    ],
                ),
            ],
            database_operations=[],
        ),
    ]
