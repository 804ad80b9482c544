"""Canonical field names of each kind of file, and the column names recognised without a mapping.

Aliases are compared ignoring case, spaces and punctuation ('Date of Hire' = 'DateofHire'); the
first alias present in a file wins. An explicit mapping always takes precedence.
"""

from __future__ import annotations

RECORD_FIELDS = ("employee_id", "hire_date", "exit_date", "tenure", "entry_tenure", "left", "team", "manager_id",
                 "department", "overtime", "workload", "engagement", "absence_days", "exit_reason")

RECORD_ALIASES: dict[str, tuple[str, ...]] = {
    "employee_id": ("employee_id", "EmpID", "EmployeeNumber", "employee_number", "EmployeeID", "emp_no",
                    "staff_id", "person_id", "id"),
    "hire_date": ("hire_date", "DateofHire", "date_hired", "start_date", "join_date", "date_of_joining",
                  "joining_date", "hired"),
    "exit_date": ("exit_date", "DateofTermination", "termination_date", "term_date", "end_date", "leave_date",
                  "leaving_date", "separation_date", "date_of_leaving"),
    "tenure": ("tenure", "YearsAtCompany", "tenure_years", "tenure_months", "tenure_weeks", "tenure_days",
               "length_of_service", "years_of_service", "time_spend_company"),
    "entry_tenure": ("entry_tenure", "tenure_at_start", "tenure_at_entry", "tenure_at_start_of_observation"),
    "left": ("left", "Attrition", "Termd", "terminated", "turnover", "churn", "has_left", "leaver", "exited"),
    "team": ("team", "team_id", "team_name"),
    "manager_id": ("manager_id", "ManagerID", "supervisor_id", "reports_to", "line_manager_id"),
    "department": ("department", "dept", "division", "afdeling"),
    "overtime": ("overtime", "OverTime", "over_time"),
    "workload": ("workload", "work_load", "average_monthly_hours", "average_montly_hours", "hours_per_week"),
    "engagement": ("engagement", "EngagementSurvey", "engagement_score", "satisfaction_level",
                   "JobSatisfaction", "satisfaction"),
    "absence_days": ("absence_days", "Absences", "absence", "days_absent", "sick_days"),
    "exit_reason": ("exit_reason", "exit_type", "termination_type", "separation_type", "EmploymentStatus",
                    "TermReason", "termination_reason", "reason_for_leaving"),
}

AGGREGATE_FIELDS = ("period", "headcount", "voluntary_leavers", "absence_rate")

AGGREGATE_ALIASES: dict[str, tuple[str, ...]] = {
    "period": ("period", "month", "quarter", "year", "week", "date"),
    "headcount": ("headcount", "head_count", "employees", "fte", "staff"),
    "voluntary_leavers": ("voluntary_leavers", "voluntary_exits", "voluntary_terminations", "resignations",
                          "quits", "leavers"),
    "absence_rate": ("absence_rate", "sickness_rate", "sick_rate", "absence"),
}

ORG_CHART_FIELDS = ("employee_id", "manager_id", "team", "role", "hire_date", "department")

ORG_CHART_ALIASES: dict[str, tuple[str, ...]] = {
    "employee_id": RECORD_ALIASES["employee_id"],
    "manager_id": RECORD_ALIASES["manager_id"],
    "team": RECORD_ALIASES["team"],
    "role": ("role", "job_role", "position", "title", "job_title"),
    "hire_date": RECORD_ALIASES["hire_date"],
    "department": RECORD_ALIASES["department"],
}

ALL_FIELDS = tuple(dict.fromkeys(RECORD_FIELDS + AGGREGATE_FIELDS + ORG_CHART_FIELDS))
