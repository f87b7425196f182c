"""Privacy tools for Module 01: find personal data, hide it, and honour GDPR and CCPA rights.

* :func:`scan_pii` finds personal data in any table by its content, not its column names, with
  regular expressions plus the Luhn check for card numbers (no model download).
* :func:`scan_precision_recall` measures it against cells known to hold personal data.
* :func:`mask` hides a value for people who need to see its shape, not the value.
* :func:`pseudonymise` replaces an identifier with a keyed HMAC pseudonym: the same person gets
  the same pseudonym, so tables still join, but nobody without the key can reverse it.
* :func:`retention_overdue` lists rows kept longer than the dataset card allows.
* :func:`erase_subject` carries out a right-to-erasure request (GDPR Art. 17, CCPA "right to
  delete") across every registered dataset, keeps what a :class:`LegalHold` says the bank must
  keep (the Art. 17(3) exceptions) and uses lineage to list what must be rebuilt.

The code lives in two modules beside this one:

* :mod:`~deploydl.governance.pii`: the scanner, its precision and recall, masking and
  pseudonyms.
* :mod:`~deploydl.governance.erasure`: retention, legal holds and erasure.
"""

from __future__ import annotations

from deploydl.governance.erasure import (
    ErasureReport,
    LegalHold,
    erase_subject,
    retention_overdue,
    rows_mentioning,
    subject_identifiers,
)
from deploydl.governance.pii import (
    PII_PATTERNS,
    find_pii,
    luhn_valid,
    mask,
    pii_columns,
    pseudonymise,
    scan_pii,
    scan_precision_recall,
)

__all__ = [
    "PII_PATTERNS", "ErasureReport", "LegalHold", "erase_subject", "find_pii", "luhn_valid",
    "mask", "pii_columns", "pseudonymise", "retention_overdue", "rows_mentioning", "scan_pii",
    "scan_precision_recall", "subject_identifiers",
]
