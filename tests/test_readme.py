"""Docs that run: the README's Python example works as printed."""

import re
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def test_readme_python_example_runs(monkeypatch):
    text = (ROOT / "README.md").read_text()
    (code,) = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    monkeypatch.chdir(ROOT)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    tables = namespace["tables"]
    assert isinstance(tables["timeseries"], pd.DataFrame) and len(tables["timeseries"]) == 156
    assert namespace["config"].org.span_of_control == 12
    person = namespace["person"]
    assert person.engagement == namespace["model"].staff.engagement[person.row]


def test_readme_lists_every_cli_command():
    from exsim.cli import main

    text = (ROOT / "README.md").read_text()
    for name in main.commands:
        assert f"exsim {name}" in text, name
