"""Efficient inference (Module 05): faster and cheaper predictions, measured.

- :mod:`~deploydl.efficiency.inference`: eval and inference mode, threads, timing.
- :mod:`~deploydl.efficiency.compress`: int8, TorchScript, ONNX Runtime, model size.
- :mod:`~deploydl.efficiency.costs`: cost per million predictions, the cost planner widget.
- :mod:`~deploydl.efficiency.bench`: the serving benchmark behind ``deploydl bench``.
"""
