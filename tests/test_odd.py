"""docs/ODD.md stays true: the process list is the phase list, and every parameter section and key is there.

`python tests/test_odd.py` rewrites the generated parts (the phases and the parameter tables).
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ODD = ROOT / "docs" / "ODD.md"
BLOCKS = {"phases": "exsim.model.week.PHASES", "parameters": "exsim.config.schema"}


def phases_block() -> str:
    from exsim.model.week import describe_week

    return describe_week()


def parameters_block() -> str:
    from exsim.config.schema import Department, parameter_sections

    parts = []
    for name, section in {**parameter_sections(), "departments": Department}.items():
        title = {"interventions": "[[interventions]] (each scheduled change)",
                 "departments": "[departments.<name>] (each department; its sub-tables hold its own values)"}
        parts += [f"#### {title.get(name, f'[{name}]')}", "", "| key | default | unit | meaning | source |",
                  "|---|---|---|---|---|"]
        for key, spec in section.model_fields.items():
            extra = spec.json_schema_extra or {}
            meaning = (spec.description or "").split(" [")[0].replace("|", "/")
            default = "(required)" if spec.is_required() else repr(spec.default if spec.default_factory is None
                                                                    else spec.default_factory())
            parts.append(f"| `{key}` | `{default}` | {extra.get('unit', '-')} | {meaning} | "
                         f"{str(extra.get('source', '-')).replace('|', '/')} |")
        parts.append("")
    return "\n".join(parts).rstrip()


def block(text: str, name: str) -> str:
    match = re.search(rf"<!-- {name}: [^>]*-->\n(.*?)<!-- /{name} -->", text, flags=re.S)
    assert match, f"docs/ODD.md lacks the <!-- {name}: ... --> block"
    return match.group(1).rstrip("\n")


def regenerate() -> None:
    text = ODD.read_text()
    for name, source in BLOCKS.items():
        body = {"phases": phases_block, "parameters": parameters_block}[name]()
        text = re.sub(rf"(<!-- {name}: [^>]*-->\n).*?(<!-- /{name} -->)", lambda m: m.group(1) + body + "\n" + m.group(2),
                      text, flags=re.S)
    ODD.write_text(text)


def test_odd_has_every_section_of_the_protocol():
    text = ODD.read_text()
    for heading in ("Purpose and patterns", "Entities, state variables and scales", "Process overview and scheduling",
                    "Design concepts", "Initialization", "Input data", "Submodels"):
        assert re.search(rf"^## \d\. {heading}", text, flags=re.M), heading


def test_odd_process_overview_is_the_phase_list():
    assert block(ODD.read_text(), "phases") == phases_block(), "run `python tests/test_odd.py` to regenerate"


def test_odd_lists_every_phase_and_its_submodel():
    from exsim.model.week import PHASES

    text = ODD.read_text()
    submodels = text.split("## 7. Submodels", 1)[1]
    for phase in PHASES:
        assert phase.summary.rstrip(".") in text
        assert f"`{phase.source.split('/')[-1]}`" in submodels or phase.source.split("/")[-1] in submodels, phase.source


def test_odd_lists_every_parameter_section_and_key():
    from exsim.config.schema import parameter_sections

    text = ODD.read_text()
    assert block(text, "parameters") == parameters_block(), "run `python tests/test_odd.py` to regenerate"
    for name, section in parameter_sections().items():
        assert f"[{name}]" in text, name
        for key in section.model_fields:
            assert f"| `{key}` |" in text, f"{name}.{key}"


if __name__ == "__main__":
    regenerate()
    print(f"regenerated {ODD.relative_to(ROOT)}")
