"""Efficient inference (Module 05): faster and cheaper predictions, measured.

- :mod:`~deploydl.efficiency.inference`: eval and inference mode, threads, timing.
- :mod:`~deploydl.efficiency.compress`: int8, TorchScript, ONNX Runtime, model size.
- :mod:`~deploydl.efficiency.costs`: cost per million predictions, the cost planner widget.
- :mod:`~deploydl.efficiency.bench`: the serving benchmark behind ``deploydl bench``.
"""

import os


def quiet_onnxruntime() -> None:
    """Turn ONNX Runtime's usage telemetry off, before it is imported, unless the user chose.

    Left on, ONNX Runtime writes a device ID under ``~/.cache/Microsoft/DeveloperTools/`` and
    tries to send usage events to Microsoft (README, "What the course writes on a laptop").
    """
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
