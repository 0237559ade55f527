"""Eligibility reports under audit (issue 6): who generated which report, and when.

Imported from EligibilityConfig.ready(); the owner's audit pages list these rows, scoped by
the report's own firm. A report is a snapshot: its history is mostly the creation row.
"""

from audit.history import audited
from eligibility.models import Report

audited(Report)
