"""Config loading: extends, overrides, and every promised error message."""

from pathlib import Path

import pytest

from exsim.config import ConfigError, load_config
from exsim.config.schema import parameter_sections

ROOT = Path(__file__).resolve().parents[1]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_baseline_loads_with_required_keys():
    cfg = load_config(ROOT / "configs" / "baseline.toml")
    assert cfg.org.headcount == 500
    assert 6 <= cfg.org.span_of_control <= 10  # FACTS F12
    for key in ("culture.trust", "work.workload", "policy.perks_eur_per_employee", "customers.per_frontline_employee"):
        section, name = key.split(".")
        assert hasattr(getattr(cfg, section), name)


def test_every_shipped_config_loads():
    names = {load_config(p).sim.name for p in (ROOT / "configs").glob("*.toml")}
    assert {"baseline", "wide-spans", "manager-training", "perks", "understaffing"} <= names


def test_extends_overrides_only_what_it_says(tmp_path):
    write(tmp_path, "base.toml", "[org]\nheadcount = 300\nspan_of_control = 7\n")
    child = write(tmp_path, "child.toml", 'extends = "base.toml"\n[org]\nspan_of_control = 20\n')
    cfg = load_config(child)
    assert (cfg.org.headcount, cfg.org.span_of_control) == (300, 20)


def test_set_overrides_file_values(tmp_path):
    cfg = load_config(ROOT / "configs" / "baseline.toml", ["org.span_of_control=25", "work.workload=1.2"])
    assert cfg.org.span_of_control == 25 and cfg.work.workload == 1.2


def test_every_parameter_has_unit_and_source():
    for section_name, section in parameter_sections().items():
        for name, field in section.model_fields.items():
            extra = field.json_schema_extra or {}
            assert extra.get("unit") and extra.get("source"), f"{section_name}.{name} lacks unit or source"


@pytest.mark.parametrize("override, expected", [
    (["org.span_of_contrl=9"], ["unknown key 'org.span_of_contrl'", "did you mean 'span_of_control'"]),
    (["orgg.headcount=9"], ["unknown key 'orgg'", "did you mean 'org'"]),
    (["org.headcount=lots"], ["--set org.headcount=lots", "org.headcount", "wrong type", "whole number"]),
    (["org.headcount=5"], ["org.headcount = 5 is out of range", ">= 10"]),
    (["culture.trust=1.5"], ["culture.trust = 1.5 is out of range", "<= 1"]),
    (["work.workload"], ["expected section.key=value"]),
    (["workload=1"], ["must be section.key"]),
])
def test_errors_name_the_key_and_what_is_allowed(override, expected):
    with pytest.raises(ConfigError) as err:
        load_config(None, override)
    for fragment in expected:
        assert fragment in str(err.value)


def test_unknown_key_in_file_lists_valid_keys(tmp_path):
    path = write(tmp_path, "bad.toml", "[policy]\nperks_eur = 100\n")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    message = str(err.value)
    assert "unknown key 'policy.perks_eur'" in message and "perks_eur_per_employee" in message
    assert str(path) in message


def test_missing_extends_file_is_named(tmp_path):
    path = write(tmp_path, "child.toml", 'extends = "nowhere.toml"\n')
    with pytest.raises(ConfigError, match=r"extends = 'nowhere.toml', but .*nowhere.toml does not exist"):
        load_config(path)


def test_missing_config_file_and_bad_toml(tmp_path):
    with pytest.raises(ConfigError, match="scenario file not found"):
        load_config(tmp_path / "absent.toml")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, "broken.toml", "[org\nheadcount = 3\n"))


def test_extends_loop_is_reported(tmp_path):
    a = write(tmp_path, "a.toml", 'extends = "b.toml"\n')
    write(tmp_path, "b.toml", 'extends = "a.toml"\n')
    with pytest.raises(ConfigError, match="loops back"):
        load_config(a)


EXTREME_ATTRITION = ["attrition.base_quit_rate_per_year=1", "attrition.involuntary_rate_per_year=1",
                     "attrition.early_peak_multiplier=50", "attrition.max_driver_multiplier=100",
                     "attrition.max_quit_rate_per_year=12", "attrition.max_mean_quit_rate_per_year=0.8",
                     "market.tightness=5", "market.quit_elasticity=5", "policy.time_to_fill_weeks=0.5"]


def test_quit_hazard_caps_leave_hazards_below_them_unchanged():
    import numpy as np

    from exsim.mechanisms.attrition import capped_hazard

    att = load_config().attrition
    occupied = np.array([True, True, True, False])
    low = np.array([0.001, 0.03, 0.002, 0.0])
    assert capped_hazard(low, occupied, att) is low
    high = np.array([1.0, 0.5, 0.001, 0.0])
    capped = capped_hazard(high, occupied, att)
    assert capped.max() <= att.max_quit_rate_per_year / 52
    assert capped.sum() / 3 == pytest.approx(att.max_mean_quit_rate_per_year / 52)
    assert capped[0] >= capped[1] > capped[2]  # order kept


def test_extreme_allowed_attrition_keeps_voluntary_attrition_a_share():
    from exsim import OrgModel

    model = OrgModel(load_config(None, ["org.headcount=300", *EXTREME_ATTRITION]), rng=3, burn_in_weeks=26)
    model.run(78)
    ts = model.tables()["timeseries"]
    assert ts["quit_hazard"].max() <= 0.8 + 1e-9
    assert 0.5 < ts["voluntary_attrition_rate"].iloc[-1] < 1.0
