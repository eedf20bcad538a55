"""Supply chain: the SBOM and the vulnerability audit of the pinned dependencies (S4 in docs/security.md).

`make sbom` runs `python -m kompass.ops.supply sbom`: a CycloneDX 1.6 JSON SBOM of what runs in
production — every pin of requirements/base.txt (version, purl, hashes; made by cyclonedx-py) and the
front-end packages of package-lock.json that are served to browsers (htmx, KERN UX; axe-core is a test
tool and left out) — written to var/sbom.cdx.json and validated against the CycloneDX schema.

`make audit` runs `python -m kompass.ops.supply audit`: pip-audit checks every pin of the requirement
files against PyPI's vulnerability data (the JSON API `https://pypi.org/pypi/<name>/<version>/json`).
Before that, one request to the same address shows whether that data can be reached at all; a machine
that reaches only a mirror or no network cannot audit, and says so instead of reporting "no findings".

Exit codes of `audit`: 0 no known vulnerability, 1 vulnerabilities found (each with its id),
2 the tool failed, 3 the vulnerability data cannot be reached (nothing was checked).

Runs without Django; needs the packages of requirements/supply.txt (pip-audit, cyclonedx-bom).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = ROOT / "requirements"
AUDITED = ("base.txt", "dev.txt", "load.txt", "supply.txt")
PYPI = "https://pypi.org/pypi"

CLEAN, FOUND, FAILED, UNREACHABLE = 0, 1, 2, 3

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")
# What requests and urllib3 say when no connection comes about (DNS, refused, proxy, TLS, timeout).
_NETWORK_ERRORS = ("ConnectionError", "ProxyError", "ConnectTimeout", "ReadTimeout", "SSLError", "Max retries")


@dataclass(frozen=True)
class Pin:
    name: str
    version: str


def read_pins(path: Path) -> list[Pin]:
    """The `name==version` lines of a compiled requirements file (hash and comment lines skipped)."""
    pins = []
    for line in path.read_text().splitlines():
        match = _PIN.match(line.strip())
        if match:
            pins.append(Pin(match.group(1), match.group(2)))
    return pins


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


# --- SBOM ---------------------------------------------------------------------------------------


def _npm_components(lock_file: Path) -> list[dict[str, Any]]:
    """The runtime packages of package-lock.json (version 2 or 3) as CycloneDX components."""
    lock = json.loads(lock_file.read_text())
    components = []
    for key, package in sorted(lock.get("packages", {}).items()):
        if not key.startswith("node_modules/") or package.get("dev"):
            continue
        name = key.rsplit("node_modules/", 1)[1]
        version = package["version"]
        purl_name = "%40" + name[1:] if name.startswith("@") else name
        component: dict[str, Any] = {
            "type": "library",
            "bom-ref": f"npm:{name}@{version}",
            "name": name,
            "version": version,
            "purl": f"pkg:npm/{purl_name}@{version}",
        }
        if package.get("license"):
            component["licenses"] = [{"license": {"id": package["license"]}}]
        algorithm, _, digest = (package.get("integrity") or "").partition("-")
        if algorithm == "sha512" and digest:
            component["hashes"] = [{"alg": "SHA-512", "content": base64.b64decode(digest).hex()}]
        components.append(component)
    return components


def _direct_names(requirements_in: Path) -> set[str]:
    names = set()
    for line in requirements_in.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)", line.strip())
        if match and not line.strip().startswith("-"):
            names.add(_canonical(match.group(1)))
    return names


def _cyclonedx_py() -> list[str]:
    tool = Path(sys.executable).with_name("cyclonedx-py")
    return [str(tool)] if tool.exists() else ["cyclonedx-py"]


def build_sbom(output: Path, *, root: Path = ROOT) -> dict[str, Any]:
    """Write the SBOM of the runtime dependencies (Python pins and served npm packages) to `output`."""
    result = subprocess.run(  # noqa: S603 - fixed argument list of our own files, no shell
        [*_cyclonedx_py(), "requirements", str(root / "requirements" / "base.txt"),
         "--pyproject", str(root / "pyproject.toml"), "--spec-version", "1.6", "--output-reproducible",
         "--output-format", "JSON", "--output-file", "-", "--no-validate"],
        capture_output=True, text=True, check=True, timeout=300,
        env={**os.environ, "PYTHONWARNINGS": "ignore::UserWarning"},  # the dependency graph is added below
    )  # fmt: skip
    bom: dict[str, Any] = json.loads(result.stdout)
    npm = _npm_components(root / "package-lock.json")
    bom["components"] = [*bom.get("components", []), *npm]
    # The root depends on what base.in and package.json name; further edges are not known from pins.
    direct = _direct_names(root / "requirements" / "base.in")
    npm_direct = set(json.loads((root / "package.json").read_text()).get("dependencies", {}))
    depends_on = [
        c["bom-ref"]
        for c in bom["components"]
        if _canonical(c["name"]) in direct or (c["bom-ref"].startswith("npm:") and c["name"] in npm_direct)
    ]
    root_ref = bom["metadata"]["component"]["bom-ref"]
    bom["dependencies"] = [{"ref": root_ref, "dependsOn": sorted(depends_on)}]
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(bom, indent=2, ensure_ascii=False) + "\n")
    return bom


def validate_sbom(path: Path) -> None:
    """Raise ValueError when the file is not a valid CycloneDX 1.6 JSON document."""
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(path.read_text())
    if error is not None:
        raise ValueError(f"SBOM is not valid CycloneDX 1.6: {error}")


# --- Audit --------------------------------------------------------------------------------------


def _unreachable(reason: str) -> int:
    print(
        f"Schwachstellenprüfung nicht möglich: die Schwachstellendaten von PyPI ({PYPI}) sind nicht "
        f"erreichbar: {reason}. Es wurde nichts geprüft.\n"
        f"Vulnerability check not possible: PyPI's vulnerability data cannot be reached: {reason}. "
        f"Nothing was checked. Run `make audit` on a machine that reaches pypi.org directly "
        f"(the pins and the SBOM of `make sbom` still hold).",
        file=sys.stderr,
    )
    return UNREACHABLE


def probe(pin: Pin, *, timeout: float = 10) -> str | None:
    """None when PyPI answers for this pin as pip-audit will ask it; else why not (in German).

    Uses requests like pip-audit, so the same proxy and CA settings (HTTPS_PROXY, REQUESTS_CA_BUNDLE)
    apply. A mirror that serves packages but not the per-version JSON answers 404: not reachable either.
    """
    import requests

    url = f"{PYPI}/{_canonical(pin.name)}/{pin.version}/json"
    try:
        response = requests.get(url, timeout=timeout)
    except requests.RequestException as error:
        return f"keine Verbindung zu {url} ({type(error).__name__})"
    if response.status_code == 404:
        return f"{url} antwortet 404 (ein Spiegel ohne Versionsdaten?)"
    if response.status_code != 200:
        return f"{url} antwortet mit HTTP {response.status_code}"
    try:
        response.json()
    except ValueError:
        return f"{url} antwortet nicht mit JSON"
    return None


def _report(document: dict[str, Any]) -> int:
    found, skipped = [], []
    for dependency in document.get("dependencies", []):
        if "skip_reason" in dependency:
            skipped.append(f"{dependency['name']}: {dependency['skip_reason']}")
        for vuln in dependency.get("vulns", []):
            ids = ", ".join([vuln["id"], *vuln.get("aliases", [])])
            fixed = ", ".join(vuln.get("fix_versions", [])) or "keine"
            found.append(f"{dependency['name']} {dependency.get('version', '')}: {ids} (behoben in: {fixed})")
    if found:
        print(f"Bekannte Schwachstellen / known vulnerabilities ({len(found)}):", file=sys.stderr)
        for line in found:
            print(f"  {line}", file=sys.stderr)
        return FOUND
    if skipped:
        return _unreachable(f"{len(skipped)} Pakete ungeprüft, z. B. {skipped[0]}")
    print(
        f"Keine bekannten Schwachstellen in {len(document.get('dependencies', []))} Paketen / no known vulnerabilities."
    )
    return CLEAN


def audit(requirement_files: Sequence[Path], *, timeout: float = 15, extra: Sequence[str] = ()) -> int:
    """Check every pin of the files against PyPI's vulnerability data; the exit code says the outcome."""
    pins = [pin for path in requirement_files for pin in read_pins(path)]
    if not pins:
        print(f"Keine Pins in {', '.join(map(str, requirement_files))}.", file=sys.stderr)
        return FAILED
    reason = probe(pins[0], timeout=timeout)
    if reason is not None:
        return _unreachable(reason)
    command = [sys.executable, "-m", "pip_audit", "--require-hashes", "--disable-pip", "--format", "json",
               "--progress-spinner", "off", "--timeout", str(int(timeout)), *extra]  # fmt: skip
    for path in requirement_files:
        command += ["-r", str(path)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)  # noqa: S603 - fixed argument list, no shell
    try:
        document = json.loads(result.stdout)
    except ValueError:
        if any(marker in result.stderr for marker in _NETWORK_ERRORS):
            return _unreachable("die Verbindung brach während der Prüfung ab")
        print(f"pip-audit failed (exit {result.returncode}):\n{result.stderr[-2000:]}", file=sys.stderr)
        return FAILED
    return _report(document)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kompass.ops.supply", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    sbom = commands.add_parser("sbom", help="write the CycloneDX SBOM of the runtime dependencies")
    sbom.add_argument("-o", "--output", type=Path, default=ROOT / "var" / "sbom.cdx.json")
    check = commands.add_parser("audit", help="check the pins against PyPI's vulnerability data")
    check.add_argument("-r", "--requirement", type=Path, action="append", help="default: " + ", ".join(AUDITED))
    check.add_argument("--timeout", type=float, default=15)
    check.add_argument("--ignore-vuln", action="append", default=[], help="an accepted vulnerability id")
    args = parser.parse_args(argv)
    if args.command == "sbom":
        bom = build_sbom(args.output)
        validate_sbom(args.output)
        print(f"SBOM: {args.output} ({len(bom['components'])} components, CycloneDX {bom['specVersion']})")
        return CLEAN
    files = args.requirement or [REQUIREMENTS / name for name in AUDITED]
    extra = [item for vuln in args.ignore_vuln for item in ("--ignore-vuln", vuln)]
    return audit(files, timeout=args.timeout, extra=extra)


if __name__ == "__main__":
    sys.exit(main())
