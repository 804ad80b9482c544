"""The organisation: seats, reporting tree, teams and ties."""

from exsim.org.structure import (OrgStructure, add_customer_accounts, build_org, chart_departments, departments_config,
                                 org_from_chart, organisation)
from exsim.org.table import org_table

__all__ = ["OrgStructure", "add_customer_accounts", "build_org", "chart_departments", "departments_config", "org_from_chart",
           "org_table", "organisation"]
