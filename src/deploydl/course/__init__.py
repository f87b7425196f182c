"""Course tooling, not life-cycle code: the course map, labs, notebook runner, progress, setup
check, agendas, slides, room kit, claim checks and the kernels' NameError tip.

Each part is its own module:

* :mod:`~deploydl.course.curriculum`: the course map: every module, its notebooks and its time.
* :mod:`~deploydl.course.labs`: labs generated from solutions.
* :mod:`~deploydl.course.runner`: executing notebooks headless, for grading and refreshing outputs.
* :mod:`~deploydl.course.stable_outputs`: what ``deploydl refresh`` drops from a notebook before
  storing it (widget state, how text was chunked, memory addresses).
* :mod:`~deploydl.course.progress`: one screen for a learner studying alone.
* :mod:`~deploydl.course.doctor`: ``deploydl doctor``, the setup check.
* :mod:`~deploydl.course.agenda`: workshop agendas from each lesson's timing metadata.
* :mod:`~deploydl.course.slides`: slide decks from the lesson notebooks, for a room without
  internet.
* :mod:`~deploydl.course.roomkit`: the printed room kit.
* :mod:`~deploydl.course.claims`: checks that keep the lessons' claims true.
* :mod:`~deploydl.course.scratch`: scratch folders that are removed when the kernel exits.
* :mod:`~deploydl.course.name_error_tip`: a tip under a NameError in the course's kernels
  (the cells above have not run, as after a restart).

Import from the submodules; nothing is loaded until you do.
"""
