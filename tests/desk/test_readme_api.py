"""The README's Python API keeps working: its example runs, and every ``Desk`` method and
package face it names exists (the house rule: reorganising the core never breaks the API)."""

from __future__ import annotations

import importlib
import re
import shutil
from pathlib import Path

from desk import Desk
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
API = README.split("## Python API", 1)[1].split("\n## ", 1)[0]


def test_the_readme_example_runs(tmp_path: Path, monkeypatch) -> None:
    code = re.search(r"```python\n(.*?)```", API, re.S).group(1)
    articles = tmp_path / "articles"
    articles.mkdir()
    for seed in (ROOT / "seeds").glob("ukraine*"):
        shutil.copy(seed, articles)
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})  # noqa: S102 - our own documentation
    assert (tmp_path / "claims.csv").read_text(encoding="utf-8").startswith("claim_id,")


def test_every_desk_method_the_readme_names_exists() -> None:
    named = set(re.findall(r"`(?:desk\.|Desk\.)?([a-z_]+)(?:\(|`)", API)) - {"str", "conn", "db"}
    named |= set(re.findall(r"desk\.([a-z_]+)\(", API))  # the example's calls
    missing = sorted(name for name in named if not hasattr(Desk, name))
    assert not missing, missing
    assert len(named) > 20  # the patterns really found the API's calls


def test_every_package_face_the_readme_names_exists() -> None:
    faces = re.findall(r"`from (desk(?:\.\w+)?) import ([\w, ]+)`", README)
    assert faces
    for module, names in faces:
        for name in names.split(","):
            assert hasattr(importlib.import_module(module), name.strip()), (module, name)
