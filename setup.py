"""Build step pyproject.toml cannot declare: docgen's own templates into the package.

The templates live at the top of the repository (``templates/``, where a clerk and the README find
them and where ``docgen.authoring`` writes them); a wheel carries them as ``docgen/templates/``, the
folder the renderer looks in first (docgen/render/renderer.py). Everything else is in pyproject.toml.
"""
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithTemplates(build_py):
    """build_py that also copies templates/*.docx into the built package as docgen/templates/."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib, "docgen", "templates")
        self.mkpath(str(target))
        for template in sorted(Path(__file__).resolve().parent.joinpath("templates").glob("*.docx")):
            self.copy_file(str(template), str(target / template.name))


setup(cmdclass={"build_py": BuildWithTemplates})
