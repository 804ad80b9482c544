"""Time constants: the model's year of 52 weekly steps and the calendar's year of 365.25 days.

The model counts time in weeks, 52 to a year. Dates and tenures in data files are calendar time,
365.25 / 7 weeks to a year. This module imports nothing from exsim.
"""

WEEKS_PER_YEAR = 52  # model year: 52 weekly steps
WEEKS_PER_MONTH = WEEKS_PER_YEAR / 12  # model month: a twelfth of the model year
CALENDAR_WEEKS_PER_YEAR = 365.25 / 7  # calendar year in weeks, for dates and data tenures
CALENDAR_WEEKS_PER_MONTH = CALENDAR_WEEKS_PER_YEAR / 12  # calendar month in weeks
