"""Data lineage for Module 01: which data, changed how, by which code, made which model.

Each dataset version gets a **content hash** (:func:`content_hash`): the same data always gets
the same hash, and any changed cell gives a new one. A :class:`Lineage` records each
transformation with its input hashes, output hash, parameters and code version, answers
"what was derived from this?" (:meth:`Lineage.descendants`) and draws itself (:meth:`Lineage.draw`).

The code lives in two modules beside this one:

* :mod:`~deploydl.governance.lineage_graph`: :func:`content_hash`, the nodes and steps, and
  :class:`Lineage`.
* :mod:`~deploydl.governance.lineage_views`: :func:`params_in_words` and the drawing's colours
  and legend (:data:`ERASURE_FATES`, :data:`CHANGED`, :data:`AFFECTED`).
"""

from __future__ import annotations

from deploydl.governance.lineage_graph import Lineage, Node, Transformation, content_hash
from deploydl.governance.lineage_views import AFFECTED, CHANGED, ERASURE_FATES, params_in_words

__all__ = ["AFFECTED", "CHANGED", "ERASURE_FATES", "Lineage", "Node", "Transformation",
           "content_hash", "params_in_words"]
