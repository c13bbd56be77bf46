"""The Python distributions (python -m build): what a distribution packager or a head
office installs from. The wheel carries the font licence and the man pages; the sdist
carries the tests, benchmarks and packaging, so the tests can run from it; twine check
passes. Also, always: the man pages are in step with the parsers, and the udev rule
names printer models, never whole vendors."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from pos_desktop import __version__

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "packaging" / "linux" / "60-super-pos-printers.rules"


def test_the_man_pages_are_generated_from_the_current_parsers() -> None:
    done = subprocess.run([sys.executable, "tools/manpage.py", "--check"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr


def test_the_udev_rule_grants_listed_models_only() -> None:
    rules = [line for line in RULES.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    grants = [line for line in rules if "uaccess" in line]
    assert len(grants) >= 5
    for line in grants:
        assert re.search(r'ATTRS\{idVendor\}=="[0-9a-f]{4}", ATTRS\{idProduct\}=="[0-9a-f]{4}"',
                         line), f"a whole vendor: {line}"
    pairs = {tuple(re.findall(r'=="([0-9a-f]{4})"', line)) for line in grants}
    assert ("0483",) not in pairs and ("1fc9",) not in pairs
    readme = (ROOT / "packaging" / "README.md").read_text(encoding="utf-8")
    for vendor, product in pairs:
        assert f"{vendor}:{product}" in readme  # the README lists every model granted


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if os.environ.get("POS_BUILD_PACKAGES") != "1":
        pytest.skip("set POS_BUILD_PACKAGES=1 to build the sdist and the wheel")
    built = ROOT / "dist"  # .ci/run builds them there first (and runs twine check on them)
    sdist = built / f"super_pos-{__version__}.tar.gz"
    wheel = built / f"super_pos-{__version__}-py3-none-any.whl"
    if not (sdist.is_file() and wheel.is_file()):
        out = tmp_path_factory.mktemp("dist")
        subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
                       check=True, capture_output=True, timeout=900)
        sdist, wheel = next(out.glob("*.tar.gz")), next(out.glob("*.whl"))
    return {"sdist": sdist, "wheel": wheel}


@pytest.mark.slow
@pytest.mark.package
def test_the_wheel_carries_the_licences_and_man_pages(dists: dict[str, Path]) -> None:
    names = set(zipfile.ZipFile(dists["wheel"]).namelist())
    info = f"super_pos-{__version__}.dist-info"
    assert "pos_common/fonts/LICENSE" in names  # beside the fonts it covers
    assert {f"{info}/licenses/LICENSE", f"{info}/licenses/pos_common/fonts/LICENSE"} <= names
    data = f"super_pos-{__version__}.data/data/share/man/man1"
    assert {f"{data}/pos-desktop.1", f"{data}/pos-central.1"} <= names
    metadata = zipfile.ZipFile(dists["wheel"]).read(f"{info}/METADATA").decode()
    assert "License-Expression: LicenseRef-Proprietary" in metadata
    assert "Project-URL: Homepage" in metadata and "Classifier: Topic :: Office/Business" in metadata
    assert not any(n.startswith(("tests/", "benchmarks/")) for n in names)
    # the translations compiled by the build step (setup.py), not their source
    assert "pos_common/locale/es_AR.mo" in names
    assert "pos_common/locale/es_AR.po" not in names


@pytest.mark.slow
@pytest.mark.package
def test_the_sdist_carries_tests_benchmarks_and_packaging(dists: dict[str, Path]) -> None:
    with tarfile.open(dists["sdist"]) as sdist:
        names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    for path in ("tests/conftest.py", "tests/packaging/test_package.py",
                 "benchmarks/bench_till.py", "build.spec", "packaging/linux/build_deb.sh",
                 "packaging/windows/super-pos.nsi", "packaging/systemd/pos-central-ingest.service",
                 "packaging/compose/compose.yaml", "packaging/man/pos-desktop.1",
                 "tools/manpage.py", "LICENSE", "CHANGELOG.md", ".ci/run",
                 "pos_common/locale/es_AR.po", "babel.cfg", "setup.py"):
        assert path in names, path
    assert not any("secrets/" in n and not n.endswith(".gitkeep") for n in names)


@pytest.mark.slow
@pytest.mark.package
def test_twine_check_passes(dists: dict[str, Path]) -> None:
    done = subprocess.run([sys.executable, "-m", "twine", "check", "--strict",
                           str(dists["sdist"]), str(dists["wheel"])],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
