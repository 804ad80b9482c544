"""`exsim sensitivity`: SALib indices; a dummy parameter with no effect ranks last."""

import subprocess
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def test_morris_ranks_the_dummy_last_and_workload_high(tmp_path):
    spec = tmp_path / "morris.toml"
    spec.write_text(f'base = "{ROOT / "configs" / "baseline.toml"}"\ndesign = "morris"\nsamples = 6\nreplicates = 1\n'
                    'years = 1\noutcomes = ["voluntary_attrition_rate", "engagement"]\n[set]\n"org.headcount" = 80\n'
                    '"sim.burn_in_weeks" = 30\n[parameters]\n"work.workload" = { low = 0.9, high = 1.3 }\n'
                    '"org.span_of_control" = { low = 5, high = 25 }\ndummy = { low = 0, high = 1 }\n')
    out = tmp_path / "sens"
    done = subprocess.run([sys.executable, "-m", "exsim.cli", "sensitivity", str(spec), "--out", str(out)],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
    indices = pd.read_csv(out / "indices.csv")
    for outcome, group in indices.groupby("outcome"):
        ranks = group.set_index("lever")["rank"]
        assert ranks["dummy"] == ranks.max() and group.set_index("lever").loc["dummy", "mu_star"] == 0
        assert ranks["org.span_of_control"] < ranks["dummy"] and ranks["work.workload"] < ranks["dummy"]
    assert {"engagement.png", "voluntary_attrition_rate.png"} <= {p.name for p in (out / "figures").iterdir()}
    assert "Which levers matter" in (out / "report.md").read_text()
    # a run's report names what dominates, from this sensitivity run; a folder without indices is refused up front
    run = subprocess.run([sys.executable, "-m", "exsim.cli", "run", "configs/baseline.toml", "--years", "1",
                          "--replicates", "1", "--set", "org.headcount=80", "--set", "sim.burn_in_weeks=30",
                          "--no-figures", "--sensitivity", str(out), "--out", str(tmp_path / "run")],
                         capture_output=True, text=True, cwd=ROOT, check=False)
    assert run.returncode == 0, run.stderr
    caveats = (tmp_path / "run" / "report.md").read_text().split("## Caveats")[1]
    attrition = next(line for line in caveats.splitlines() if line.strip().startswith("- Voluntary attrition"))
    first_two = indices[indices["outcome"] == "voluntary_attrition_rate"].sort_values("rank")["lever"].head(2)
    assert all(f"`{lever}`" in attrition for lever in first_two) and str(out) in caveats
    refused = subprocess.run([sys.executable, "-m", "exsim.cli", "run", "configs/baseline.toml", "--sensitivity",
                              str(tmp_path), "--out", str(tmp_path / "never")],
                             capture_output=True, text=True, cwd=ROOT, check=False)
    assert refused.returncode == 2 and "no indices.csv" in refused.stderr and "Traceback" not in refused.stderr
    assert not (tmp_path / "never").exists()
