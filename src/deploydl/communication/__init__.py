"""Talking to the people who decide (Module 07): the brief, its page, the audiences and the plan.

Each part is its own module:

* :mod:`~deploydl.communication.brief`: gathers the brief's numbers, each from the module that owns
  it.
* :mod:`~deploydl.communication.brief_page`: the executive brief as a self-contained page, one to
  two printed pages.
* :mod:`~deploydl.communication.audiences`: one result for four audiences, and the audience
  explorer.
* :mod:`~deploydl.communication.plan`: the communication plan: who hears what, how often, in which
  document.
* :mod:`~deploydl.communication.value`: the value case: the model against the bank's current
  process, in dollars.

Import from the submodules; nothing is loaded until you do.
"""
