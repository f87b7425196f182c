"""The one server-process helper with any server command: wait for the URL and the ready path,
report a crash with its output, stop the process and its children (fast: a stdlib server)."""

from __future__ import annotations

import sys

import pytest

from deploydl.serving import ServerStartError, ServiceProcess

#: A stdlib HTTP server that prints its URL at once and answers /ready only after 0.3 s.
SERVER = """
import http.server, sys, threading, time
born = time.monotonic()
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        ok = self.path == "/ready" and time.monotonic() - born > 0.3
        self.send_response(200 if ok else 503)
        self.end_headers()
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), H)
print(f"Serving test at http://127.0.0.1:{server.server_port}", flush=True)
server.serve_forever()
"""


def test_a_server_command_is_ready_only_when_its_ready_path_answers_200():
    with ServiceProcess(command=[sys.executable, "-c", SERVER], ready_path="/ready",
                        start_timeout=30) as server:
        assert server.url.startswith("http://127.0.0.1:") and server.running
        assert server.cold_start_s >= 0.3  # it waited for /ready, not only for the URL
        pid = server.pid
    assert not server.running and pid is not None and server.returncode is not None


def test_a_command_that_dies_during_start_up_is_reported_with_its_output():
    crash = [sys.executable, "-c", "import sys; print('model file missing'); sys.exit(3)"]
    server = ServiceProcess(command=crash, start_timeout=30)
    with pytest.raises(ServerStartError, match=r"exited with code 3 before it was ready; "
                                               r"its output:\nmodel file missing"):
        server.start()
    assert not server.running
    server.close()
