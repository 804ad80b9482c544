"""Import layers: what each package may import, read from the source (imports inside functions count too)."""

from __future__ import annotations

import ast
from pathlib import Path

import exsim

PACKAGE = Path(exsim.__file__).parent

REPORT_NEVER = ("exsim.model", "exsim.mechanisms", "exsim.interventions", "exsim.org", "exsim.analysis",
                "exsim.calibration", "exsim.validation")


def _imported_modules(tree) -> list[tuple[int, str]]:
    """Every module an AST imports, at any depth (inside functions, TYPE_CHECKING blocks), with its line."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            assert node.level == 0, f"line {node.lineno}: relative import"
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
        elif (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None))
              in ("import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant)):
            found.append((node.lineno, str(node.args[0].value)))
    return found


def _imports_of(parts: list[str], never: tuple[str, ...]) -> list[str]:
    """'file:line imports module' for each import under exsim/<part> (a folder or a .py file) of a module in `never`."""
    files = []
    for part in parts:
        path = PACKAGE / part
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    assert files and all(f.is_file() for f in files), parts
    return [f"{path.relative_to(PACKAGE)}:{line} imports {name}"
            for path in files for line, name in _imported_modules(ast.parse(path.read_text()))
            if any(name == n or name.startswith(n + ".") for n in never)]


def test_report_imports_no_model_org_or_analysis():
    bad = _imports_of(["report"], REPORT_NEVER)
    assert not bad, bad


def test_results_import_nothing_from_runs():
    bad = _imports_of(["results"], ("exsim.runs",))
    assert not bad, bad


def test_the_import_check_sees_imports_inside_functions():
    tree = ast.parse("def f():\n    from exsim.analysis.business_case import x\n    import exsim.org\n"
                     "    from exsim import model\n    __import__('exsim.mechanisms')\n")
    names = {name for _, name in _imported_modules(tree)}
    assert {"exsim.analysis.business_case", "exsim.org", "exsim.model", "exsim.mechanisms"} <= names


def test_data_imports_nothing_from_org_or_model():
    bad = _imports_of(["data"], ("exsim.org", "exsim.model", "exsim.mechanisms", "exsim.interventions"))
    assert not bad, bad


def test_no_module_imports_another_modules_private_names():
    bad = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("exsim") and node.module != module:
                bad += [f"{path.relative_to(PACKAGE)}:{node.lineno} imports {node.module}.{alias.name}"
                        for alias in node.names if alias.name.startswith("_") and not alias.name.startswith("__")]
    assert not bad, bad


ABOVE_THE_MODEL = ("exsim.cli", "exsim.bench", "exsim.dashboard", "exsim.lessons", "exsim.report", "exsim.analysis",
                   "exsim.calibration", "exsim.validation", "exsim.runs", "exsim.results")
MODEL = ("exsim.model", "exsim.mechanisms", "exsim.interventions")


def test_config_imports_nothing_of_exsim_but_itself():
    everything_else = (*ABOVE_THE_MODEL, *MODEL, "exsim.metrics", "exsim.org", "exsim.data")
    bad = _imports_of(["config"], everything_else)
    assert not bad, bad


def test_the_model_knows_no_runner_analysis_report_or_screen():
    bad = _imports_of(["model", "mechanisms", "interventions.py"], ABOVE_THE_MODEL)
    assert not bad, bad


def test_mechanisms_and_metrics_sit_below_the_model_package():
    assert not (bad := _imports_of(["mechanisms", "interventions.py"], ("exsim.model",))), bad
    assert not (bad := _imports_of(["metrics"], (*MODEL, *ABOVE_THE_MODEL))), bad
    assert not (bad := _imports_of(["interventions.py"], ("exsim.mechanisms",))), bad  # config in time, no loop
