"""Runs last (by name): nothing the tests started may still be running or listening."""

import threading

import psutil


def test_no_server_thread_process_or_listening_port_is_left():
    threads = [t.name for t in threading.enumerate() if t.name.startswith("deploydl-")]
    me = psutil.Process()
    children = [c.cmdline() for c in me.children(recursive=True) if c.is_running()]
    listening = [c.laddr for c in me.net_connections(kind="inet") if c.status == "LISTEN"]
    assert threads == [] and children == [] and listening == []
