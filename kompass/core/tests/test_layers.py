"""The layers between apps are a checked rule: `lint-imports` (run by `make lint`) keeps them.

The test runs the real contracts of `pyproject.toml` on a copy of the package: as it is, and with
one import against the layers added, which must fail the lint.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
LINT = Path(sys.executable).parent / "lint-imports"


def _copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "kompass", tmp_path / "kompass", ignore=shutil.ignore_patterns("__pycache__", "locale"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _lint(where: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(where)}
    return subprocess.run(
        [str(LINT), "--no-cache"], cwd=where, env=env, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture(scope="module")
def copy_of_the_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _copy(tmp_path_factory.mktemp("layers"))


def test_the_package_keeps_its_layers(copy_of_the_package: Path) -> None:
    result = _lint(copy_of_the_package)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "bad_import", "named"),
    [
        ("org/selectors.py", "from kompass.roles import models as _roles", "kompass.org.selectors -> kompass.roles"),
        ("core/pagination.py", "import kompass.tenancy.models", "kompass.core.pagination -> kompass.tenancy"),
        ("tabular/apps.py", "import kompass.org.models", "kompass.tabular.apps -> kompass.org"),
        ("roles/rules.py", "import kompass.ui.views", "kompass.roles.rules -> kompass.ui"),
    ],
)
def test_an_import_against_the_layers_fails_the_lint(tmp_path: Path, module: str, bad_import: str, named: str) -> None:
    where = _copy(tmp_path)
    target = where / "kompass" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{bad_import}  # against the layers\n", encoding="utf-8")
    result = _lint(where)
    assert result.returncode == 1, result.stdout
    assert "BROKEN" in result.stdout and named in result.stdout.replace("\n", " ")
