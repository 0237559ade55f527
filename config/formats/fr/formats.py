"""French display formats as a francophone writes them: "15 déc. 2026", "7 août", "1 juin 2026".

Django's own French formats spell the month in full ("15 décembre 2026"), too long for tables,
and `M` gives "Déc"/"Aoû", which no French text uses; `N` is the abbreviation with its period
("déc.", "fév.", "juin"). The ordinal "1er" is added by clients.formatting.local_date.
"""

DATE_FORMAT = "j N Y"
DATETIME_FORMAT = "j N Y, H:i"
MONTH_DAY_FORMAT = "j N"
YEAR_MONTH_FORMAT = "N Y"
