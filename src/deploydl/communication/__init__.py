"""Talking to the people who decide (Module 07): the brief, its page, the audiences and the plan.

Each part is its own module:

* :mod:`~deploydl.communication.brief`: gathers the brief's numbers, each from the module that owns
  it, into :mod:`~deploydl.communication.brief_inputs`' dataclasses; money rounded as
  :mod:`~deploydl.communication.brief_rounding` writes it; the risk register and roll-out plan
  from :mod:`~deploydl.communication.brief_risks`.
* :mod:`~deploydl.communication.brief_page`: the executive brief as a self-contained page, one to
  two printed pages, from its tagged numbers (:mod:`~deploydl.communication.brief_numbers`), words
  (:mod:`~deploydl.communication.brief_text`), section bodies
  (:mod:`~deploydl.communication.brief_sections`), charts
  (:mod:`~deploydl.communication.brief_charts`) and model card
  (:mod:`~deploydl.communication.brief_card`).
* :mod:`~deploydl.communication.audiences`: one result for four audiences, and the audience
  explorer.
* :mod:`~deploydl.communication.plan`: the communication plan: who hears what, how often, in which
  document.
* :mod:`~deploydl.communication.value`: the value case: the model against the bank's current
  process, in dollars (its code in :mod:`~deploydl.communication.value_costs` and
  :mod:`~deploydl.communication.value_reading`).

Import from the submodules; nothing is loaded until you do.
"""
