"""Every named number in the model code says where it comes from.

Parameters a user may change live in the config schema with a unit and a source (tests/test_config.py);
the rest are module-level constants whose comment, on the same line, names a source: a seed document,
a FACTS row (F1..F15), an author and year, or the word "assumption".
"""

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MODEL_FILES = sorted((ROOT / "exsim" / "mechanisms").glob("*.py")) + [
    ROOT / "exsim" / "interventions.py",
    ROOT / "exsim" / "model" / "setup.py",
]
SOURCE = re.compile(r"\bseeds? \d|\bF\d|\bassumption\b|\b[A-Z][a-zA-Z]+\b[^#]*\b(19|20)\d\d\b")


def _is_number(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool)


def numeric_constants(text: str) -> dict[str, int]:
    """Module-level UPPER_CASE names assigned an expression containing a number literal -> their line."""
    found = {}
    for stmt in ast.parse(text).body:
        if not isinstance(stmt, (ast.Assign, ast.AnnAssign)) or stmt.value is None:
            continue
        if not any(_is_number(node) for node in ast.walk(stmt.value)):
            continue
        for target in stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]:
            if isinstance(target, ast.Name) and target.id.isupper():
                found[target.id] = stmt.lineno
    return found


def comments(text: str) -> dict[int, str]:
    """Line number -> the comment on that line."""
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    return {tok.start[0]: tok.string for tok in tokens if tok.type == tokenize.COMMENT}


def unsourced(text: str) -> list[str]:
    """Names of numeric constants whose line has no comment naming a source."""
    notes = comments(text)
    return [name for name, line in numeric_constants(text).items() if not SOURCE.search(notes.get(line, ""))]


@pytest.mark.parametrize("path", MODEL_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_numeric_constant_names_its_source(path):
    missing = unsourced(path.read_text())
    assert not missing, f"{path.relative_to(ROOT)}: {', '.join(missing)} need a comment with a source or 'assumption'"


def test_the_scan_finds_constants_and_catches_a_bare_one():
    found = {name for path in MODEL_FILES for name in numeric_constants(path.read_text())}
    assert {"MAX_WORKLOAD", "CONTAGION_WINDOW_WEEKS", "MAX_TENURE_WEEKS"} <= found
    text = ("A = 2.5  # cap (assumption)\nB = 3\nC = 0.1  # a number\nD = -4  # F7\nE = 2 * A  # seed 001\n"
            "F = 7  # Farber 1994\nNAME = 'x'\nFLAG = True\nlower = 2\n")
    assert unsourced(text) == ["B", "C"]
