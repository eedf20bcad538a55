"""Role markers for the checks ("zählt als CDO"): the list, the service, the role form and the profile."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from kompass.audit.models import AuditEntry
from kompass.roles import markers, overview, rules, services
from kompass.roles.catalogue_loader import load_catalogues
from kompass.roles.models import Role
from kompass.roles.tests.conftest import KGST_ROLES, Model, role_toml, write_catalogues

SLUG = "teststadt"


def url(name: str, *args: Any) -> str:
    return reverse(f"roles:{name}", args=[SLUG, *args])


def role_entries(kommune: Any, role: Role) -> Any:
    return AuditEntry.objects.for_kommune(kommune).filter(object_type="role", object_id=str(role.pk))


def edit_form(role: Role, **changes: Any) -> dict[str, Any]:
    """The role form as the browser sends it: checked markers only, each as its own value."""
    data: dict[str, Any] = {
        "name": role.name,
        "short_name": role.short_name,
        "kind": role.kind,
        "purpose": role.purpose,
        "tasks": "\n".join(role.tasks),
        "responsibilities": "\n".join(role.responsibilities),
        "placement": role.placement,
        "competences": "\n".join(role.competences),
        "time_share_percent": "" if role.time_share_percent is None else role.time_share_percent,
        "time_share_note": role.time_share_note,
        "source": role.source,
        "not_filled_reason": role.not_filled_reason,
        "markers": [key for key in role.markers if key in markers.CHECK_MARKER_KEYS],
        "version": role.version,
    }
    if role.is_active:
        data["is_active"] = "on"
    return {**data, **changes}


# --- the list of markers ---------------------------------------------------------------------------


def test_the_form_offers_exactly_the_markers_the_checks_read() -> None:
    assert markers.CHECK_MARKER_KEYS == rules.WATCHED_MARKERS
    assert set(rules.CORE_MARKERS) <= set(markers.CHECK_MARKER_KEYS)


def test_unknown_markers_are_refused_in_german_and_the_catalogues_own_markers_may_stay() -> None:
    with pytest.raises(ValidationError) as caught:
        markers.clean_markers(["cdo", "chef"])
    assert caught.value.message_dict["markers"][0].startswith("Unbekannte Markierung: „chef“. Erlaubt sind: cdo")
    with pytest.raises(ValidationError):
        markers.clean_markers("cdo")
    with pytest.raises(ValidationError):
        markers.clean_markers(["core"])  # a catalogue marker nobody may add
    assert markers.clean_markers(["lotse", "core"], ["cdo", "core"]) == ["lotse", "core"]
    assert markers.clean_markers(["core", "cdo", "cdo"], ["cdo", "core"]) == ["cdo", "core"]


# --- service ---------------------------------------------------------------------------------------


def test_an_own_role_is_created_with_markers_and_the_audit_records_them(adopted: Model) -> None:
    k = adopted.world.kommune
    role = services.role_create(
        kommune=k, actor=None, data={"name": "Digitalisierungsbeauftragte(r)", "markers": ["cdo"]}
    )
    assert role.markers == ["cdo"] and role.is_custom
    assert role_entries(k, role).get(action="create").changes["markers"] == [None, ["cdo"]]


def test_unknown_markers_are_a_field_error_next_to_other_errors_and_nothing_changes(adopted: Model) -> None:
    k = adopted.world.kommune
    count = Role.objects.for_kommune(k).count()
    with pytest.raises(ValidationError) as caught:
        services.role_create(kommune=k, actor=None, data={"name": "", "markers": ["chef"]})
    assert set(caught.value.message_dict) == {"name", "markers"}
    cdo = adopted.roles["cdo"]
    with pytest.raises(ValidationError) as caught:
        services.role_update(kommune=k, actor=None, role=cdo, data={"markers": ["cdo", "chef"]})
    assert "Unbekannte Markierung" in caught.value.message_dict["markers"][0]
    cdo.refresh_from_db()
    assert (cdo.markers, cdo.version, Role.objects.for_kommune(k).count()) == (["cdo", "core"], 1, count)


def test_changing_markers_is_audited_and_the_same_markers_change_nothing(adopted: Model) -> None:
    k = adopted.world.kommune
    cdo = adopted.roles["cdo"]
    services.role_update(kommune=k, actor=None, role=cdo, data={"markers": ["core", "cdo"]}, expected_version=1)
    cdo.refresh_from_db()
    assert (cdo.markers, cdo.version, role_entries(k, cdo).filter(action="update").count()) == (["cdo", "core"], 1, 0)
    services.role_update(kommune=k, actor=None, role=cdo, data={"markers": ["core"]}, expected_version=1)
    cdo.refresh_from_db()
    assert (cdo.markers, cdo.version) == (["core"], 2)
    assert role_entries(k, cdo).get(action="update").changes == {"markers": [["cdo", "core"], ["core"]]}


# --- role form -------------------------------------------------------------------------------------


def test_the_role_form_shows_one_explained_checkbox_per_marker(adopted: Model, admin_client: Client) -> None:
    text = admin_client.get(url("role_edit", adopted.roles["cdo"].pk)).content.decode()
    assert "<legend" in text and "Für die Rollen-Checks zählt diese Rolle als" in text
    for index, marker in enumerate(markers.CHECK_MARKERS):
        assert f'id="id_markers_{index}" aria-describedby="id_markers_{index}-hint"' in text
        assert str(marker.label) in text and str(marker.help) in text
    assert 'value="cdo" id="id_markers_0" aria-describedby="id_markers_0-hint" checked>' in text
    assert 'value="cio" id="id_markers_1" aria-describedby="id_markers_1-hint">' in text
    assert "role_form.css" in text


def test_an_own_role_marked_cdo_in_the_form_counts_as_cdo(adopted: Model, admin_client: Client) -> None:
    k = adopted.world.kommune
    response = admin_client.post(
        url("role_create"),
        {"name": "Digitalisierungsbeauftragte(r)", "kind": "intern", "is_active": "on", "markers": ["cdo", "isb"]},
    )
    assert response.status_code == 302
    own = Role.objects.for_kommune(k).get(name="Digitalisierungsbeauftragte(r)")
    assert own.markers == ["cdo", "isb"]
    text = admin_client.get(url("role_detail", own.pk)).content.decode()
    assert "Zählt für die Rollen-Checks als: CDO, ISB" in text and "Abweichend vom Katalog" not in text


def test_adapting_a_catalogue_roles_markers_keeps_its_other_markers_and_shows_the_difference(
    adopted: Model, admin_client: Client
) -> None:
    k = adopted.world.kommune
    cdo = adopted.roles["cdo"]
    assert "Zählt für die Rollen-Checks als: CDO" in admin_client.get(url("role_detail", cdo.pk)).content.decode()
    response = admin_client.post(url("role_edit", cdo.pk), edit_form(cdo, markers=["lotse"]))
    assert response.status_code == 302
    cdo.refresh_from_db()
    assert cdo.markers == ["lotse", "core"]
    assert role_entries(k, cdo).get(action="update").changes["markers"] == [["cdo", "core"], ["lotse", "core"]]
    text = admin_client.get(url("role_detail", cdo.pk)).content.decode()
    assert "Zählt für die Rollen-Checks als: Lotsin oder Lotse" in text
    assert "Abweichend vom Katalog; dort: CDO." in text

    admin_client.post(url("role_edit", cdo.pk), edit_form(cdo, markers=[]))
    cdo.refresh_from_db()
    assert cdo.markers == ["core"]
    assert (
        "als keine Kern-, Lotsen- oder Leitungsrolle" in admin_client.get(url("role_detail", cdo.pk)).content.decode()
    )


def test_an_unknown_marker_in_the_form_is_a_field_error_and_changes_nothing(
    adopted: Model, admin_client: Client
) -> None:
    cdo = adopted.roles["cdo"]
    response = admin_client.post(url("role_edit", cdo.pk), edit_form(cdo, markers=["cdo", "chef"], name="Neu"))
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="id_markers-error"' in text and "Unbekannte Markierung: chef." in text
    assert 'href="#id_markers_0"' in text  # the error summary leads to the first checkbox
    cdo.refresh_from_db()
    assert (cdo.name, cdo.markers, cdo.version) == ("Chief Digital Officer", ["cdo", "core"], 1)


@pytest.mark.parametrize("persona", ["editor", "reader"])
def test_limited_redaktion_and_readers_cannot_set_markers(adopted: Model, world: Any, persona: str) -> None:
    client = world.client_for(getattr(world, persona))
    cio = adopted.roles["cio"]
    assert client.post(url("role_edit", cio.pk), edit_form(cio, markers=["cdo"])).status_code == 403
    assert client.post(url("role_create"), {"name": "X", "kind": "intern", "markers": ["cdo"]}).status_code == 403
    cio.refresh_from_db()
    assert cio.markers == ["cio", "core"]


# --- catalogue diff and checks ---------------------------------------------------------------------


def test_a_kommunes_own_markers_are_no_catalogue_change_and_no_adaptation(adopted: Model, tmp_path: Path) -> None:
    k = adopted.world.kommune
    services.role_update(kommune=k, actor=None, role=adopted.roles["cdo"], data={"markers": ["lotse"]})
    services.role_update(kommune=k, actor=None, role=adopted.roles["cio"], data={"markers": ["cio", "it_betrieb"]})
    specs = [role_toml(*spec) for spec in KGST_ROLES if spec[0] not in ("cdo", "cio")]
    specs.append(role_toml("cdo", "Chief Digital Officer", "CDO", "intern", ["cdo", "core", "isb"]))  # markers only
    specs.append(
        role_toml("cio", "Chief Information Officer", "CIO", "intern", ["cio", "core"], purpose="Neuer Zweck.")
    )
    load_catalogues(write_catalogues(tmp_path / "v2", kgst_version="2026.2", kgst_roles=specs))
    updates = overview.catalogue_updates(k, adopted.model.catalogue)
    assert [update.role.key for update in updates.changed] == ["cio"]
    assert [change.name for change in updates.changed[0].changes] == ["purpose"]
    assert updates.changed[0].adapted is False


def test_taking_a_newer_catalogue_text_keeps_the_kommunes_own_markers(adopted: Model, tmp_path: Path) -> None:
    k = adopted.world.kommune
    services.role_update(kommune=k, actor=None, role=adopted.roles["cdo"], data={"markers": ["lotse"]})
    specs = [role_toml(*spec[:4], [*spec[4], "it_betrieb"], purpose="Neuer Zweck.") for spec in KGST_ROLES]
    load_catalogues(write_catalogues(tmp_path / "v2", kgst_version="2026.2", kgst_roles=specs))
    for key in ("cdo", "cio"):
        role = Role.objects.for_kommune(k).select_related("catalogue_role").get(key=key)
        source = overview.newest_catalogue_role(role)
        assert source is not None
        services.role_take_catalogue_version(kommune=k, actor=None, role=role, source=source)
    taken = {r.key: r for r in Role.objects.for_kommune(k).filter(key__in=["cdo", "cio"])}
    assert taken["cdo"].purpose == "Neuer Zweck." and taken["cdo"].markers == ["lotse"]
    assert taken["cio"].markers == ["cio", "core", "it_betrieb"]  # unchanged by the Kommune: the catalogue's


def test_the_checks_count_an_own_role_marked_cdo(adopted: Model, admin_client: Client) -> None:
    w = adopted.world
    own = services.role_create(
        kommune=w.kommune, actor=None, data={"name": "Digitalisierungsbeauftragte(r)", "markers": ["cdo"]}
    )
    adopted.roles["own"] = own
    adopted.assign(w.alice, "own", 50)
    summary = overview.check_summary(w.kommune, w.kommune.slug)
    rules_found = {item.finding.rule for _severity, _label, items in summary.groups for item in items}
    assert "kernrolle.cdo" not in rules_found and "kernrolle.cdo.weitere" in rules_found
    assert {"kernrolle.cio", "kernrolle.isb", "kernrolle.dsb"} <= rules_found
    text = admin_client.get(reverse("roles:checks", args=[SLUG])).content.decode()
    assert "Die Rolle „Chief Digital Officer“ trägt ebenfalls die Markierung CDO und ist unbesetzt" in text


# --- marker names wherever a person reads them ----------------------------------------------------


def test_every_marker_of_the_shipped_catalogues_has_a_german_name() -> None:
    from kompass.roles.tests.test_catalogue_files import MARKERS

    for key in MARKERS:
        label = markers.marker_label(key)
        assert label != key and label != "weitere Markierung aus dem Katalog", key
    assert markers.marker_label("core") == "Kernrolle"
    assert markers.marker_label("lotse") == "Lotsin oder Lotse"
    assert markers.marker_label("neu_im_katalog") == "weitere Markierung aus dem Katalog"


def test_the_role_history_shows_marker_names_and_never_a_key(adopted: Model, admin_client: Client) -> None:
    cdo = adopted.roles["cdo"]
    response = admin_client.post(url("role_edit", cdo.pk), edit_form(cdo, markers=["cdo", "isb"]))
    assert response.status_code == 302
    text = admin_client.get(url("role_detail", cdo.pk)).content.decode()
    history = text[text.index('id="verlauf"') :]
    assert "CDO, Kernrolle" in history and "CDO, ISB, Kernrolle" in history
    assert "core" not in history
