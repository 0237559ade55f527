"""The content of an eligibility report, as plain data (pure Python: no Django, no I/O).

build_report() takes the engine's input (Facts), every category period and the
draw history (plain DrawRecord values) and returns a JSON-ready dict: the
assessment, the CRS breakdown against each factor's maximum, when unmet
programs and categories would be met if nothing changes, the backtest against
the last twelve months of rounds, the pool position from the latest published
distribution, the engine's what-if changes ranked by points, what will lower
the score and when, document expiries and warnings.

Sentences are left to the templates (translated there); this package returns
numbers, dates, codes and the engine's own reason strings. Dates are ISO strings
in the output so a stored report round-trips through JSON unchanged.

Modules, one concern each: build (the report), snapshot (facts <-> JSON, facts known on a day),
backtest (past rounds replayed), pool (position in the published distribution), whatif (ranked
changes and changes ahead), diff (two stored reports compared).
"""

from .backtest import DrawRecord
from .build import EXPIRY_ALERT_DAYS, REPORT_VERSION, build_report
from .diff import diff_reports
from .pool import DD_BUCKETS, candidates_above
from .snapshot import facts_from_dict, facts_to_dict

__all__ = [
    "DD_BUCKETS",
    "EXPIRY_ALERT_DAYS",
    "REPORT_VERSION",
    "DrawRecord",
    "build_report",
    "candidates_above",
    "diff_reports",
    "facts_from_dict",
    "facts_to_dict",
]
