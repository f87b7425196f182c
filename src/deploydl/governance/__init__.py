"""Data governance tools for Module 01: catalog, lineage, quality, access control and privacy.

Each part is a small tool with its own module:

* :mod:`~deploydl.governance.catalog`: dataset cards stored as files, listed and searched.
* :mod:`~deploydl.governance.lineage`: content hashes and the graph of what was derived from what
  (its code in :mod:`~deploydl.governance.lineage_graph` and
  :mod:`~deploydl.governance.lineage_views`).
* :mod:`~deploydl.governance.quality`: declarative data-quality rules, checked with pandera
  (its code in :mod:`~deploydl.governance.quality_rules`, ``quality_words`` and
  ``quality_checks``).
* :mod:`~deploydl.governance.access`: role-based column policies, deny by default, reads logged.
* :mod:`~deploydl.governance.privacy`: PII scanner, masking, pseudonyms, retention, erasure
  (its code in :mod:`~deploydl.governance.pii` and :mod:`~deploydl.governance.erasure`).

Import from the submodules; nothing is loaded until you do.
"""
