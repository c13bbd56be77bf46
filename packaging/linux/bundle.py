"""What the .deb needs to know about the frozen bundle, computed from its ELF files.

    python3 packaging/linux/bundle.py runpath APP      # drop build-machine RUNPATHs
    python3 packaging/linux/bundle.py depends APP      # the Depends line (dpkg-shlibdeps)
    python3 packaging/linux/bundle.py notices APP      # the copyright file's notices

``runpath``: PyInstaller copies libraries as the build machine's Python has them; 54 of
them carried ``RUNPATH /root/.pyenv/versions/3.11.7/lib``, a folder that does not exist
on a shop's PC (and that another user could create there). Only ``$ORIGIN``-relative
entries are kept (patchelf).

``depends``: dpkg-shlibdeps over every ELF file, with the bundle's own folders as
private libraries: the Depends line is what the bundle really links, nothing by hand.

``notices``: the Python distributions whose code PyInstaller collected (matched by their
top-level modules in the bundle) with version and licence, and the shared libraries
bundled beside them, for the DEP-5 copyright file.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path


def elf_files(app: Path) -> Iterator[Path]:
    for path in sorted(app.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as file:
                if file.read(4) == b"\x7fELF":
                    yield path


def dynamic(path: Path) -> str:
    return subprocess.run(["readelf", "-d", str(path)], capture_output=True, text=True,
                          check=False).stdout


def runpaths(path: Path) -> list[str]:
    found = re.search(r"\((?:RUNPATH|RPATH)\).*\[(.*)\]", dynamic(path))
    return found.group(1).split(":") if found else []


def fix_runpaths(app: Path) -> int:
    changed = 0
    for path in elf_files(app):
        entries = runpaths(path)
        keep = [e for e in entries if e.startswith("$ORIGIN")]
        if entries and keep != entries:
            if keep:
                subprocess.run(["patchelf", "--set-rpath", ":".join(keep), str(path)], check=True)
            else:
                subprocess.run(["patchelf", "--remove-rpath", str(path)], check=True)
            changed += 1
    print(f"runpath: {changed} files had a build-machine RUNPATH, now removed", file=sys.stderr)
    return 0


def soname(path: Path) -> str | None:
    found = re.search(r"\(SONAME\).*\[(.*)\]", dynamic(path))
    return found.group(1) if found else None


def shlibs_line(name: str) -> str | None:
    """``libssl.so.3`` → ``libssl 3 super-pos``: a library the package itself provides."""
    for pattern in (r"^(.+)\.so\.(.+)$", r"^(.+)-([0-9][0-9.]*)\.so$"):
        found = re.match(pattern, name)
        if found:
            return f"{found.group(1)} {found.group(2)} super-pos"
    return None


def depends(app: Path) -> int:
    """dpkg-shlibdeps over every ELF file. The bundle's own libraries are declared in a
    shlibs.local as provided by super-pos itself (then dropped with -x): dpkg-shlibdeps
    would otherwise map a bundled libssl.so.3 to the system's libssl3."""
    files = list(elf_files(app))
    private = sorted({str(p.parent) for p in files if ".so" in p.name})
    own = sorted({line for p in files if ".so" in p.name
                  for line in [shlibs_line(soname(p) or p.name)] if line})
    with tempfile.TemporaryDirectory() as work:
        debian = Path(work) / "debian"
        debian.mkdir()
        (debian / "control").write_text(
            "Source: super-pos\n\nPackage: super-pos\nArchitecture: any\n", encoding="utf-8")
        (debian / "shlibs.local").write_text("\n".join(own) + "\n", encoding="utf-8")
        done = subprocess.run(
            ["dpkg-shlibdeps", "-O", "-xsuper-pos", "--ignore-missing-info", "--warnings=0",
             *(f"-l{d}" for d in private), *(f"-e{p}" for p in files)],
            cwd=work, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print(done.stderr, file=sys.stderr)
        return done.returncode
    line = next(x for x in done.stdout.splitlines() if x.startswith("shlibs:Depends="))
    print(line.removeprefix("shlibs:Depends="))
    return 0


def _license(dist: metadata.Distribution) -> str:
    meta = dist.metadata
    expression = meta.get("License-Expression")
    if expression:
        return str(expression)
    classifiers = [c.split(" :: ")[-1] for c in meta.get_all("Classifier") or []
                   if c.startswith("License :: ")]
    text = (meta.get("License") or "").strip()
    if classifiers:
        return ", ".join(classifiers)
    return text.splitlines()[0][:80] if text else "see the distribution's own files"


def notices(app: Path) -> int:
    internal = app / "_internal"
    present = {p.name.split(".")[0] for p in internal.iterdir()}
    owners = metadata.packages_distributions()
    dists: dict[str, tuple[str, str, list[str]]] = {}
    for module, names in sorted(owners.items()):
        if module in present and not module.startswith("pos_"):
            for name in names:
                dist = metadata.distribution(name)
                entry = dists.setdefault(dist.metadata["Name"], (dist.version, _license(dist), []))
                entry[2].append(module)
    print("Python distributions collected by PyInstaller (name, version, licence, where):")
    for name, (version, licence, modules) in sorted(dists.items(), key=lambda i: i[0].lower()):
        where = ", ".join(f"_internal/{m}" for m in sorted(set(modules)))
        print(f" {name} {version}: {licence} ({where})")
    print(" .")
    print("Shared libraries bundled beside them (from their Python wheels or the build's")
    print("Python; the system's own libraries are not bundled, they are Depends):")
    libs = sorted({p.name for p in elf_files(internal) if ".so" in p.name
                   and p.parent == internal})
    for lib in libs:
        print(f" _internal/{lib}")
    return 0


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("runpath", "depends", "notices"):
        print(__doc__, file=sys.stderr)
        return 2
    app = Path(argv[1])
    return {"runpath": fix_runpaths, "depends": depends, "notices": notices}[argv[0]](app)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
