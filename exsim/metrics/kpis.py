"""The KPI catalogue: every figure a run reports, with its unit, meaning and how it aggregates.

One entry per column of the `timeseries` and `teams` tables. The recorder writes its columns in
this order, the summary and experiments aggregate by `yearly`, and the report, figures, dashboard
and README read the labels from here.

`yearly` says how a year of weekly rows becomes one value: "mean" of the weekly values, "sum" of
them, or "rate of X per Y": the year's sum of X over the mean of Y, per year ("total" adds the cost
lines). `team` says how a team-year row is formed, or is None when the KPI is not in `teams`.
"""

from __future__ import annotations

from dataclasses import dataclass

from exsim.metrics.events import MONEY_LINES


@dataclass(frozen=True)
class KPI:
    name: str  # column name
    label: str  # what a reader sees, unit included
    unit: str
    meaning: str  # how the weekly value is formed
    yearly: str = "mean"  # "mean", "sum", "rate of X per Y", "total", or "" (not aggregated per year)
    team: str | None = None  # how the team-year value is formed; None: not in the teams table
    scale: float = 1.0  # multiply for display (100: a share shown in %)
    fmt: str = "{:.3f}"  # display format after scaling
    headline: bool = False  # in summary.csv and the report's headline table
    in_timeseries: bool = True
    per_department: bool = False  # also in the departments table, over the department's seats

    @property
    def rate_of(self) -> tuple[str, str] | None:
        """(numerator, denominator) columns of a yearly rate, else None."""
        if not self.yearly.startswith("rate of "):
            return None
        numerator, denominator = self.yearly.removeprefix("rate of ").split(" per ")
        return numerator, denominator


_TEAM_WEEKS = "mean over the team's weeks in the year"

KPIS: tuple[KPI, ...] = (
    KPI("headcount", "Headcount (people)", "people", "people in post", team="mean people in post over the year",
        fmt="{:.0f}", headline=True, per_department=True),
    KPI("managers", "Managers in post (people)", "people", "managers in post"),
    KPI("vacancies", "Open vacancies (seats)", "seats", "seats without a holder", fmt="{:.1f}", headline=True, per_department=True),
    KPI("engagement", "Engagement (0-1)", "0-1", "mean engagement of the staff in post", team=_TEAM_WEEKS,
        headline=True, per_department=True),
    KPI("enps", "eNPS (-100..100)", "eNPS points", "expected eNPS of a survey of the staff in post",
        team="eNPS of the members in post at the year's end", fmt="{:+.0f}", headline=True),
    KPI("burnout_share", "Burnout (% of staff)", "share of staff", "share of the staff in post with burnout above 0.5",
        team=_TEAM_WEEKS, scale=100.0, fmt="{:.1f}", headline=True, per_department=True),
    KPI("manager_support", "Manager support (0-1)", "0-1", "mean support the staff in post get from their manager",
        team="mean support the team got from its manager", per_department=True),
    KPI("trust_manager", "Trust in the manager (0-1)", "0-1", "mean trust of the staff in post in their manager"),
    KPI("trust_org", "Trust in the organisation (0-1)", "0-1", "mean trust of the staff in post in the organisation"),
    KPI("absence_rate", "Sickness absence (% of work days)", "share of work days",
        "days lost to sickness over the work days of the staff in post", team="days lost over work days in the year",
        scale=100.0, fmt="{:.1f}", headline=True, per_department=True),
    KPI("quits", "Voluntary quits (people)", "people", "people who quit this week", yearly="sum",
        team="quits in the year", fmt="{:.0f}", per_department=True),
    KPI("involuntary_exits", "Involuntary exits (people)", "people", "dismissals, retirements and other exits not chosen",
        yearly="sum", fmt="{:.0f}"),
    KPI("hires", "External hires (people)", "people", "people hired from outside (promotions not included)",
        yearly="sum", fmt="{:.0f}"),
    KPI("promotions", "Promotions (people)", "people", "manager seats filled from their own team", yearly="sum",
        fmt="{:.0f}"),
    KPI("referral_hires", "Referral hires (people)", "people", "hires who came through a referral", yearly="sum",
        fmt="{:.0f}"),
    KPI("trained_manager_share", "Trained managers (% of managers)", "share of managers",
        "share of the managers in post who have been trained", scale=100.0, fmt="{:.0f}", per_department=True),
    KPI("reputation", "Employer reputation (0-1)", "0-1", "reputation from what staff and alumni say (0.5: neutral)"),
    KPI("applicants_per_vacancy", "Applicants per vacancy", "applicants", "applicants a vacancy draws at this reputation",
        fmt="{:.1f}"),
    KPI("changes_active", "Changes under way", "interventions", "interventions within their change window",
        fmt="{:.1f}"),
    KPI("voluntary_attrition_rate", "Voluntary attrition (% a year)", "share of staff a year",
        "quits over the trailing 52 weeks over the mean headcount (annualised)",
        yearly="rate of quits per headcount", team="quits in the year over the team's mean headcount",
        scale=100.0, fmt="{:.1f}", headline=True, per_department=True),
    KPI("quit_hazard", "Quit hazard (a year)", "quits per person-year",
        "mean voluntary quit hazard of the staff in post, per year"),
    KPI("customers", "Customers (accounts)", "accounts", "active customer accounts", team="mean accounts held by the team",
        fmt="{:.0f}", headline=True, per_department=True),
    KPI("new_customers", "New customers (accounts)", "accounts", "accounts won this week", yearly="sum", fmt="{:.0f}"),
    KPI("churned_customers", "Customers lost (accounts)", "accounts", "accounts lost this week", yearly="sum",
        fmt="{:.0f}"),
    KPI("csat", "Customer satisfaction (0-1)", "0-1", "mean satisfaction of the active customers",
        team="mean satisfaction of the team's accounts over the year", headline=True, per_department=True),
    KPI("customer_churn_rate", "Customer churn (% a year)", "share of accounts a year",
        "accounts lost over the trailing 52 weeks over the mean book (annualised)",
        yearly="rate of churned_customers per customers", team="accounts lost over the team's mean book",
        scale=100.0, fmt="{:.1f}", headline=True),
    KPI("cost_salaries", "Salaries (EUR)", "EUR", "salaries at policy.pay_level, with the staff a workload below 1.0 "
        "implies", yearly="sum", fmt="{:,.0f}", per_department=True),
    KPI("cost_turnover", "Replacement of leavers (EUR)", "EUR", "replacement cost of this week's leavers",
        yearly="sum", fmt="{:,.0f}", per_department=True),
    KPI("cost_absence", "Sick days (EUR)", "EUR", "cost of the days lost to sickness", yearly="sum",
        fmt="{:,.0f}", per_department=True),
    KPI("cost_vacancy", "Open vacancies (EUR)", "EUR", "cost of work left undone in vacant seats",
        yearly="sum", fmt="{:,.0f}", per_department=True),
    KPI("cost_perks", "Perks (EUR)", "EUR", "the perks budget", yearly="sum", fmt="{:,.0f}", per_department=True),
    KPI("cost_manager_time", "Managers' extra people hours (EUR)", "EUR",
        "managers' hours for people beyond those their job includes, at their hourly cost", yearly="sum",
        fmt="{:,.0f}", per_department=True),
    KPI("cost_programmes", "EX programmes (EUR)", "EUR", "training, surveys and follow-up, development conversations "
        "and interventions", yearly="sum", fmt="{:,.0f}", per_department=True),
    KPI("revenue", "Revenue (EUR thousand)", "EUR", "revenue from the active customers", yearly="sum",
        scale=0.001, fmt="{:,.0f}", headline=True, per_department=True),
    KPI("cost_total", "Turnover, absence, vacancy, perks and programme costs (EUR thousand)", "EUR",
        "the year's cost lines besides salaries", yearly="total", scale=0.001, fmt="{:,.0f}", headline=True,
        in_timeseries=False),
    KPI("workload", "Workload (demand / staffed capacity)", "ratio", "team demand over the capacity present",
        yearly="", team=_TEAM_WEEKS, fmt="{:.2f}", in_timeseries=False),
)

BY_NAME = {kpi.name: kpi for kpi in KPIS}
TIMESERIES = tuple(kpi.name for kpi in KPIS if kpi.in_timeseries)
TEAM_KPIS = tuple(kpi.name for kpi in KPIS if kpi.team is not None)
DEPARTMENT_KPIS = tuple(kpi.name for kpi in KPIS if kpi.per_department)
YEARLY = tuple(kpi.name for kpi in KPIS if kpi.yearly)
COST_LINES = tuple(line for line in MONEY_LINES if line not in ("revenue", "cost_salaries"))  # cost_total's lines
HEADLINE = tuple(kpi.name for kpi in KPIS if kpi.headline)  # summary.csv and the report, in this order


def kpi_table_markdown() -> str:
    """The catalogue as a markdown table (the README's KPI reference is this table)."""
    lines = ["| KPI | unit | weekly value (timeseries) | per year (summary, experiments) | per team-year (teams) "
             "| per department and week (departments) |", "|---|---|---|---|---|---|"]
    for kpi in KPIS:
        weekly = kpi.meaning if kpi.in_timeseries else "-"
        yearly = {"": "-", "total": "sum of the cost lines besides salaries"}.get(kpi.yearly, kpi.yearly)
        if kpi.rate_of:
            numerator, denominator = kpi.rate_of
            yearly = f"the year's {numerator} over mean {denominator}, per year"
        department = "the same over the department's seats" if kpi.per_department else "-"
        lines.append(f"| `{kpi.name}` | {kpi.unit} | {weekly} | {yearly} | {kpi.team or '-'} | {department} |")
    return "\n".join(lines)
