"""Every requirement is listed in THIRD_PARTY.md and declares a licence Heard may depend on.

Heard is Apache-2.0 and may be shipped inside commercial products, so a requirement under
the GPL or AGPL (or one that forbids commercial use) is a defect, as is an unlisted one.
"""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
NOTICE = (ROOT / "THIRD_PARTY.md").read_text(encoding="utf-8")
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]

# Weak copyleft that applies to the library itself, not to programs that import it.
ALLOWED_COPYLEFT = ("LGPL", "MPL", "Lesser General Public")
FORBIDDEN = re.compile(r"\b(A?GPL|General Public License|Non-?Commercial|CC-BY-NC)", re.I)


def _requirements(groups: list[str]) -> list[Requirement]:
    out = [Requirement(r) for r in PROJECT["dependencies"]]
    for group in groups:
        out += [Requirement(r) for r in PROJECT["optional-dependencies"][group]]
    return out


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared_licence(dist: metadata.Distribution) -> str:
    meta = dist.metadata
    parts = [meta.get("License-Expression") or "", (meta.get("License") or "")[:200]]
    parts += [c for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    return " | ".join(p for p in parts if p)


def _is_forbidden(licence: str) -> bool:
    cleaned = licence
    for ok in ALLOWED_COPYLEFT:
        cleaned = re.sub(rf"{ok}[\w.\-+ ]*", "", cleaned, flags=re.I)
    cleaned = cleaned.replace("GNU Lesser", "")
    return bool(FORBIDDEN.search(cleaned))


@pytest.mark.parametrize(
    "requirement",
    _requirements(["semantic", "test"]),
    ids=lambda r: r.name,
)
def test_every_requirement_is_listed_in_the_notice(requirement):
    listed = {_norm(m) for m in re.findall(r"^\|\s*([A-Za-z0-9_.\-]+)", NOTICE, re.M)}
    listed |= {
        _norm(m)
        for m in re.findall(r"\b([A-Za-z][A-Za-z0-9\-]+)\s+\((?:MIT|BSD|Apache|MPL)", NOTICE)
    }
    assert _norm(requirement.name) in listed, (
        f"{requirement.name} is a requirement but THIRD_PARTY.md does not list it with its licence"
    )


def test_installed_requirements_declare_licences_heard_may_depend_on():
    checked, bad = [], []
    for req in _requirements(["semantic", "test"]):
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        try:
            dist = metadata.distribution(req.name)
        except metadata.PackageNotFoundError:
            continue  # an optional extra that is not installed here
        licence = _declared_licence(dist)
        checked.append(req.name)
        if not licence or _is_forbidden(licence):
            bad.append(f"{req.name}: {licence or 'no licence declared'}")
    assert len(checked) >= len(PROJECT["dependencies"]) - 1, checked
    assert not bad, "requirements with a licence Heard cannot depend on: " + "; ".join(bad)


@pytest.mark.parametrize(
    "licence, forbidden",
    [
        (
            "GPL-3.0-or-later | License :: OSI Approved :: GNU General Public License v3 (GPLv3)",
            True,
        ),
        ("AGPL-3.0-only", True),
        ("CC-BY-NC-SA-4.0", True),
        ("LGPL-3.0-only", False),
        ("MPL-2.0 AND (Apache-2.0 OR MIT)", False),
        ("License :: OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)", False),
        ("BSD-3-Clause", False),
    ],
)
def test_the_licence_check_tells_copyleft_from_permissive(licence, forbidden):
    assert _is_forbidden(licence) is forbidden


def test_the_hyperscan_notice_carries_the_bundled_libraries_licences():
    # The wheel links Vectorscan and PCRE statically: their BSD terms ask for the notice and
    # disclaimer to travel with binary redistributions.
    for name in ("Vectorscan / Hyperscan licence", "PCRE licence"):
        section = NOTICE.split(f"### {name}", 1)
        assert len(section) == 2, f"THIRD_PARTY.md lacks the {name} text"
        assert "Redistributions in binary form must reproduce" in section[1]
        assert "WITHOUT" in section[1].upper() or "AS IS" in section[1]
