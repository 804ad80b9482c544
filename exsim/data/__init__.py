"""Reading analysts' files: employee records, aggregate series and org charts, with precise errors."""

from exsim.data.aggregates import AggregateSeries, read_aggregate_series
from exsim.data.errors import DataError
from exsim.data.mapping import ColumnMapping, parse_map_options, read_mapping_file
from exsim.data.orgchart import OrgChart, read_org_chart
from exsim.data.records import EmployeeRecords, classify_exit_reasons, read_employee_records

__all__ = ["AggregateSeries", "ColumnMapping", "DataError", "EmployeeRecords", "OrgChart", "classify_exit_reasons",
           "parse_map_options", "read_aggregate_series", "read_employee_records", "read_mapping_file",
           "read_org_chart"]
