"""How many cores each benchmark server keeps busy, and its CPU per request (Module 05)."""

from __future__ import annotations

import contextlib


def test_cpu_figures_are_cores_and_microseconds_per_answered_request():
    from deploydl.efficiency.bench_cpu import cpu_figures

    figures = cpu_figures(server_cpu_s=3.8, loadgen_cpu_s=0.4, seconds=4.0, answered=5000)
    assert figures == {"rps": 1250.0, "server_cores": 0.95, "cpu_us_per_request": 760,
                       "loadgen_cores": 0.1}
    assert cpu_figures(server_cpu_s=1.0, loadgen_cpu_s=0.0, seconds=1.0,
                       answered=0)["cpu_us_per_request"] is None  # nothing answered


def test_the_summary_takes_medians_per_server_and_the_table_prints_them():
    from deploydl.efficiency.bench_cpu import cpu_use_table, summarise_cpu_use

    rows = [{"rep": rep, "server": server, "rps": rps, "server_cores": cores,
             "cpu_us_per_request": us, "loadgen_cores": 0.1}
            for rep, (server, rps, cores, us) in enumerate([
                ("course", 1200.0, 0.97, 800), ("litserve", 600.0, 1.6, 2600),
                ("litserve", 900.0, 1.7, 1900), ("course", 1300.0, 0.98, 750),
                ("course", 1100.0, 0.96, 870), ("litserve", 700.0, 1.5, None)])]
    summary = summarise_cpu_use(rows)
    assert [row["server"] for row in summary] == ["course", "litserve"]
    assert summary[0] == {"server": "course", "reps": 3, "rps": 1200.0, "server_cores": 0.97,
                          "cpu_us_per_request": 800, "loadgen_cores": 0.1}
    assert summary[1]["cpu_us_per_request"] == 2250  # a load with no answer is left out
    table = cpu_use_table(summary)
    assert "| course | 1,200 | 0.97 | 800 | 0.10 |" in table
    assert "| litserve | 700 | 1.60 | 2,250 | 0.10 |" in table


def test_servers_take_turns_paused_when_idle_and_each_load_is_measured(monkeypatch):
    """Each server starts once, is warmed up, then the repetitions alternate A B, B A; the
    CPU read before and after each load is the server's own, in its turn."""
    from deploydl.efficiency import bench, bench_cpu

    events = []

    class FakeServer:
        def __init__(self, *, command, ready_path, start_timeout):
            self.name, self.url, self.used = command[0], f"http://{command[0]}", 0.0

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            events.append((self.name, "stopped"))
            return False

        def pause(self):
            events.append((self.name, "paused"))

        @contextlib.contextmanager
        def turn(self):
            events.append((self.name, "turn"))
            yield self

        def cpu_s(self):
            return self.used

    servers = {}
    now = [0.0]  # the clock the loads are timed with: a load takes exactly its duration

    def fake_load(url, *, body, concurrency, duration_s, headers, engine):
        name = url.split("/")[2]
        events.append((name, "load"))
        servers[name].used += 0.9 if name == "a" else 1.6  # a: one core; b: both
        now[0] += duration_s
        return {"ok": 1000}

    def tracked(**kwargs):
        server = FakeServer(**kwargs)
        servers[server.name] = server
        return server

    monkeypatch.setattr(bench, "ServiceProcess", tracked)
    monkeypatch.setattr(bench, "run_load", fake_load)
    monkeypatch.setattr(bench_cpu, "run_load", fake_load)
    monkeypatch.setattr(bench_cpu.time, "perf_counter", lambda: now[0])
    rows = bench_cpu.measure_cpu_use({"course": ["a"], "litserve": ["b"]}, body=b"{}", reps=2,
                                     duration_s=1.0, progress=lambda message: None)
    assert events[:2] == [("a", "paused"), ("b", "paused")]
    assert [name for name, what in events if what == "load"] == ["a", "b",  # warm-ups
                                                                 "a", "b", "b", "a"]
    assert [(row["server"], row["rep"]) for row in rows] == [
        ("course", 0), ("litserve", 0), ("litserve", 1), ("course", 1)]
    course, litserve = rows[0], rows[1]
    assert course["cpu_us_per_request"] == 900 and litserve["cpu_us_per_request"] == 1600
    assert course["server_cores"] == 0.9 and litserve["server_cores"] == 1.6
    assert events[-2:] == [("b", "stopped"), ("a", "stopped")]

