"""S3: the checks of bandit run as ruff's `S` rules in `make lint` (pyproject.toml, `[tool.ruff.lint]`); only
S101 (assert) is switched off, and tests may use fixed passwords and random numbers. Every place in the app
code where a check is silenced is a reviewed exception: its `noqa` names the rule and says why it is safe."""

from __future__ import annotations

import re
from pathlib import Path

import kompass

ROOT = Path(kompass.__file__).parent
SILENCED = re.compile(r"#\s*noqa:\s*([A-Z0-9, ]*\bS\d{3}\b[A-Z0-9, ]*)(.*)$")


def _app_files() -> list[Path]:
    return [path for path in ROOT.rglob("*.py") if "tests" not in path.parts and path.name != "conftest.py"]


def silenced_without_reason(text: str) -> list[str]:
    """The lines of `text` that silence a security rule without a reason after it."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        match = SILENCED.search(line)
        if match and len(match.group(2).strip(" -—:")) < 8:
            found.append(f"{number}: {line.strip()}")
    return found


def test_every_silenced_security_check_in_the_app_code_says_why() -> None:
    missing = {
        str(path.relative_to(ROOT)): lines
        for path in _app_files()
        if (lines := silenced_without_reason(path.read_text(encoding="utf-8")))
    }
    assert not missing, missing


def test_the_review_check_finds_a_bare_noqa_and_accepts_one_with_a_reason() -> None:
    assert silenced_without_reason("run(argv)  # noqa: S603\nx = 1\n") == ["1: run(argv)  # noqa: S603"]
    assert silenced_without_reason("run(argv)  # noqa: S603 - fixed argument list, no shell\n") == []
    assert silenced_without_reason("x = 1  # noqa: E501\n") == []


def test_the_security_rules_are_on_in_the_lint_configuration() -> None:
    import tomllib

    config = tomllib.loads((ROOT.parent / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["ruff"]["lint"]
    assert "S" in config["select"]
    assert [rule for rule in config["ignore"] if rule.startswith("S")] == ["S101"]
