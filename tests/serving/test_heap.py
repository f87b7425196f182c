"""Start-up objects are kept out of the garbage collector's way in every server process."""

from __future__ import annotations

import subprocess
import sys

from deploydl.serving import server as server_module
from deploydl.settings import get_settings


def test_freezing_takes_the_start_up_objects_out_of_later_collections():
    code = ("import gc\nfrom deploydl.serving.heap import freeze_start_up_objects\n"
            "marker = [object()]\nfrozen = freeze_start_up_objects()\n"
            "tracked = any(o is marker for o in gc.get_objects())\n"
            "print(frozen, gc.get_freeze_count(), tracked)\n")
    frozen, count, tracked = subprocess.run([sys.executable, "-c", code], check=True,
                                            capture_output=True, text=True).stdout.split()
    assert int(frozen) == int(count) > 1000 and tracked == "False"


def test_serve_and_each_worker_freeze_once_the_app_is_built(artifact_dir, monkeypatch):
    frozen = []
    monkeypatch.setattr(server_module, "freeze_start_up_objects", lambda: frozen.append(1))

    class Server:
        def __init__(self, config):
            pass

        async def main_loop(self):
            pass

        def run(self, sockets):
            frozen.append("served")

    monkeypatch.setattr(server_module.uvicorn, "Server", Server)
    monkeypatch.setenv("DEPLOYDL_TEST_KEY", "k")
    server_module.serve(artifact_dir, port=0, trust=server_module.Trust(),
                        api_key_env="DEPLOYDL_TEST_KEY")
    assert frozen == [1, "served"]  # frozen before it serves
    server_module.worker_app(model_path=str(artifact_dir), settings=get_settings(),
                             trust=server_module.Trust(), log_path=None)
    assert frozen == [1, "served", 1]
