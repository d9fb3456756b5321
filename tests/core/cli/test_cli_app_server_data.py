"""`fairness-explorer app --server-data DIR`: the folders the app may read data from."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fairness_core.cli import _main as cli
from fairness_core.engines import SERVER_DATA_ENV


def test_server_data_folders_reach_the_app_as_its_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each --server-data folder, resolved, joined with os.pathsep; a missing one is refused."""
    seen: dict[str, str] = {}

    def fake_serve(command: list[str], *, cwd: Path, env: dict[str, str]) -> int:
        seen.clear()
        seen.update(env)
        return 0

    monkeypatch.delenv(SERVER_DATA_ENV, raising=False)
    monkeypatch.setattr(cli, "serve", fake_serve)
    assert cli.main(["app"]) == 0
    assert SERVER_DATA_ENV not in seen
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    assert cli.main(["app", "--server-data", str(one), "--server-data", str(two)]) == 0
    assert seen[SERVER_DATA_ENV] == os.pathsep.join([str(one.resolve()), str(two.resolve())])
    assert cli.main(["app", "--server-data", str(tmp_path / "nope")]) == 2
    assert "--server-data must name folders" in capsys.readouterr().err
