"""The capstone and careers (Module 08).

Each part is its own module:

* :mod:`~deploydl.capstone.project`: Northbridge Bank opens a new region, through the whole life
  cycle.
* :mod:`~deploydl.capstone.careers`: the roles in model deployment, what each owns, and a
  self-assessment.

Import from the submodules; nothing is loaded until you do.
"""
