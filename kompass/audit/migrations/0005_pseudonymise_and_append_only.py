"""Older entries lose the names they hold (moved to the side table), then the database refuses to
change or delete entries (audit/triggers.py). The data step runs before the trigger exists."""

import secrets

from django.apps import apps as global_apps
from django.conf import settings
from django.db import migrations


def _personal(model):
    from kompass.audit.services import personal_fields

    return personal_fields(model)


def _labelled(model):
    from kompass.audit.services import labelled_by_pseudonym

    return labelled_by_pseudonym(model)


def _models_by_name():
    found = {}
    for model in global_apps.get_models():
        name = model._meta.model_name or ""
        if name not in found or model.__module__.startswith("kompass."):
            found[name] = model
    return found


def pseudonymise(apps, schema_editor):
    Entry = apps.get_model("audit", "AuditEntry")
    Subject = apps.get_model("audit", "AuditSubject")
    Value = apps.get_model("audit", "AuditPersonalValue")
    user_kind = global_apps.get_model(settings.AUTH_USER_MODEL)._meta.label
    by_name = _models_by_name()
    subjects = {}
    db = schema_editor.connection.alias

    def subject(kommune_id, kind, object_id):
        key = (kommune_id, kind, str(object_id))
        if key not in subjects:
            found = Subject.objects.using(db).filter(kommune_id=kommune_id, kind=kind, object_id=str(object_id)).first()
            while found is None:
                pseudonym = "P-" + secrets.token_hex(3).upper()
                if not Subject.objects.using(db).filter(kommune_id=kommune_id, pseudonym=pseudonym).exists():
                    found = Subject.objects.using(db).create(
                        kommune_id=kommune_id, kind=kind, object_id=str(object_id), pseudonym=pseudonym
                    )
            subjects[key] = found
        return subjects[key]

    for entry in Entry.objects.using(db).all().iterator():
        updates = {}
        if entry.actor_id is not None and not entry.actor_pseudonym:
            updates["actor_pseudonym"] = subject(entry.kommune_id, user_kind, entry.actor_id).pseudonym
            updates["actor_name"] = ""
        model = by_name.get(entry.object_type)
        personal = _personal(model) if model is not None else frozenset()
        labelled = model is not None and _labelled(model)
        if personal or labelled:
            owner = subject(entry.kommune_id, model._meta.label, entry.object_id)
            if labelled and entry.object_label != owner.pseudonym:
                Value.objects.using(db).create(
                    kommune_id=entry.kommune_id, entry_id=entry.pk, subject=owner, field="", after=entry.object_label
                )
                updates["object_label"] = owner.pseudonym
            changes = dict(entry.changes) if isinstance(entry.changes, dict) else {}
            moved = sorted(personal & changes.keys())
            for name in moved:
                pair = changes.pop(name)
                before, after = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
                Value.objects.using(db).create(
                    kommune_id=entry.kommune_id,
                    entry_id=entry.pk,
                    subject=owner,
                    field=name,
                    before=before,
                    after=after,
                )
            if moved:
                updates["changes"] = changes
        if updates:
            Entry.objects.using(db).filter(pk=entry.pk).update(**updates)


def create_triggers(apps, schema_editor):
    from kompass.audit import triggers

    triggers.create(schema_editor)


def drop_triggers(apps, schema_editor):
    from kompass.audit import triggers

    triggers.drop(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_pseudonyms"),
    ]

    operations = [
        migrations.RunPython(pseudonymise, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
