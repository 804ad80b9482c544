"""Analysis of observed and simulated workforce data: survival, hazard and attrition targets."""

from exsim.analysis.survival import (AttritionEstimate, annual_voluntary_attrition, attrition_by_group,
                                     attrition_by_year, hazard_by_band, kaplan_meier, km_retention,
                                     snapshot_life_table, spells_snapshot_frame, spells_to_survival_frame)

__all__ = ["AttritionEstimate", "annual_voluntary_attrition", "attrition_by_group", "attrition_by_year",
           "hazard_by_band", "kaplan_meier", "km_retention", "snapshot_life_table",
           "spells_snapshot_frame", "spells_to_survival_frame"]
