"""Typed scenario schema: every parameter with its unit, default and source.

Each field's description reads "<meaning> [<unit>] (source: <source>)". Sources refer to
../shared/FACTS.md rows (F1..F15), to the seed documents, or say "assumption".
"""

from __future__ import annotations

import unicodedata
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

MAX_NAME_CHARS = 100  # sim.name is a folder name under results/
MAX_INTERVENTIONS = 100  # [[interventions]] in one scenario


def name_problem(name: str) -> str | None:
    """Why `name` cannot be a scenario's results folder name, or None when it can."""
    if not name.strip():
        return "a scenario needs a name; it names its results folder"
    if len(name) > MAX_NAME_CHARS:
        return f"is {len(name):,} characters long; at most {MAX_NAME_CHARS} (it names the results folder)"
    if name.startswith("."):
        return "must not start with a dot (it names the results folder)"
    if "/" in name or "\\" in name:
        return "must not contain '/' or '\\' (it names one results folder, not a path)"
    if any(unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp") for char in name):
        return "must not contain control characters (it names the results folder)"
    return None


def param(default: Any, unit: str, source: str, meaning: str, **bounds: Any) -> Any:
    """A config field carrying its unit and source in the schema."""
    return Field(
        default,
        description=f"{meaning} [{unit}] (source: {source})",
        json_schema_extra={"unit": unit, "source": source},
        **bounds,
    )


def _allows_bool(annotation: Any) -> bool:
    return annotation is bool or any(_allows_bool(arg) for arg in get_args(annotation))


class Section(BaseModel):
    """A config section: unknown keys are errors, numbers must be finite, values are checked on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _no_true_false_for_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        """`true`/`false` is not a number (pydantic would read it as 1/0)."""
        if isinstance(value, bool) and not _allows_bool(cls.model_fields[info.field_name].annotation):
            raise ValueError("true/false is not allowed for this key")
        return value


class Sim(Section):
    name: str = param("baseline", "text", "user", "scenario name used in results")
    years: int = param(5, "years", "user", "simulated years", ge=1, le=50)
    seed: int = param(42, "integer", "user", "root random seed", ge=0, le=2**63 - 1)
    replicates: int = param(1, "runs", "user", "replicate runs with derived seeds", ge=1, le=1000)
    burn_in_weeks: int = param(416, "weeks", "assumption: 8 years let burnout, absence, vacancies and the selection of who stays settle before week 1", "weeks simulated before recording starts", ge=0, le=520)


class Lesson(Section):
    title: str = param("", "text", "user", "short title shown in the dashboard's lesson picker")
    text: str = param("", "text", "user", "what the lesson changes and what to watch, in a few sentences")
    title_nl: str = param("", "text", "user", "the title in Dutch")
    text_nl: str = param("", "text", "user", "the text in Dutch")
    change_week: int = param(13, "week", "user", "week the dashboard brings the lesson's change into force (the status quo runs before it)", ge=1, le=52)
    watch: list[str] = param([], "dashboard plot names", "user", "the quantities the text asks the class to watch: the dashboard plots them first (exsim.lessons checks the names)")


class Training(Section):
    share: float = param(0.0, "share of managers", "user lever (seed 000: manager behaviours can be trained)", "share of managers in the training programme", ge=0, le=1)
    behaviour_gain: float = param(0.2, "0-1 per behaviour", "assumption", "rise of each behaviour once training has taken effect", ge=0, le=1)
    months_to_effect: float = param(6.0, "months", "seed 002 (engagement and retention in 6-18 months)", "time for training to take full effect", ge=0, le=60)
    fade_months: float = param(24.0, "months", "assumption", "time constant of fading without practice", gt=0, le=600)
    cost_eur_per_manager: float = param(4000.0, "EUR per trained manager", "assumption (leadership programmes EUR 2-6k)", "one-off cost of training a manager", ge=0, le=200_000)


class Listening(Section):
    surveys_per_year: float = param(0.0, "surveys per year", "user lever (seed 003: regular pulse surveys)", "pulse-survey cadence", ge=0, le=52)
    follow_up_rate: float = param(0.5, "share of surveys", "user lever (seed 002, F14)", "share of surveys visibly followed up with action", ge=0, le=1)
    follow_up_trust_gain: float = param(0.06, "trust 0-1 per survey", "seed 002", "trust gained when a survey is followed up", ge=0, le=1)
    ignored_trust_loss: float = param(0.08, "trust 0-1 per survey", "seed 002, F14 (asking without follow-up frustrates)", "trust lost when a survey is not followed up", ge=0, le=1)
    memory_weeks: float = param(52.0, "weeks", "assumption", "how long people remember what happened after a survey", ge=1, le=520)
    max_trust_credit: float = param(0.5, "trust 0-1", "assumption", "most trust in the organisation that past surveys can add (and, negative, take away)", ge=0, le=1)


class Org(Section):
    headcount: int = param(500, "people", "assumption: a mid-sized office organisation", "staffed seats, managers included", ge=10, le=2_000_000)
    span_of_control: float = param(8.0, "direct reports per manager", "F12 (Gallup 2025 median 5-6, mean 12.1; BLS 11.5)", "mean direct reports per manager", ge=2, le=200)
    span_variation: float = param(0.3, "coefficient of variation", "assumption", "spread of spans across managers", ge=0, le=1.5)
    frontline_share: float = param(0.7, "share of teams", "assumption", "share of teams that serve customer accounts", ge=0, le=1)
    cross_team_ties: float = param(1.0, "ties per person", "assumption (small-world ties, Watts-Strogatz style)", "mean teammate-like ties across teams", ge=0, le=20)
    chart: str | None = param(None, "file path", "user (an HRIS export)", "org chart CSV or Parquet with employee_id and manager_id; when set, the reporting tree, headcount and spans come from it")
    team_workload_sd: float = param(0.13, "share of demand", "assumption (F4: some teams run chronic overtime)", "spread of demand between teams around work.workload", ge=0, le=1)


class Managers(Section):
    presence: float = param(0.6, "0-1", "seed 000 (five manager behaviours); level is an assumption", "visible, available manager", ge=0, le=1)
    listening: float = param(0.6, "0-1", "seed 000; level is an assumption", "listens and acts on what is heard", ge=0, le=1)
    communication: float = param(0.6, "0-1", "seed 000; level is an assumption", "connecting communication", ge=0, le=1)
    development: float = param(0.6, "0-1", "seed 000; level is an assumption", "development orientation", ge=0, le=1)
    people_orientation: float = param(0.6, "0-1", "seed 000; level is an assumption", "people orientation", ge=0, le=1)
    quality_sd: float = param(0.15, "0-1", "assumption (F6: managers explain most between-team variance)", "spread of behaviour quality between managers", ge=0, le=0.5)
    hours_for_people: float = param(8.0, "hours per week", "assumption", "manager hours spent on people per week", ge=0, le=60)
    attention_scale_hours: float = param(0.16, "hours per report per week", "assumption (seed 001: at spans of 40+ half the attention people need is gone); with 8 hours for people, span 8 gives 86% attention", "hours per report at which a manager gives half the attention people need", gt=0, le=10)
    absent_support_share: float = param(0.3, "share", "assumption", "support left while the manager is absent", ge=0, le=1)
    interim_support: float = param(0.3, "0-1", "assumption", "support a team gets while its manager seat is vacant", ge=0, le=1)
    interim_cover_share: float = param(0.7, "share of the covering manager's own support", "assumption", "support an orphaned team gets from the manager covering its vacant manager seat, as a share of the support that manager gives their own team", ge=0, le=1)
    interim_development: float = param(0.2, "0-1", "assumption", "development orientation (for growth) a team gets while its manager seat is vacant", ge=0, le=1)
    overload_squeeze: float = param(1.0, "share of people time per unit overload", "seed 002 (structural understaffing defeats EX programmes)", "how much of their people time overloaded managers lose per unit of workload above 1", ge=0, le=5)
    min_people_time_share: float = param(0.2, "share of people time", "assumption (seed 001: managers have too little time for their people)", "people time an overloaded manager keeps at the worst; overload_squeeze bends it down toward this floor", ge=0, le=1)
    burnout_support_loss: float = param(0.5, "share of support at burnout 1", "assumption", "support a fully burnt-out manager loses (in proportion to burnout)", ge=0, le=1)
    reference_span: float = param(8.0, "direct reports", "F12", "span at which a manager's own load is normal", ge=1, le=200)
    load_per_extra_report: float = param(0.01, "workload per report", "assumption (seed 001)", "extra manager workload per report above the reference span (less per report below it)", ge=0, le=1)
    selection: Literal["top_performer", "leadership"] = param("top_performer", "policy", "seed 001", "how new managers are chosen: promote the best performer, or select for leadership aptitude")
    top_performer_quality_penalty: float = param(0.1, "0-1 behaviour quality", "seed 001 (best salesperson promoted without training)", "lower behaviour quality of an untrained promoted top performer", ge=0, le=1)
    leadership_quality_bonus: float = param(0.05, "0-1 behaviour quality", "assumption", "higher behaviour quality when selecting for leadership aptitude", ge=0, le=1)
    promoted_strain: float = param(0.5, "logit of strain", "seed 001 (promoted top performer gets unhappy)", "extra strain of an untrained promoted top performer", ge=0, le=5)
    internal_promotion_share: float = param(0.5, "share of manager vacancies", "assumption", "manager vacancies filled by promoting a team member", ge=0, le=1)


class Culture(Section):
    trust: float = param(0.6, "0-1", "seeds 000, 004 (trust is the base); level is an assumption", "organisation-wide trust climate", ge=0, le=1)
    peer_help: float = param(0.6, "0-1", "seed 004 (supportive culture the biggest factor); level is an assumption", "how much teammates help each other", ge=0, le=1)
    contagion: float = param(0.03, "share per week", "assumption (emotional contagion)", "weekly pull of engagement toward teammates' mean", ge=0, le=0.5)
    trust_time_constant_weeks: float = param(26.0, "weeks", "DESIGN.md (trust ~6 months); seed 000", "time for trust to move 63% of the way", ge=1, le=520)
    purpose: float = param(0.6, "0-1", "seed 003 (purpose is one of four key factors)", "how meaningful people find the work", ge=0, le=1)
    senior_toxicity: float = param(0.0, "0-1", "seed 002 (toxic senior management makes EX programmes fail)", "toxic senior leadership; caps trust in the organisation", ge=0, le=1)
    toxicity_blunting: float = param(0.5, "share of a programme's effect at toxicity 1", "seed 002 (toxic senior management makes EX programmes fail); size an assumption", "share of what EX programmes (training, survey follow-up, perks) achieve that toxic senior leadership takes away, in proportion to senior_toxicity", ge=0, le=1)


class Work(Section):
    workload: float = param(1.0, "demand / staffed capacity", "assumption (1.0 = fully staffed)", "work demand relative to staffed capacity", ge=0.2, le=3)
    gap_absorbed: float = param(0.5, "share of a staffing gap", "assumption (slack, temps, work left undone)", "share of missing capacity that does not land on colleagues", ge=0, le=1)
    overload_strain: float = param(3.0, "logit per unit overload", "job demands-resources; size calibrated to F2 and F4", "strain rise per unit of workload above available capacity", ge=0, le=50)
    base_strain: float = param(-1.3, "logit", "assumption (calibrated to F2)", "strain index at normal load without resources", ge=-10, le=10)
    resource_relief: float = param(1.5, "logit per unit support", "assumption (job demands-resources)", "strain relief from manager support and peer help", ge=0, le=10)
    resilience_sd: float = param(0.8, "logit", "assumption", "spread of personal resilience to strain", ge=0, le=3)
    strain_time_constant_weeks: float = param(2.0, "weeks", "assumption", "time for strain to follow load", ge=0.5, le=52)
    burnout_threshold: float = param(0.4, "strain 0-1", "assumption", "strain above which burnout builds", ge=0, le=1)
    burnout_gain: float = param(0.12, "per week per unit excess strain", "assumption", "how fast burnout builds", ge=0, le=5)
    burnout_recovery: float = param(0.02, "share per week", "assumption", "how fast burnout fades below the threshold", ge=0, le=1)
    ramp_weeks: float = param(12.0, "weeks", "assumption (onboarding over the first 13 weeks)", "time constant of a new hire's skill ramp", ge=0.5, le=104)
    new_hire_skill: float = param(0.5, "share of full productivity", "assumption", "productivity in a new hire's first week", ge=0, le=1)
    change_fatigue_strain: float = param(0.3, "logit of strain per extra change", "seed 002 (too many changes at once)", "extra strain for each concurrent change beyond the first", ge=0, le=5)
    change_fatigue_dilution: float = param(0.35, "share per extra change", "seed 002", "how much each extra concurrent change weakens the others", ge=0, le=1)
    change_window_weeks: float = param(26.0, "weeks", "seed 002 (too many changes at once: change fatigue); about six months an assumption", "weeks after its ramp that a change still keeps people busy and counts toward change fatigue", ge=0, le=520)


class Policy(Section):
    perks_eur_per_employee: float = param(0.0, "EUR per employee per year", "user lever", "annual perks budget per employee", ge=0, le=100_000)
    perks_half_effect_eur: float = param(1500.0, "EUR per employee per year", "assumption (saturating, F9)", "budget at which perks give half their maximum effect", gt=0, le=100_000)
    perks_max_effect: float = param(0.25, "logit of engagement", "assumption (F9: pay level correlates only .15 with satisfaction)", "largest engagement effect perks can give", ge=0, le=3)
    perks_basics_threshold: float = param(0.2, "0-1", "seeds 002, 004 (perks cannot replace the basics); level an assumption", "manager support or bearable load (1 - strain), whichever is lower, below which perks do nothing", ge=0, le=1)
    perks_basics_range: float = param(0.4, "0-1", "seeds 002, 004; width an assumption", "rise of the basics above the threshold over which perks reach their full effect", gt=0, le=1)
    onboarding_quality: float = param(0.5, "0-1", "assumption (F8)", "quality of onboarding for new hires", ge=0, le=1)
    time_to_fill_weeks: float = param(7.0, "weeks", "assumption (typical time-to-fill ~6-8 weeks)", "mean weeks to fill a vacancy in a normal market", ge=0.5, le=104)
    refill_vacancies: bool = param(True, "yes/no", "user lever", "whether vacancies are refilled at all")
    pay_fairness: float = param(0.6, "0-1", "F9 (fair, equitable rewards essential; Bersin 2021)", "how fair and transparent pay is", ge=0, le=1)
    recognition: float = param(0.5, "0-1", "F9, seed 004", "how much good work is recognised", ge=0, le=1)
    pay_level: float = param(1.0, "ratio to market", "F9 (pay level correlates only .15 with satisfaction)", "pay relative to the market", ge=0.5, le=2)
    development_conversations_per_year: float = param(1.0, "conversations per employee per year", "seed 002 (no growth is a top reason to leave)", "development conversations with the manager", ge=0, le=12)


class Engagement(Section):
    intercept: float = param(-1.2, "logit", "assumption (calibrated: baseline engagement ~0.65)", "engagement index with all drivers at zero", ge=-10, le=10)
    manager_support: float = param(1.4, "logit per unit", "seed 000, F6 (managers decisive)", "weight of manager support", ge=0, le=10)
    trust_manager: float = param(0.6, "logit per unit", "seed 000", "weight of trust in the manager", ge=0, le=10)
    trust_org: float = param(0.8, "logit per unit", "seeds 000, 004", "weight of trust in the organisation", ge=0, le=10)
    peer_support: float = param(0.7, "logit per unit", "seed 004 (supportive culture)", "weight of help from teammates", ge=0, le=10)
    growth: float = param(0.6, "logit per unit", "seed 002 (no growth: a top reason to leave)", "weight of growth and development", ge=0, le=10)
    growth_development_weight: float = param(0.45, "relative weight", "seed 000 (development orientation), seed 002 (no growth: a top reason to leave); weight an assumption", "weight of the manager's development orientation x attention in growth (the three growth weights are normalised to sum to 1)", ge=0, le=1)
    growth_conversations_weight: float = param(0.35, "relative weight", "seed 003 (regular 1:1s); weight an assumption", "weight of development conversations in growth", ge=0, le=1)
    growth_promotions_weight: float = param(0.2, "relative weight", "seed 002 (growth opportunities); weight an assumption", "weight of visible promotions in growth", ge=0, le=1)
    conversations_for_growth: float = param(1.5, "conversations per employee per year", "assumption", "conversations a year at which development conversations give 63% of their growth (saturating)", gt=0, le=12)
    promotion_rate_for_growth: float = param(0.05, "promotions per seat per year", "assumption (5% promoted a year is plenty of visible growth)", "promotion rate at which visible promotions give their full growth", gt=0, le=1)
    fairness: float = param(0.6, "logit per unit", "F9 (fair pay and recognition essential)", "weight of fair pay and recognition", ge=0, le=10)
    fairness_pay_weight: float = param(0.6, "share", "F9 (fair pay and recognition both essential); split an assumption", "weight of pay fairness in fairness; recognition has the rest", ge=0, le=1)
    pay_level: float = param(0.3, "logit per unit log pay ratio", "F9 (pay level r = .15)", "weight of pay level relative to market", ge=0, le=10)
    purpose: float = param(0.5, "logit per unit", "seed 003", "weight of purpose", ge=0, le=10)
    customer_pride: float = param(0.2, "logit per unit csat above reference", "DESIGN.md (customers' mood feeds back to staff: a secondary loop, weaker than staff -> customers)", "pride from satisfied customers", ge=0, le=10)
    disposition_sd: float = param(0.5, "logit", "assumption", "spread of personal disposition", ge=0, le=3)
    time_constant_weeks: float = param(6.0, "weeks", "F13 (half-way by month 3), seed 002", "time for engagement to move 63% toward its drivers", ge=0.5, le=104)
    new_hire_boost: float = param(0.4, "logit per unit onboarding quality", "assumption (F8, honeymoon)", "extra engagement of a new hire at onboarding quality 1", ge=0, le=5)
    new_hire_logit: float = param(0.6, "logit", "assumption (about .65 engagement, the baseline's level)", "a new hire's engagement index before disposition and the onboarding honeymoon", ge=-10, le=10)
    enps_noise_sd: float = param(0.15, "engagement units", "assumption", "noise between engagement and the 0-10 recommend answer", gt=0, le=1)
    promoter_threshold: float = param(0.75, "engagement 0-1", "assumption (eNPS 9-10)", "engagement plus noise at which someone promotes", ge=0, le=1)
    detractor_threshold: float = param(0.55, "engagement 0-1", "assumption (eNPS 0-6)", "engagement plus noise below which someone detracts", ge=0, le=1)


class Absence(Section):
    short_spells_per_year: float = param(1.3, "spells per person per year", "assumption (CBS sick-leave frequency ~1 per year)", "short sickness spells per year at zero burnout", ge=0, le=20)
    short_spell_days: float = param(3.0, "work days", "assumption", "mean length of a short spell", ge=0.5, le=5)
    long_spells_per_year: float = param(0.22, "spells per person per year", "assumption (calibrated to F2)", "long spells per year at zero burnout", ge=0, le=5)
    long_spell_weeks: float = param(8.0, "weeks", "assumption", "mean length of a long spell", ge=1, le=104)
    burnout_effect: float = param(2.0, "log-rate per unit burnout", "assumption", "how much burnout raises spell starts", ge=0, le=10)
    max_burnout_multiplier: float = param(3.0, "times the spell rate", "assumption (CBS: even healthcare, the sector with most sick leave, averages ~8% of work days)", "ceiling that burnout's multiplier of spell starts approaches smoothly", ge=1, le=20)


class Attrition(Section):
    base_quit_rate_per_year: float = param(0.07, "share per year", "assumption (calibrated to F1)", "voluntary quit rate of a settled employee at reference engagement", ge=0, le=1)
    tenure_peak_weeks: float = param(11.0, "weeks", "F3 (Farber 1994: hazard peaks ~3 months)", "tenure at which the quit hazard peaks", ge=1, le=260)
    start_multiplier: float = param(1.0, "times the settled hazard", "assumption (F3 shape); fit it to files with a quiet probation or notice period", "hazard at hire, rising to the settled level over the peak time", ge=0, le=10)
    late_multiplier: float = param(1.0, "times the settled hazard", "assumption; fit it to files where long-tenured staff rarely leave", "level the hazard declines to after long tenure", ge=0, le=10)
    late_decline_weeks: float = param(260.0, "weeks", "assumption", "time constant of the decline toward the late level", ge=4, le=2600)
    early_peak_multiplier: float = param(3.5, "times the settled hazard", "F3 (CBS 2022: <2 years 3x the switching of 2+ years)", "extra hazard at the peak of the tenure curve", ge=0, le=50)
    engagement_effect: float = param(4.0, "log-hazard per unit engagement", "assumption", "hazard rise per unit engagement below the reference", ge=0, le=20)
    engagement_reference: float = param(0.65, "engagement 0-1", "assumption", "engagement at which the engagement effect is neutral", ge=0, le=1)
    strain_effect: float = param(17.0, "log-hazard per unit strain", "job demands-resources (demands -> strain -> exit); size calibrated to F4 (overtime workers leave 2.9x as often)", "hazard rise per unit of strain above the reference", ge=0, le=30)
    strain_reference: float = param(0.22, "strain 0-1", "assumption (about the baseline's mean strain)", "strain at which the strain effect is neutral", ge=0, le=1)
    involuntary_rate_per_year: float = param(0.06, "share per year", "F1 (SHRM 2016: 8% involuntary of 19% total)", "dismissals, retirements and other involuntary exits", ge=0, le=1)
    max_driver_multiplier: float = param(3.0, "times the settled hazard", "assumption (job search takes time: even the unhappiest do not all leave at once)", "ceiling that the quit hazard's engagement and burnout multiplier approaches smoothly (M^(u/sqrt(1+u^2)), u = x/ln M)", ge=1, le=100)
    onboarding_effect: float = param(1.8, "log-hazard per unit onboarding quality", "F8 (Cable, Gino & Staats 2013: 32% fewer quits in 6 months); set so that exsim validate --only F8 --replicates 24 gives 32% (1.25 gave 21-23%)", "early quit hazard reduction from good onboarding (quality above 0.5; a rise below it), in the first onboarding_weeks", ge=0, le=5)
    onboarding_weeks: float = param(26.0, "weeks of tenure", "F8 (Cable, Gino & Staats 2013 count quits within 6 months)", "tenure up to which onboarding quality changes the quit hazard", ge=0, le=520)
    contagion_lift: float = param(0.14, "share of hazard", "F7 (Visier 2022: +9.1% measured; set so exsim validate measures about that, net of the depletion of quit-prone teammates)", "mean rise of teammates' hazard over the window after a quit, in a team of 8", ge=0, le=5)
    contagion_size_exponent: float = param(0.74, "exponent", "F7 (+25% in teams of 2)", "how much more contagion bites in small teams", ge=0, le=3)
    contagion_peak_weeks: float = param(10.0, "weeks", "F7 (peak around day 70, window ~135 days)", "weeks after a quit at which teammates' extra hazard peaks", ge=1, le=104)
    manager_exit_contagion: float = param(2.0, "times a teammate's quit", "DESIGN.md (a manager's exit shocks the team)", "contagion of a manager's exit on their team", ge=0, le=20)
    referral_hazard_ratio: float = param(0.8, "ratio", "seeds 002-003 (referrals are the best hires)", "quit hazard of referral hires relative to others", ge=0, le=2)
    max_quit_rate_per_year: float = param(4.0, "quits per person per year", "assumption: finding a job and serving notice take months, so even the unhappiest new hire is expected to stay about 3 months (a weekly quit chance of 7.4%); the shipped scenarios stay below 2", "cap on one person's quit hazard", gt=0, le=12)
    max_mean_quit_rate_per_year: float = param(0.8, "quits per person per year, organisation mean", "assumption: voluntary attrition is a share of staff a year; a mean hazard of 0.8 gives about 83% a year, leaving room for chance before 100% (the shipped scenarios run about 0.15)", "cap on the organisation's mean quit hazard; above it every hazard is scaled down in proportion", gt=0, le=0.8)


class Customers(Section):
    per_frontline_employee: float = param(10.0, "customer accounts", "assumption; at most 1,000: at the default 25% served a week that is 50 contacts a working day, a busy call-centre agent's load", "customer accounts per frontline employee at the start", ge=0, le=1_000)
    interactions_per_week: float = param(0.25, "share of customers", "assumption", "share of customers served in a week", ge=0, le=1)
    base_quality: float = param(1.15, "logit", "assumption (calibrated: csat ~0.75)", "service-quality index at reference drivers", ge=-10, le=10)
    engagement_effect: float = param(3.0, "logit per unit engagement", "F5 (Harter et al. 2002), seeds 000-001", "weight of the server's engagement", ge=0, le=20)
    engagement_reference: float = param(0.65, "engagement 0-1", "assumption (about the baseline's mean engagement)", "server's engagement at which service is at its base quality", ge=0, le=1)
    skill_effect: float = param(1.0, "logit per unit skill", "assumption", "weight of the server's skill", ge=0, le=20)
    strain_effect: float = param(1.5, "logit per unit strain", "assumption", "weight of the server's strain (negative)", ge=0, le=20)
    discontinuity_penalty: float = param(0.8, "logit", "seed 001 (turnover hurts customers)", "quality lost when the usual contact is absent or gone", ge=0, le=20)
    vacant_seat_penalty: float = param(1.0, "logit", "assumption (seed 001: turnover hurts customers)", "quality lost, beyond the discontinuity penalty, while an account's seat is vacant", ge=0, le=20)
    account_difficulty_sd: float = param(1.0, "logit", "assumption (F5: engagement explains only part of csat)", "spread of how demanding each team's accounts are", ge=0, le=5)
    customer_mood_sd: float = param(1.0, "logit", "assumption", "spread of customers' own leniency", ge=0, le=5)
    satisfaction_time_constant_weeks: float = param(4.0, "interactions", "assumption", "interactions for satisfaction to move 63% toward quality", ge=0.5, le=520)
    base_churn_per_year: float = param(0.10, "share per year", "assumption", "customer churn at reference satisfaction", ge=0, le=1)
    churn_sensitivity: float = param(4.0, "log-hazard per unit satisfaction", "assumption", "churn rise per unit satisfaction below reference", ge=0, le=30)
    satisfaction_reference: float = param(0.75, "csat 0-1", "assumption", "satisfaction at which churn is at its base rate", ge=0, le=1)
    acquisition_per_year: float = param(0.13, "share of starting book per year", "assumption (replaces base churn)", "new customers won per year", ge=0, le=5)
    continuity_weeks: float = param(8.0, "weeks", "assumption", "weeks a new contact needs before the relationship is continuous again", ge=0, le=104)
    word_of_mouth: float = param(2.0, "log-rate per unit csat", "DESIGN.md (word of mouth brings customers)", "how strongly satisfaction above reference raises new-customer arrivals", ge=0, le=20)
    unhappy_customer_strain: float = param(0.2, "logit of strain per unit csat below reference", "DESIGN.md (customers' mood feeds back: a secondary loop)", "strain frontline staff take from dissatisfied customers", ge=0, le=20)


class Brand(Section):
    time_constant_weeks: float = param(52.0, "weeks", "F13 (recruitment and reputation move in 12-24 months)", "time for reputation to follow employees' and alumni's stories", ge=1, le=520)
    alumni_weight: float = param(0.35, "share", "seeds 002-003 (alumni shape the employer brand)", "weight of former employees' sentiment in reputation", ge=0, le=1)
    alumni_update_per_leaver: float = param(0.02, "share of the gap per leaver", "assumption", "how far each leaver moves the alumni's sentiment toward their own eNPS", ge=0, le=1)
    applicants_per_vacancy: float = param(12.0, "applicants", "assumption", "applicants per vacancy at a neutral reputation", gt=0, le=1000)
    applicant_elasticity: float = param(3.0, "log-applicants per unit reputation", "assumption", "how strongly applicants follow reputation", ge=0, le=20)
    fit_per_log_applicant: float = param(0.15, "logit of disposition", "assumption (more applicants, better choice)", "new hires' fit gain per unit log of applicants above neutral", ge=0, le=3)
    referral_share: float = param(0.2, "share of hires", "assumption (typical 20-30% of hires by referral)", "share of hires by referral at eNPS 0", ge=0, le=1)
    referral_fit: float = param(0.3, "logit of disposition", "seeds 002-003 (referrals are the best hires)", "better fit of a referral hire", ge=0, le=3)


class Market(Section):
    tightness: float = param(1.0, "ratio to normal", "assumption (BLS JOLTS quits vary 2x over the cycle, F1)", "labour-market tightness: scales outside options and time-to-fill", gt=0, le=5)
    quit_elasticity: float = param(1.0, "log-hazard per log tightness", "assumption", "how strongly quits follow the market", ge=0, le=5)


class Costs(Section):
    """Money per unit; the upper bounds lie far above any organisation's average and only catch slips."""

    salary_employee_eur: float = param(50_000.0, "EUR per year", "assumption (NL office employee, employer cost)", "annual employer cost of an employee", ge=0, le=1_000_000)
    salary_manager_eur: float = param(75_000.0, "EUR per year", "assumption", "annual employer cost of a manager", ge=0, le=2_000_000)
    replacement_share_employee: float = param(0.4, "share of annual salary", "F10 (Gallup 2024: 40% frontline; median 21%)", "cost of replacing a leaver", ge=0, le=5)
    replacement_share_manager: float = param(1.0, "share of annual salary", "F10 (Gallup 2024: up to 200% for leaders)", "cost of replacing a manager", ge=0, le=5)
    sick_day_eur: float = param(300.0, "EUR per sick day", "F11 (NL EUR 250-400)", "cost of a sick day", ge=0, le=10_000)
    vacancy_week_eur: float = param(800.0, "EUR per vacant seat per week", "assumption (lost output)", "cost of a vacant week", ge=0, le=100_000)
    revenue_per_customer_eur: float = param(12_000.0, "EUR per customer per year", "assumption", "annual revenue per customer account", ge=0, le=100_000_000)
    survey_eur_per_employee: float = param(15.0, "EUR per employee per survey", "assumption (survey tool and time)", "cost of one pulse survey", ge=0, le=10_000)
    follow_up_eur_per_team: float = param(500.0, "EUR per team per followed-up survey", "assumption (manager and team time)", "cost of following up a survey in a team", ge=0, le=1_000_000)
    development_conversation_eur: float = param(150.0, "EUR per conversation", "assumption (an hour of two people)", "cost of a development conversation", ge=0, le=100_000)
    working_hours_per_year: float = param(1_700.0, "hours per year", "assumption (a full-time year in the Netherlands: 36-40 hours a week, about 46 working weeks)", "working hours that a salary pays for; prices managers' hours for people", ge=500, le=3_000)
    people_hours_in_salary: float = param(8.0, "hours per week", "assumption (the default managers.hours_for_people)", "manager hours a week for people that the job already includes; only hours above (or below) it cost (or free) manager time", ge=0, le=60)


class Intervention(Section):
    """A change scheduled in time: config keys (or a named programme) move to new values."""

    name: str = param("intervention", "text", "user", "label shown on figures")
    programme: str | None = param(None, "name", "user", "a named programme (see exsim.config.interventions.PROGRAMMES) instead of or besides `set`")
    set: dict[str, Any] = param({}, "section.key = value", "user", "config values in force while the intervention is active")
    start_week: int = param(1, "week", "user", "week the change starts (inside the run: at most sim.years x 52)", ge=1)
    ramp_weeks: int = param(0, "weeks", "user", "weeks to move linearly from the old to the new values", ge=0, le=2600)
    end_week: int | None = param(None, "week", "user", "week the change stops (values return), none = lasts", ge=1, le=1_000_000)
    cost_eur: float = param(0.0, "EUR", "user", "one-off cost at the start", ge=0, le=10_000_000_000)
    cost_eur_per_year: float = param(0.0, "EUR per year", "user", "running cost while active", ge=0, le=10_000_000_000)
    where: list[str] = param([], "department names", "user", "the departments the change applies to (empty: everywhere); costs count only there")


DEPARTMENT_SECTIONS = ("org", "managers", "culture", "work", "policy", "training", "listening", "engagement", "absence",
                       "attrition", "customers", "costs")  # sections a department may override


class Department(Section):
    """A department: its size and any values that differ from the organisation's (`[departments.<name>.<section>]`)."""

    share: float | None = param(None, "share of staff", "user", "share of the seats below the top that the department holds (or give headcount)", gt=0, le=1)
    headcount: int | None = param(None, "people", "user", "seats in the department, its head included (or give share)", ge=2, le=2_000_000)
    org: dict[str, Any] = param({}, "key = value", "user", "the department's own span_of_control, span_variation, frontline_share or team_workload_sd")
    managers: dict[str, Any] = param({}, "key = value", "user", "the managers values that differ in this department")
    culture: dict[str, Any] = param({}, "key = value", "user", "the culture values that differ in this department")
    work: dict[str, Any] = param({}, "key = value", "user", "the work values that differ in this department")
    policy: dict[str, Any] = param({}, "key = value", "user", "the policy values that differ in this department")
    training: dict[str, Any] = param({}, "key = value", "user", "the training values that differ in this department")
    listening: dict[str, Any] = param({}, "key = value", "user", "the listening values that differ in this department")
    engagement: dict[str, Any] = param({}, "key = value", "user", "the engagement values that differ in this department")
    absence: dict[str, Any] = param({}, "key = value", "user", "the absence values that differ in this department")
    attrition: dict[str, Any] = param({}, "key = value", "user", "the attrition values that differ in this department")
    customers: dict[str, Any] = param({}, "key = value", "user", "the customers values that differ in this department")
    costs: dict[str, Any] = param({}, "key = value", "user", "the costs values that differ in this department")


class ScenarioConfig(Section):
    """A whole scenario: one section per concern."""

    sim: Sim = Field(default_factory=Sim)
    lesson: Lesson = Field(default_factory=Lesson)
    org: Org = Field(default_factory=Org)
    managers: Managers = Field(default_factory=Managers)
    culture: Culture = Field(default_factory=Culture)
    work: Work = Field(default_factory=Work)
    policy: Policy = Field(default_factory=Policy)
    training: Training = Field(default_factory=Training)
    listening: Listening = Field(default_factory=Listening)
    engagement: Engagement = Field(default_factory=Engagement)
    absence: Absence = Field(default_factory=Absence)
    attrition: Attrition = Field(default_factory=Attrition)
    customers: Customers = Field(default_factory=Customers)
    brand: Brand = Field(default_factory=Brand)
    market: Market = Field(default_factory=Market)
    costs: Costs = Field(default_factory=Costs)
    @property
    def organisation(self) -> ScenarioConfig:
        """The organisation-wide config: itself (a departments' SeatConfig names its top seat's here)."""
        return self

    departments: dict[str, Department] = Field(default_factory=dict, description="departments with their own size and values, in order [table of tables] (source: user)")
    interventions: list[Intervention] = Field(default_factory=list, max_length=MAX_INTERVENTIONS, description="changes scheduled in time [list] (source: user)")


def parameter_sections() -> dict[str, type[Section]]:
    """Each config section's schema by name; `interventions` items are described by Intervention."""
    sections = {name: field.annotation for name, field in ScenarioConfig.model_fields.items()
                if isinstance(field.annotation, type) and issubclass(field.annotation, Section)}
    return {**sections, "interventions": Intervention}
