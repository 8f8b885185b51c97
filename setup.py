"""The package layout, found rather than listed: the one part pyproject.toml cannot express.

Everything else about the project is in pyproject.toml. Here setuptools finds every package
under ``nebula_desktop/``, so a new sub-package can never be left out of the wheel, and adds the
top-level ``resources/`` folder as ``nebula_desktop.resources`` (``[tool.setuptools.packages.find]``
cannot add a folder under another name to what it finds). Each data folder under ``resources/``
(icons, translations, styles ...) is a namespace package whose files are package data, which is
what setuptools asks for instead of warning "Package would be ignored"; ``__pycache__`` is never
shipped. tests/e2e/test_wheel_install.py builds, installs and runs the wheel.
"""

from setuptools import find_namespace_packages, find_packages, setup

RESOURCES = "nebula_desktop.resources"
data_folders = [
    f"{RESOURCES}.{name}"
    for name in find_namespace_packages(where="resources", exclude=["__pycache__", "*.__pycache__"])
]
resource_packages = [RESOURCES, *data_folders]

setup(
    packages=[*find_packages(include=["nebula_desktop", "nebula_desktop.*"]), *resource_packages],
    package_dir={RESOURCES: "resources"},
    package_data={name: ["*"] for name in resource_packages},
)
