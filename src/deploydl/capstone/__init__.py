"""The capstone and careers (Module 08).

Each part is its own module:

* :mod:`~deploydl.capstone.project`: Northbridge Bank opens a new region, through the whole life
  cycle. Import the capstone from it; its stages live beside it (``scenario``, ``training``,
  ``release``, ``service``, ``ab_test``, ``run``, ``demo`` and ``lesson``).
* :mod:`~deploydl.capstone.charts`: an input's daily average before and after a change.
* :mod:`~deploydl.capstone.careers`: the roles in model deployment, what each owns, and a
  self-assessment.

Import from the submodules; nothing is loaded until you do.
"""
