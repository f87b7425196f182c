"""How results look on screen and on paper: one chart style, one page shell, PDF printing.

Each part is its own module:

* :mod:`~deploydl.present.charts`: one look for every chart, readable from the back of a room,
  colour-blind safe; the same rules write money, shares and printed results in the text.
* :mod:`~deploydl.present.report`: self-contained HTML pages and their PDF print.
* :mod:`~deploydl.present.tables`: tables shown whole in notebooks and on slides.

Import from the submodules; nothing is loaded until you do.
"""
