"""Responsible AI (Module 03): fairness, mitigation, explanations and the model card.

Each part is its own module:

* :mod:`~deploydl.responsible.fairness`: decision rates by group, the four-fifths screen, reweighing
  and the trade-off curve (its code in :mod:`~deploydl.responsible.fairness_metrics` and
  :mod:`~deploydl.responsible.mitigation_methods`).
* :mod:`~deploydl.responsible.mitigation`: the case study: a credit model trained on biased
  history, its proxies and duties.
* :mod:`~deploydl.responsible.explain`: permutation importance, reason codes and saliency maps.
* :mod:`~deploydl.responsible.modelcard`: model cards as Markdown and as a page (Module 07 presents
  them); the card and its printing are in :mod:`~deploydl.responsible.card_document`.
* :mod:`~deploydl.responsible.fairness_widget`: the fairness explorer (ipywidgets): mitigation
  strength against fairness and cost.

Import from the submodules; nothing is loaded until you do.
"""
