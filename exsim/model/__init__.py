"""The Mesa model (OrgModel), its agents as thin handles, set-up and the week as a list of phases."""

from exsim.model.agents import Customer, Employee, Manager
from exsim.model.model import OrgModel

__all__ = ["Customer", "Employee", "Manager", "OrgModel"]
