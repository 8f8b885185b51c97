"""PySide6's "does this module use PySide6?" answered from the file's bytes, with the same
answer as PySide6's own check (``nebula_desktop.ui.common.feature_check``)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import PySide6.QtCore  # noqa: F401  (PySide6's feature support is set up by its first import)
import pytest

from nebula_desktop.ui.common import feature_check


@pytest.fixture
def modules(tmp_path: Path) -> Iterator[Path]:
    sys.path.insert(0, str(tmp_path))
    yield tmp_path
    sys.path.remove(str(tmp_path))
    for name in ("nebula_probe_uses", "nebula_probe_plain"):
        sys.modules.pop(name, None)


def test_modules_get_the_same_feature_flag_as_pysides_own_check(modules: Path) -> None:
    feature = sys.modules["shibokensupport.feature"]
    assert feature_check.use_byte_search()
    assert feature_check.use_byte_search()  # a second call changes nothing
    (modules / "nebula_probe_uses.py").write_text("from PySide6.QtCore import QObject\n")
    (modules / "nebula_probe_plain.py").write_text("# 京都: no Qt here\nVALUE = 1\n")
    # An import statement (PySide6 hooks ``__import__``) records the module's flag.
    import nebula_probe_plain as plain  # type: ignore[import-not-found]
    import nebula_probe_uses as uses  # type: ignore[import-not-found]

    assert feature.pyside_feature_dict["nebula_probe_uses"] == 0  # takes part in switches
    assert feature.pyside_feature_dict["nebula_probe_plain"] == -1  # ignored
    upstream = feature._mod_uses_pyside.__closure__[0].cell_contents
    assert upstream(uses) is True and upstream(plain) is False
    # Modules without a source file (built in, compiled) still get PySide6's own answer.
    assert feature._mod_uses_pyside(sys) is False
