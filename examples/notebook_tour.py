# %% [markdown]
# # exsim from Python: a notebook-style tour
#
# Run it as a script (`python examples/notebook_tour.py`) or cell by cell in an editor that
# understands `# %%` cells. It takes about ten seconds: a small organisation, two replicates,
# two years. `tests/test_examples.py` runs it.

# %%
import mesa
from mesa.batchrunner import batch_run

import exsim
from exsim.model import OrgModel
from exsim.model.agents import Manager, all_staff

config = exsim.scenario({"org": {"headcount": 120}, "sim": {"burn_in_weeks": 52}}, years=2, replicates=2, seed=7)

# %% The command line's `exsim run`, as DataFrames (nothing written without out=)
result = exsim.run(config, workers=1, progress=False)
yearly = result.summary[result.summary["metric"].isin(["engagement", "voluntary_attrition_rate"])]
print(yearly[["year", "metric", "mean", "p05", "p95"]])

# %% Retention from the spells: left truncation and censoring handled
retention = exsim.survival.retention(result.spells, months=[3, 6, 12])
print(retention[["month", "retention", "at_risk"]])

# %% A what-if against the status quo on paired seeds, with the business case in euros
wider = exsim.scenario(config, {"org.span_of_control": 14, "sim.name": "wide-spans"})
comparison = exsim.compare([config, wider], workers=1)
print(comparison.ranking[["rank", "scenario", "engagement", "voluntary_attrition_rate", "net_benefit"]])

# %% A sweep built in Python: no spec file
sweep = exsim.sweep({"years": 1, "replicates": 2, "outcomes": ["engagement"],
                     "parameters": {"org.span_of_control": {"values": [6, 12]}}}, base=config, workers=1)
print(sweep.summary[["org.span_of_control", "outcome", "mean"]])

# %% The Mesa model: run_model() stops after sim.years; the datacollector has every KPI
model = OrgModel(config, rng=7)
model.run_model()
weekly = model.datacollector.get_model_vars_dataframe()
managers = model.datacollector.get_agenttype_vars_dataframe(Manager)
staff = all_staff(model)  # employees and managers (agents_by_type[Employee] holds employees only)
print(len(weekly), "weeks;", len(staff), "staff;", len(managers), "manager rows at year ends")

# %% Mesa's batch_run over two values of a parameter
rows = batch_run(OrgModel, {"config": [config, wider]}, rng=[1], number_processes=1, display_progress=False)
print(len(rows), "rows from batch_run; mesa", mesa.__version__)
