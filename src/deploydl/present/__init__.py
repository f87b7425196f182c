"""How results look on screen and on paper: one chart style, one page shell, PDF printing.

Each part is its own module:

* :mod:`~deploydl.present.charts`: one look for every chart, readable from the back of a room,
  colour-blind safe; the same rules write money, shares and printed results in the text.
* :mod:`~deploydl.present.report`: self-contained HTML pages and their PDF print; the pages'
  parts live in :mod:`~deploydl.present.html_blocks` (figures, tables, prose),
  :mod:`~deploydl.present.page_shell` (the page around them) and
  :mod:`~deploydl.present.chromium` (where Chromium is, and what to do when it is not).
* :mod:`~deploydl.present.panel`: interactive panels whose stored text says what they are.
* :mod:`~deploydl.present.tables`: tables shown whole in notebooks and on slides.

Import from the submodules; nothing is loaded until you do.
"""
