"""The build step pyproject.toml cannot declare: the translations compiled to ``.mo``.

Everything else about the package is in pyproject.toml. ``build_py`` (which every wheel,
sdist-to-wheel build and ``pip install .`` runs) compiles each ``pos_common/locale/*.po``
with Babel into the build folder, so an installed till reads ``es_AR.mo`` with the
standard ``gettext`` module and needs neither the ``.po`` nor a compile at start-up (the
``.po`` is not package data: MANIFEST.in puts it in the sdist, the source of the build).
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

LOCALE = Path("pos_common") / "locale"


class BuildPyWithCatalogues(build_py):
    def run(self) -> None:
        super().run()
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po in sorted(LOCALE.glob("*.po")):
            target = Path(self.build_lib) / LOCALE / f"{po.stem}.mo"
            target.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as source:
                catalogue = read_po(source, locale=po.stem)
            with target.open("wb") as compiled:
                write_mo(compiled, catalogue)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = super().get_outputs(include_bytecode)
        outputs += [str(Path(self.build_lib) / LOCALE / f"{po.stem}.mo")
                    for po in sorted(LOCALE.glob("*.po"))]
        return outputs


setup(cmdclass={"build_py": BuildPyWithCatalogues})
