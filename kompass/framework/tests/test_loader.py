"""Loading catalogue versions side by side, as the Katalog-Aktualisierung needs them.

A newer version is a second file (`orientierungsrahmen-2026.2.toml`) or a later load of a changed
file with a new version number; the versions stay apart, the newest is found numerically, and the
shipped file loads and can be adopted by a Kommune.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kompass.conftest import World
from kompass.framework import services, updates
from kompass.framework.catalogue_loader import CatalogueFileError, latest_catalogue, load_framework
from kompass.framework.models import CatalogueCriterion, CatalogueField, Field, FrameworkCatalogue
from kompass.framework.tests.catalogue_fixture import catalogue_toml, write_catalogue

pytestmark = pytest.mark.django_db


def test_two_versions_in_one_directory_load_apart_and_the_newest_wins(tmp_path: Path) -> None:
    write_catalogue(tmp_path)
    (tmp_path / "orientierungsrahmen-2026.2.toml").write_text(
        catalogue_toml(version="2026.2", extra_criterion=True), encoding="utf-8"
    )
    result = load_framework(tmp_path)
    assert sorted(result.loaded) == ["orientierungsrahmen 2026.1", "orientierungsrahmen 2026.2"]
    newest = latest_catalogue()
    assert newest is not None and newest.version == "2026.2"
    assert CatalogueCriterion.objects.filter(catalogue=newest, key="zeitanteile").exists()
    assert not CatalogueCriterion.objects.filter(catalogue__version="2026.1", key="zeitanteile").exists()
    assert sorted(load_framework(tmp_path).unchanged) == ["orientierungsrahmen 2026.1", "orientierungsrahmen 2026.2"]


def test_versions_compare_as_numbers(tmp_path: Path) -> None:
    for version in ("2026.9", "2026.10"):
        directory = tmp_path / version
        directory.mkdir()
        (directory / "orientierungsrahmen.toml").write_text(catalogue_toml(version=version), encoding="utf-8")
        load_framework(directory)
    newest = latest_catalogue()
    assert newest is not None and newest.version == "2026.10"


def test_a_changed_file_without_a_new_version_is_refused(tmp_path: Path) -> None:
    load_framework(write_catalogue(tmp_path))
    (tmp_path / "orientierungsrahmen.toml").write_text(catalogue_toml(rename="Anders"), encoding="utf-8")
    with pytest.raises(CatalogueFileError, match="ohne die Version zu erhöhen"):
        load_framework(tmp_path)
    assert FrameworkCatalogue.objects.count() == 1
    assert not CatalogueField.objects.filter(name="Anders").exists()


def test_a_kommune_that_adopted_the_older_version_is_offered_the_newer_one(world: World, tmp_path: Path) -> None:
    load_framework(write_catalogue(tmp_path / "v1"))
    services.framework_adopt(kommune=world.kommune, actor=world.admin, catalogue=latest_catalogue())
    directory = tmp_path / "v2"
    directory.mkdir()
    (directory / "orientierungsrahmen.toml").write_text(
        catalogue_toml(version="2026.2", rename="Rollen und Zuständigkeiten"), encoding="utf-8"
    )
    load_framework(directory)
    offer = updates.framework_updates(world.kommune)
    assert offer is not None and offer.newest.version == "2026.2"
    assert [g.field.key for g in offer.groups] == ["rollen-verantwortung"]
    assert Field.objects.for_kommune(world.other).count() == 0
    assert updates.framework_updates(world.other) is None


def test_the_shipped_catalogue_loads_and_is_adopted_with_optional_fields_switched_off(world: World) -> None:
    load_framework()
    catalogue = latest_catalogue()
    assert catalogue is not None
    services.framework_adopt(kommune=world.kommune, actor=world.admin, catalogue=catalogue)
    fields = Field.objects.for_kommune(world.kommune)
    optional = set(CatalogueField.objects.filter(catalogue=catalogue, optional=True).values_list("key", flat=True))
    assert fields.count() == CatalogueField.objects.filter(catalogue=catalogue).count() >= 30
    assert set(fields.filter(is_active=False).values_list("key", flat=True)) == optional
    assert updates.framework_updates(world.kommune) is None
