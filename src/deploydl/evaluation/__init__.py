"""Judging a model in business terms (Module 02): metrics, calibration, the metric to choose and
the threshold explorer.

Each part is its own module:

* :mod:`~deploydl.evaluation.metrics`: AUC, bootstrap intervals, cross-validation, the cost of
  errors and the threshold sweep, in one place to import from. The code lives in
  :mod:`~deploydl.evaluation.classification` (the metrics), :mod:`~deploydl.evaluation.costs`
  (the cost of errors and the sweep), :mod:`~deploydl.evaluation.intervals` and
  :mod:`~deploydl.evaluation.cross_validation` (how sure a metric is) and
  :mod:`~deploydl.evaluation.model_comparison` (models side by side).
* :mod:`~deploydl.evaluation.calibration`: does a score of 20% mean a 20% chance of default;
  calibrating and break-even.
* :mod:`~deploydl.evaluation.decision`: the one rule that picks the decision threshold (the
  break-even on calibrated scores, checked against the fairness screen on the set-aside
  applicants) and the test set's report on it (cost and hindsight gap).
* :mod:`~deploydl.evaluation.resampling`: how sure is a cost: paired bootstrap intervals for
  the cost gap between two choices on the same applicants, and how often a cap breaks.
* :mod:`~deploydl.evaluation.metric_choice`: F1 or money: the threshold each one picks, side by
  side.
* :mod:`~deploydl.evaluation.threshold_widget`: the threshold explorer (ipywidgets), its logic
  testable without a browser.

Import from the submodules; nothing is loaded until you do.
"""
