"""The Mesa model: state arrays, thin agent handles and the weekly step."""

from exsim.model.agents import Customer, Employee, Manager
from exsim.model.model import OrgModel

__all__ = ["Customer", "Employee", "Manager", "OrgModel"]
