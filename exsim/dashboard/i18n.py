"""The dashboard's words in English and Dutch: every label, button, message and plot title.

Lesson titles and texts are in the lesson files ([lesson] title/text and title_nl/text_nl); the
English labels of controls and plots are where they are defined (exsim.dashboard.model.CONTROLS,
exsim.dashboard.charts.CHARTS, the KPI table) and their Dutch ones here.
"""

from __future__ import annotations

LANGUAGES = {"en": "English", "nl": "Nederlands"}

# Control name -> (label, unit) in Dutch; choice value -> text in Dutch.
CONTROLS_NL: dict[str, tuple[str, str]] = {
    "headcount": ("Omvang van de organisatie", "mensen"),
    "seed": ("Toevalsgetal (seed)", ""),
    "change_week": ("De verandering begint in week", ""),
    "span_of_control": ("Leidingspanne", "medewerkers per leidinggevende"),
    "workload": ("Werklast", "× bemande capaciteit"),
    "trust": ("Vertrouwensklimaat (0-1)", ""),
    "perks": ("Extraatjes", "EUR per persoon per jaar"),
    "training": ("Getrainde leidinggevenden", "van de leidinggevenden"),
    "selection": ("Nieuwe leidinggevenden zijn", ""),
    "promotion": ("Leidinggevende plekken vervuld vanuit het team", ""),
    "time_to_fill": ("Tijd om een vacature te vervullen", "weken"),
    "onboarding": ("Kwaliteit van de onboarding (0-1)", ""),
    "surveys": ("Pulse-enquêtes", "per jaar"),
    "follow_up": ("Enquêtes opgevolgd", "van de enquêtes"),
}
CHOICES_NL = {"top_performer": "de beste presteerder van het team", "leadership": "gekozen op leiderschap"}

# Config key -> (label, unit) in Dutch, for the values lessons set without a control (the Running line names
# them; in English the parameter catalogue's labels are used). tests/test_dashboard_model.py checks every
# lesson's such key is here.
PARAMETERS_NL: dict[str, tuple[str, str]] = {
    "managers.promoted_strain": ("Extra stress van gepromoveerde, ongetrainde leidinggevenden", "logit van de stress"),
    "attrition.manager_exit_contagion": ("Besmettelijkheid van het vertrek van een leidinggevende",
                                         "keer het vertrek van een teamgenoot"),
    "managers.top_performer_quality_penalty": ("Kwaliteitsachterstand van de gepromoveerde beste presteerder",
                                               "gedragskwaliteit 0-1"),
}

CHARTS_NL = {
    "engagement": "Betrokkenheid (0-1)",
    "manager_support": "Steun van de leidinggevende (0-1)",
    "trust_org": "Vertrouwen in de organisatie (0-1)",
    "trust_manager": "Vertrouwen in de leidinggevende (0-1)",
    "burnout_share": "Burn-out (% van het personeel)",
    "absence_rate": "Ziekteverzuim (% van de werkdagen)",
    "voluntary_attrition_rate": "Vrijwillig verloop (% per jaar)",
    "enps": "eNPS (-100..100)",
    "csat": "Klanttevredenheid (0-1)",
    "quit_hazard": "Vertrekkans (per jaar)",
    "vacancies": "Openstaande vacatures (plekken)",
    "recent_quits": "Vrijwillig vertrek (mensen in de laatste 4 weken)",
    "early_quits": "Vertrek in de eerste 26 weken van een baan (mensen in de laatste 13 weken)",
    "new_hire_skill": "Productiviteit van wie de laatste 26 weken begon (0-1)",
    "manager_strain": "Stress van de leidinggevenden (0-1)",
    "strain": "Stress van het personeel in dienst (0-1)",
    "manager_quits": "Leidinggevenden die vertrokken (mensen in de laatste 13 weken)",
    "promoted_share": "Ongetrainde gepromoveerde toppers (% van de leidinggevenden)",
    "cost_salaries": "Salarissen (EUR duizend per week)",
    "cost_other": "Kosten naast salarissen (EUR duizend per week)",
}

TEXT: dict[str, dict[str, str]] = {
    "page_title": {"en": "exsim: employee experience", "nl": "exsim: medewerkerservaring"},
    "language": {"en": "Taal / language", "nl": "Taal / language"},
    "lesson": {"en": "Lesson", "nl": "Les"},
    "baseline_title": {"en": "Baseline (no lesson)", "nl": "Basislijn (geen les)"},
    "group.run": {"en": "The run", "nl": "De simulatie"},
    "group.shape": {"en": "Reorganisation (at the change week)", "nl": "Reorganisatie (in de veranderweek)"},
    "group.lever": {"en": "Levers (from the change week)", "nl": "Hefbomen (vanaf de veranderweek)"},
    "week0": {"en": "Week 0 · the settled organisation, before week 1",
              "nl": "Week 0 · de organisatie in evenwicht, vóór week 1"},
    "week": {"en": "Week {week} · year {year}, week {of_year} of the year",
             "nl": "Week {week} · jaar {year}, week {of_year} van het jaar"},
    "play": {"en": "▶ Play", "nl": "▶ Afspelen"},
    "pause": {"en": "❚❚ Pause", "nl": "❚❚ Pauze"},
    "step": {"en": "Step", "nl": "Stap"},
    "reset": {"en": "Reset", "nl": "Opnieuw"},
    "fullscreen": {"en": "Full screen", "nl": "Volledig scherm"},
    "keys": {"en": "Keys: space plays or pauses, → steps, r resets, f full screen",
             "nl": "Toetsen: spatie speelt af of pauzeert, → een stap, r opnieuw, f volledig scherm"},
    "banner": {"en": "<b>Settings changed, not yet applied.</b> The model still runs the values below. Press Reset "
                     "to start again with the new ones ({items}).",
               "nl": "<b>Instellingen gewijzigd, nog niet toegepast.</b> Het model draait nog met de waarden "
                     "hieronder. Druk op Opnieuw om opnieuw te beginnen met de nieuwe ({items})."},
    "running": {"en": "<b>Running:</b> {title}, {size}, starting with a span of control of {span}, seed {seed}.",
                "nl": "<b>Nu:</b> {title}, {size}, beginnend met een leidingspanne van {span}, seed {seed}."},
    "baseline_value": {"en": "baseline {value}", "nl": "basislijn {value}"},
    "levers_throughout": {"en": " The baseline's levers throughout.", "nl": " Steeds de hefbomen van de basislijn."},
    "weeks_before": {"en": " Weeks 1-{before}: the baseline; from week {week}: {levers}.",
                     "nl": " Weken 1-{before}: de basislijn; vanaf week {week}: {levers}."},
    "from_week": {"en": " From week {week}: {levers}.", "nl": " Vanaf week {week}: {levers}."},
    "baseline_heading": {"en": "Baseline: a typical office organisation",
                         "nl": "Basislijn: een doorsnee kantoororganisatie"},
    "baseline_text": {"en": "The status quo, settled: what a typical organisation looks like week after week. Pick a "
                            "lesson, or move a lever and press Reset: the change comes into force at the marked week.",
                      "nl": "De huidige situatie, in evenwicht: hoe een doorsnee organisatie er week na week uitziet. "
                            "Kies een les, of verschuif een hefboom en druk op Opnieuw: de verandering gaat in op "
                            "de gemarkeerde week."},
    "what_to_watch": {"en": "What to watch.", "nl": "Waar op te letten."},
    "legend": {"en": 'The plots: <span class="run">— this run</span>, <span class="base">- - the baseline</span> '
                     '(same seed and size), {when}. First: {names}.',
               "nl": 'De grafieken: <span class="run">— deze run</span>, <span class="base">- - de basislijn</span> '
                     '(zelfde seed en omvang), {when}. Eerst: {names}.'},
    "change_at": {"en": 'the <span class="change">change at week {week}</span>',
                  "nl": 'de <span class="change">verandering in week {week}</span>'},
    "no_change": {"en": "no timed change", "nl": "geen verandering in de tijd"},
    "this_run": {"en": "this run", "nl": "deze run"},
    "baseline": {"en": "baseline", "nl": "basislijn"},
    "marker": {"en": "change, week {week}", "nl": "verandering, week {week}"},
    "axis_week": {"en": "week", "nl": "week"},
    "save": {"en": "Save as image (PNG)", "nl": "Opslaan als afbeelding (PNG)"},
    "org_title": {"en": "The organisation: each team a shaded block under its manager (outlined); colour: "
                        "engagement (0-1)",
                  "nl": "De organisatie: elk team een grijs blok onder zijn leidinggevende (omrand); kleur: "
                        "betrokkenheid (0-1)"},
    "org.vacant": {"en": "vacant seat", "nl": "lege plek"},
    "org.burnout": {"en": "burnout", "nl": "burn-out"},
    "org.absent": {"en": "absent this week", "nl": "deze week afwezig"},
    "org.left": {"en": "left in the last {weeks} weeks", "nl": "vertrokken in de laatste {weeks} weken"},
    "org.employee": {"en": "employee", "nl": "medewerker"},
    "org.manager": {"en": "manager", "nl": "leidinggevende"},
    "org.engagement": {"en": "engagement", "nl": "betrokkenheid"},
    "compare_heading": {"en": "This run against the baseline on {n} paired seeds",
                        "nl": "Deze run tegen de basislijn op {n} gepaarde seeds"},
    "compare_button": {"en": "Compare on {n} seeds ({weeks} weeks)", "nl": "Vergelijk op {n} seeds ({weeks} weken)"},
    "compare_running": {"en": "Running seed {i} of {n}…", "nl": "Seed {i} van {n} loopt…"},
    "compare_text": {
        "en": "The settings now running, and the baseline, each on the same {n} seeds (seed {first} and the next "
              "replicates, as <code>exsim run --replicates {n}</code>). Left: both runs, mean of the seeds "
              "(lines) and lowest to highest (bands). Right: this run minus the baseline, seed by seed: each pair "
              "shares its organisation and luck until the change, so the difference is the change's effect on "
              "that seed, and the band its range over the seeds.",
        "nl": "De instellingen die nu draaien, en de basislijn, elk op dezelfde {n} seeds (seed {first} en de "
              "volgende replicaties, zoals <code>exsim run --replicates {n}</code>). Links: beide runs, gemiddelde "
              "van de seeds (lijnen) en laagste tot hoogste (banden). Rechts: deze run min de basislijn, seed voor "
              "seed: elk paar deelt zijn organisatie en toeval tot de verandering, dus het verschil is het effect "
              "van de verandering op die seed, en de band het bereik daarvan over de seeds."},
    "compare_stale": {"en": "These seeds ran {title}; the page now runs other settings. Press Compare again.",
                      "nl": "Deze seeds draaiden {title}; de pagina draait nu andere instellingen. Druk opnieuw op "
                            "Vergelijk."},
    "difference": {"en": "difference", "nl": "verschil"},
    "mean": {"en": "mean", "nl": "gemiddelde"},
    "range": {"en": "range of the seeds", "nl": "bereik van de seeds"},
    "diff_title": {"en": "{label}: this run − baseline", "nl": "{label}: deze run − basislijn"},
}


def tr(lang: str, key: str, **values) -> str:
    """The text `key` in `lang` ("en" or "nl"), with {values} filled in."""
    text = TEXT[key].get(lang) or TEXT[key]["en"]
    return text.format(**values) if values else text


def number(text: str, lang: str) -> str:
    """A formatted number in the language's convention: 1,234.5 in English, 1.234,5 in Dutch."""
    return text.translate(str.maketrans({",": ".", ".": ","})) if lang == "nl" else text
