"""Hostile files are built once per session: the largest takes under a second and 2 MB of disk."""

from __future__ import annotations

import pytest

from . import files


@pytest.fixture(scope="session")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    return {
        "xfd20000": files.far_cell(folder / "xfd20000.xlsx", "XFD20000"),
        "xfd1048576": files.far_cell(folder / "xfd1048576.xlsx", "XFD1048576"),
        "shared_strings": files.repeated_shared_strings(folder / "shared_strings.xlsx"),
        "wide_csv": files.wide_csv(folder / "wide.csv"),
        "ratio_bomb": files.ratio_bomb(folder / "ratio_bomb.xlsx"),
    }
