"""The organisation: seats, reporting tree, teams and ties."""

from exsim.org.structure import OrgStructure, add_customer_accounts, build_org, organisation

__all__ = ["OrgStructure", "add_customer_accounts", "build_org", "organisation"]
