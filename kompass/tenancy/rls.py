"""PostgreSQL row-level security: the database keeps the Kommunen apart even if the code forgets (docs/security.md T4).

The ORM's scope guard (`scoping.py`, T3) makes a query without a Kommune fail in Python. This module
is the second wall, in the database: on PostgreSQL every tenant table has row-level security
enabled and forced, with one policy, `kompass_tenant`:

    USING / WITH CHECK (
        kommune_id = nullif(current_setting('kompass.kommune', true), '')::bigint
        OR current_setting('kompass.rls_bypass', true) = 'on'
    )

Which tables: every concrete `TenantModel` (all have a non-null `kommune_id`) and the many-to-many
tables between them, whose policy asks that both linked rows are visible (so their rows follow
their parents, and a link to another Kommune's row cannot be written). Two tables have a
`kommune_id` column but are global by review (`GLOBAL_WITH_KOMMUNE`). `install_policies` runs after
every `migrate` (a `post_migrate` receiver, also when the test database is created), so a new
tenant model cannot lack its policy; `tests/test_rls.py` checks the catalog.

Roles. The tables belong to the owner, who runs `migrate`, `backup`/`restore` and the other
maintenance commands; the owner must be a superuser or have BYPASSRLS. The processes that serve
(web server, task workers) are started with `KOMPASS_DB_APP_ROLE=<role>`: every new connection then
runs `SET ROLE <role>`, a role that is NOSUPERUSER, NOBYPASSRLS and owns nothing (`manage.py
rls_setup` creates it). Without the variable nothing changes (the process acts as the owner), and
`activate`/`platform_access` do not touch the database (no extra queries); on SQLite they never do.

Setting the Kommune. Django runs requests in autocommit, so a `SET LOCAL` would end with the next
statement. The Kommune is therefore a session setting of the connection, set where the Kommune
becomes known (`context.resolve_tenant`, `public.resolve_public`, the task runner) and emptied
again so that it can never survive into the next request on a pooled connection (CONN_MAX_AGE>0):
at `request_started` and `request_finished`, and after each task. A connection remembers whether
it holds a value, so requests that never set one pay nothing. If emptying fails, the connection is
closed. A session setting made inside a transaction that is rolled back disappears with it.

Looking up before the Kommune is known (memberships at login, tokens, invitations, password reset,
the operator's list …) is the narrow exception: `platform_access()` sets `kompass.rls_bypass` with
`SET LOCAL` inside its own transaction (or savepoint-free inside the caller's), so it ends with the
block at the latest. Its only caller is `TenantQuerySet.unscoped()`: the reviewed escapes of the
scope guard (`grep -rn "unscoped()" kompass`) are exactly the escapes of the database, and
nothing else is; plus the tenant resolution itself (`context.py`) and platform tasks (no Kommune).

The settings are not secrets: SQL that runs as the app role could set them. RLS protects against
a forgotten filter, not against SQL injection (which the ORM's parameters prevent).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

logger = logging.getLogger(__name__)

KOMMUNE_SETTING = "kompass.kommune"
BYPASS_SETTING = "kompass.rls_bypass"
POLICY = "kompass_tenant"
# Tables with a kommune_id that are global by review: an API token is looked up by its secret before
# any Kommune is known (accounts.ApiToken); a task run records which Kommune a queued task was for,
# and is claimed by the worker before the task's Kommune is set (tasks.TaskRun).
GLOBAL_WITH_KOMMUNE = frozenset({"accounts_apitoken", "kompass_tasks_taskrun"})

TENANT_CHECK = (
    f"kommune_id = nullif(current_setting('{KOMMUNE_SETTING}', true), '')::bigint"
    f" OR current_setting('{BYPASS_SETTING}', true) = 'on'"
)
_ACTIVE = "_kompass_rls_kommune"  # the Kommune this connection was last set to, None once emptied
_BYPASS_DEPTH = "_kompass_rls_bypass_depth"
_INERROR = 3  # psycopg.pq.TransactionStatus.INERROR: a statement failed, the transaction awaits ROLLBACK
_ROLE_ON_CONNECT = True  # the test plugin `tests/rls_serving.py` switches the role per request instead


def app_role() -> str:
    return str(getattr(settings, "KOMPASS_DB_APP_ROLE", "") or "")


def _connection(using: str = DEFAULT_DB_ALIAS) -> BaseDatabaseWrapper:
    return connections[using]


def enforced(using: str = DEFAULT_DB_ALIAS) -> bool:
    """True when this process serves as the app role on PostgreSQL: only then do settings matter."""
    return bool(app_role()) and _connection(using).vendor == "postgresql"


# --- which tables, which policies ---------------------------------------------------------------


def tenant_tables() -> dict[str, str]:
    """Table → policy expression, for every tenant table and every many-to-many table between them."""
    from kompass.tenancy.scoping import TenantModel

    tables: dict[str, str] = {}
    for model in apps.get_models():
        if not issubclass(model, TenantModel) or model._meta.proxy or not model._meta.managed:
            continue
        tables[model._meta.db_table] = TENANT_CHECK
        for field in model._meta.local_many_to_many:
            through: Any = field.remote_field.through
            if not through._meta.auto_created:
                continue  # an explicit through model is a TenantModel of its own
            tables[through._meta.db_table] = _through_check(model, field)
    return tables


def _through_check(model: Any, field: Any) -> str:
    from kompass.tenancy.scoping import TenantModel

    through = field.remote_field.through
    source = field.m2m_column_name()
    target = field.m2m_reverse_name()
    parts = [_visible(model._meta.db_table, model._meta.pk.column, f"{through._meta.db_table}.{source}")]
    related = field.related_model
    if issubclass(related, TenantModel):
        parts.append(_visible(related._meta.db_table, related._meta.pk.column, f"{through._meta.db_table}.{target}"))
    return " AND ".join(parts)


def _visible(table: str, pk: str, column: str) -> str:
    # The parent's own policy applies inside this subquery: the link is visible when its row is.
    # Names from the models' metadata, never from input.
    return f"EXISTS (SELECT 1 FROM {table} WHERE {table}.{pk} = {column})"  # noqa: S608 - model metadata


def install_policies(connection: BaseDatabaseWrapper) -> list[str]:
    """Enable and force RLS with the one policy on every tenant table (idempotent). PostgreSQL only."""
    if connection.vendor != "postgresql":
        return []
    existing = set(connection.introspection.table_names())
    done = []
    with connection.cursor() as cursor:
        for table, check in sorted(tenant_tables().items()):
            if table not in existing:
                continue
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"ALTER TABLE {quoted} ENABLE ROW LEVEL SECURITY")
            cursor.execute(f"ALTER TABLE {quoted} FORCE ROW LEVEL SECURITY")
            cursor.execute(f"DROP POLICY IF EXISTS {POLICY} ON {quoted}")
            cursor.execute(f"CREATE POLICY {POLICY} ON {quoted} USING ({check}) WITH CHECK ({check})")
            done.append(table)
    return done


def install_after_migrate(sender: Any, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """`post_migrate` receiver (sent once per app; the work is done once, for the last app)."""
    if sender.label != _last_app_label():
        return
    connection = _connection(using)
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
    if not (row and row[0]):
        # Forced RLS would hide every row from this role: data migrations would silently see nothing.
        logger.warning("rls: the migrating role is neither superuser nor BYPASSRLS; see docs/operations.md")
    install_policies(connection)


def _last_app_label() -> str:
    # post_migrate is sent once per app that has a models module, in the order of INSTALLED_APPS.
    return [config.label for config in apps.get_app_configs() if config.models_module is not None][-1]


# --- the serving role ---------------------------------------------------------------------------


def on_connection_created(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """`connection_created`: a serving process works as the app role from its first statement on."""
    setattr(connection, _ACTIVE, None)
    setattr(connection, _BYPASS_DEPTH, 0)
    role = app_role()
    if role and _ROLE_ON_CONNECT and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET ROLE {connection.ops.quote_name(role)}")


# --- the Kommune of this request or task --------------------------------------------------------


def activate(kommune_id: int, using: str = DEFAULT_DB_ALIAS) -> None:
    """Let the database show this Kommune's rows, until `deactivate` (request end, task end)."""
    if not enforced(using):
        return
    connection = _connection(using)
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, false)", [KOMMUNE_SETTING, str(int(kommune_id))])
    setattr(connection, _ACTIVE, int(kommune_id))


def deactivate(using: str = DEFAULT_DB_ALIAS) -> None:
    """Empty the Kommune setting if this connection may hold one; close the connection if that fails."""
    connection = _connection(using)
    if getattr(connection, _ACTIVE, None) is None:
        return
    if connection.connection is None:
        setattr(connection, _ACTIVE, None)
        return  # closed: a new connection starts empty
    if connection.needs_rollback or _failed_transaction(connection):
        return  # its rollback undoes a value set inside it; the next reset empties an older one
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, '', false)", [KOMMUNE_SETTING])
    except DatabaseError:
        if not connection.in_atomic_block:
            logger.warning("rls: could not empty the Kommune setting; closing the connection")
            connection.close()
        return
    setattr(connection, _ACTIVE, None)


def _failed_transaction(connection: BaseDatabaseWrapper) -> bool:
    info = getattr(connection.connection, "info", None)  # psycopg 3
    return info is not None and info.transaction_status == _INERROR


def reset_on_request(**kwargs: Any) -> None:
    """`request_started` and `request_finished`: no Kommune survives from one request to the next."""
    for connection in connections.all(initialized_only=True):
        deactivate(connection.alias)


@contextlib.contextmanager
def kommune(kommune_id: int, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """`activate` for a block: a task, or a platform action that writes into one Kommune (an
    operator opening or suspending it, an invitation accepted, a password reset audited there).
    Afterwards the Kommune set before (if any) is set again, also on errors."""
    before = getattr(_connection(using), _ACTIVE, None)
    activate(kommune_id, using)
    try:
        yield
    finally:
        if before is not None and before != kommune_id:
            activate(before, using)
        elif before is None:
            deactivate(using)


@contextlib.contextmanager
def platform_access(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """SECURITY: all Kommunen' rows for the block. Only for the reviewed look-ups before the Kommune
    is known (`TenantQuerySet.unscoped()`, `resolve_tenant`) and for platform tasks."""
    if not enforced(using):
        yield
        return
    connection = _connection(using)
    if not connection.in_atomic_block:
        # Autocommit: a transaction of its own, whose end also ends the SET LOCAL.
        with transaction.atomic(using=using):
            _set_bypass(connection, "on")
            yield
        return
    # Inside the caller's transaction (no savepoint, so the caller's error handling stays as it was):
    # switched off again after the block; after a failed statement the rollback undoes it instead.
    depth = getattr(connection, _BYPASS_DEPTH, 0)
    if depth == 0:
        _set_bypass(connection, "on")
    setattr(connection, _BYPASS_DEPTH, depth + 1)
    try:
        yield
    finally:
        setattr(connection, _BYPASS_DEPTH, depth)
        if depth == 0 and not connection.needs_rollback and not _failed_transaction(connection):
            _set_bypass(connection, "")


def _set_bypass(connection: BaseDatabaseWrapper, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [BYPASS_SETTING, value])


# --- the app role: created by `manage.py rls_setup`, switched per request in the app-role test run --


def setup_role(connection: BaseDatabaseWrapper, role: str) -> None:
    """Create (or check) the serving role and grant it the data of this database, not its schema.

    NOLOGIN: the owner's connection switches to it (SET ROLE), so the owner is made a member. A
    deployment that lets the app log in as the role itself adds LOGIN and a password (operations.md).
    """
    name = connection.ops.quote_name(role)
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [role])
        row = cursor.fetchone()
        if row is None:
            cursor.execute(f"CREATE ROLE {name} NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE")
        elif row[0] or row[1]:
            raise ValueError(f"Die Rolle {role} ist Superuser oder hat BYPASSRLS; sie darf die App nicht bedienen.")
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if not cursor.fetchone()[0]:
            cursor.execute(f"GRANT {name} TO CURRENT_USER")
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {name}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {name}")
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {name}")
        # Tables and sequences of later migrations (made by this owner) get the same grants.
        cursor.execute(
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {name}"
        )
        cursor.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {name}")


def set_role(role: str | None, using: str = DEFAULT_DB_ALIAS) -> None:
    """SET ROLE to `role`, or back to the session's own role (None)."""
    connection = _connection(using)
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {connection.ops.quote_name(role)}" if role else "RESET ROLE")


def _role_for_request(**kwargs: Any) -> None:
    if _connection().vendor == "postgresql" and app_role():
        set_role(app_role())


def _owner_after_request(**kwargs: Any) -> None:
    connection = _connection()
    if connection.vendor == "postgresql" and connection.connection is not None and not _failed_transaction(connection):
        set_role(None)


def serving_per_request() -> bool:
    return not _ROLE_ON_CONNECT


def serve_requests_as_app_role(enabled: bool = True) -> None:
    """For the app-role test run: requests (and the tasks they run) act as the app role, while the
    test's own set-up and checks stay the owner's (creating the test database, fixtures)."""
    global _ROLE_ON_CONNECT
    from django.core.signals import request_finished, request_started

    _ROLE_ON_CONNECT = not enabled
    if enabled:
        request_started.connect(_role_for_request, dispatch_uid="kompass.tenancy.rls.role_for_request")
        request_finished.connect(_owner_after_request, dispatch_uid="kompass.tenancy.rls.owner_after_request")
    else:
        request_started.disconnect(dispatch_uid="kompass.tenancy.rls.role_for_request")
        request_finished.disconnect(dispatch_uid="kompass.tenancy.rls.owner_after_request")
