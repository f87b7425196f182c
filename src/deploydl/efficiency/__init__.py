"""Efficient inference (Module 05): faster and cheaper predictions, measured.

- :mod:`~deploydl.efficiency.inference`: eval and inference mode, threads, timing.
- :mod:`~deploydl.efficiency.compress`: int8, TorchScript, ONNX Runtime, model size (its code in
  ``torch_copies``, ``onnx_export``, ``variants`` and ``variant_words``).
- :mod:`~deploydl.efficiency.costs`: cost per million predictions, the cost planner widget (its
  code in ``pricing`` and ``cost_timings``).
- :mod:`~deploydl.efficiency.capacity`: replicas for a peak and a p99 target (its code in
  ``queueing``, ``capacity_curve``, ``capacity_plan`` and ``capacity_words``).
- :mod:`~deploydl.efficiency.runtime`: ONNX Runtime as a serving backend.
- :mod:`~deploydl.efficiency.bench`: the serving benchmark behind ``deploydl bench`` (its parts in
  the ``bench_*`` modules, with ``loadgen``, the one load generator, and ``layers``, each
  layer's cost).
"""

import os


def quiet_onnxruntime() -> None:
    """Turn ONNX Runtime's usage telemetry off, before it is imported, unless the user chose.

    Left on, ONNX Runtime writes a device ID under ``~/.cache/Microsoft/DeveloperTools/`` and
    tries to send usage events to Microsoft (README, "What the course writes on a laptop").
    """
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
