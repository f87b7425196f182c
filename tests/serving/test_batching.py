"""The micro-batcher: right results to the right caller, isolated failures, bounded waits."""

from __future__ import annotations

import asyncio
import threading

import pytest

from deploydl.serving.batching import BatcherClosed, MicroBatcher


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, timeout=30))  # a guard against hangs, not a timing


def doubled(items):
    return [item * 2 for item in items]


def test_each_caller_gets_its_own_result_and_calls_are_grouped():
    async def main():
        batcher = MicroBatcher(doubled, max_batch_size=8, max_wait_ms=50)
        results = await asyncio.gather(*(batcher.submit(i) for i in range(20)))
        await batcher.close()
        return results, batcher.batch_sizes

    results, sizes = run(main())
    assert results == [i * 2 for i in range(20)]
    assert sum(sizes) == 20 and max(sizes) <= 8 and len(sizes) < 20


def test_size_counts_images_and_a_full_group_goes_without_waiting():
    async def main():
        batcher = MicroBatcher(lambda xs: [len(x) for x in xs], max_batch_size=4,
                               max_wait_ms=60_000)  # a full group must not wait a minute
        results = await asyncio.gather(*(batcher.submit([0, 0], size=2) for _ in range(4)))
        await batcher.close()
        return results, batcher.batch_sizes

    results, sizes = run(main())
    assert results == [2, 2, 2, 2] and sizes == [4, 4]


@pytest.mark.parametrize("in_thread", [True, False])
def test_a_failing_item_fails_only_its_own_request(in_thread):
    def strict(items):
        if any(i < 0 for i in items):
            raise ValueError("negative input")
        return doubled(items)

    async def main():
        batcher = MicroBatcher(strict, max_batch_size=8, max_wait_ms=50, in_thread=in_thread)
        results = await asyncio.gather(*(batcher.submit(i) for i in (1, -1, 2)),
                                       return_exceptions=True)
        full = await batcher.submit(3, size=8)  # a full batch passes straight through
        await batcher.close()
        return results, full

    (good, bad, other), full = run(main())
    assert (good, other, full) == (2, 4, 6)
    assert isinstance(bad, ValueError) and "negative" in str(bad)


def test_an_exception_returned_as_a_result_goes_to_its_caller():
    async def main():
        batcher = MicroBatcher(lambda xs: [KeyError(x) if x == "bad" else x for x in xs])
        results = await asyncio.gather(batcher.submit("ok"), batcher.submit("bad"),
                                       return_exceptions=True)
        await batcher.close()
        return results

    ok, bad = run(main())
    assert ok == "ok" and isinstance(bad, KeyError)


def test_a_wrong_number_of_results_is_an_error_that_says_so():
    async def main():
        batcher = MicroBatcher(lambda xs: [], max_batch_size=1)
        try:
            return await batcher.submit(1)
        finally:
            await batcher.close()

    with pytest.raises(ValueError, match="returned 0 results for 1 items"):
        run(main())


def test_a_lone_request_is_scored_after_the_wait_not_held_for_company():
    async def main():
        loop = asyncio.get_running_loop()
        batcher = MicroBatcher(doubled, max_batch_size=100, max_wait_ms=50)
        start = loop.time()
        result = await batcher.submit(21)
        waited = loop.time() - start
        await batcher.close()
        return result, waited, batcher.batch_sizes

    result, waited, sizes = run(main())
    # It waited for company (at least the max wait) but did not hold the request for a full
    # group of 100 that never comes; 1.5 s is a generous bound for a 50 ms wait on a busy
    # machine, yet well short of the 5 s a wait read in the wrong unit would take.
    assert result == 42 and sizes == [1] and 0.045 <= waited < 1.5


def test_max_wait_zero_groups_only_what_is_already_queued():
    async def main():
        batcher = MicroBatcher(doubled, max_batch_size=100, max_wait_ms=0)
        for i in range(3):  # one after another: never anything queued to group with
            await batcher.submit(i)
        await batcher.close()
        return batcher.batch_sizes

    assert run(main()) == [1, 1, 1]


def test_cancelled_request_is_skipped_and_others_still_answered():
    gate = threading.Event()
    seen = []

    def slow(items):
        seen.extend(items)
        gate.wait(10)
        return doubled(items)

    async def main():
        batcher = MicroBatcher(slow, max_batch_size=1, max_wait_ms=0)
        first = asyncio.ensure_future(batcher.submit(1))
        await asyncio.sleep(0.05)              # item 1 is being scored; 2 and 3 queue
        second = asyncio.ensure_future(batcher.submit(2))
        third = asyncio.ensure_future(batcher.submit(3))
        await asyncio.sleep(0)
        second.cancel()                        # the client hung up while queued
        await asyncio.sleep(0)                 # (the loop passes the cancellation on)
        gate.set()
        results = await asyncio.gather(first, third)
        await batcher.close()
        return results, second.cancelled()

    (one, three), cancelled = run(main())
    assert (one, three) == (2, 6) and cancelled and 2 not in seen


def test_close_fails_waiting_requests_and_refuses_new_ones():
    gate = threading.Event()

    async def main():
        batcher = MicroBatcher(lambda xs: gate.wait(10) and doubled(xs), max_batch_size=1)
        running = asyncio.ensure_future(batcher.submit(1))
        waiting = asyncio.ensure_future(batcher.submit(2))
        await asyncio.sleep(0.05)
        closing = asyncio.ensure_future(batcher.close())
        await asyncio.sleep(0)
        gate.set()
        await closing
        outcomes = await asyncio.gather(running, waiting, return_exceptions=True)
        with pytest.raises(BatcherClosed, match="closed"):
            await batcher.submit(3)
        return outcomes, [t.name for t in threading.enumerate() if t.name.startswith("batcher")]

    outcomes, threads = run(main())
    assert all(isinstance(o, BatcherClosed) for o in outcomes) and threads == []


@pytest.mark.parametrize(("options", "message"), [
    ({"max_batch_size": 0}, "max_batch_size must be at least 1; got 0"),
    ({"max_wait_ms": -1}, "max_wait_ms must be 0 or more; got -1"),
])
def test_bad_options_are_refused_with_the_value(options, message):
    with pytest.raises(ValueError, match=message):
        MicroBatcher(doubled, **options)


def test_a_request_that_is_already_a_full_batch_passes_straight_through():
    gate = threading.Event()
    calls = []

    def score(items):
        calls.append([len(x) for x in items])
        gate.wait(10)
        return [len(x) for x in items]

    async def main():
        batcher = MicroBatcher(score, max_batch_size=4, max_wait_ms=60_000)
        full = asyncio.ensure_future(batcher.submit([0] * 4, size=4))  # no minute-long wait
        await asyncio.sleep(0.05)
        gate.set()
        result = await full
        await batcher.close()
        return result, batcher.batch_sizes

    result, sizes = run(main())
    assert result == 4 and sizes == [4] and calls == [[4]]  # scored alone, never regrouped


def test_a_full_batch_that_fails_raises_for_its_caller_only():
    def score(items):
        if any(x == "bad" for x in items):
            raise ValueError("bad batch")
        return items

    async def main():
        batcher = MicroBatcher(score, max_batch_size=1)
        results = await asyncio.gather(batcher.submit("bad"), batcher.submit("ok"),
                                       return_exceptions=True)
        await batcher.close()
        return results

    bad, ok = run(main())
    assert isinstance(bad, ValueError) and ok == "ok"


def test_the_batch_size_comes_from_the_measured_curve():
    from deploydl.serving.batching import batch_from_curve

    curve = {1: 2.0, 8: 4.0, 16: 6.0, 32: 11.0, 64: 22.0}  # ms per call: per item 0.34 at 32
    assert batch_from_curve(curve) == 16       # 0.375 ms per item is within 10% of 0.34
    assert batch_from_curve(curve, within=0.0) == 32
    assert batch_from_curve({1: 1.0, 32: 32.0}) == 1  # batching saves nothing: do not wait
    with pytest.raises(ValueError, match="positive batch sizes and times"):
        batch_from_curve({0: 1.0})


def test_only_the_latest_group_sizes_are_kept(monkeypatch):
    monkeypatch.setattr("deploydl.serving.batching.KEEP_SIZES", 3)

    async def main():
        batcher = MicroBatcher(doubled, max_batch_size=1)
        for i in range(5):
            await batcher.submit(i)
        await batcher.close()
        return batcher.batch_sizes

    assert run(main()) == [1, 1, 1]  # a long-running server does not keep one per request


def test_on_the_event_loop_requests_read_in_one_round_form_one_group_and_no_thread_starts():
    """The in-loop mode: no worker thread, the model runs on the loop's own thread, and
    requests that reach the queue a pass or two apart (as parsing takes) still group."""
    callers: set[str] = set()

    def score(items):
        callers.add(threading.current_thread().name)
        return doubled(items)

    async def arrive_later(batcher, item, passes):
        for _ in range(passes):  # middleware and parsing: a few passes of the loop
            await asyncio.sleep(0)
        return await batcher.submit(item)

    async def main():
        batcher = MicroBatcher(score, max_batch_size=100, max_wait_ms=0, in_thread=False)
        results = await asyncio.gather(*(arrive_later(batcher, i, i % 3) for i in range(12)))
        threads = [t.name for t in threading.enumerate() if t.name.startswith("batcher")]
        await batcher.close()
        return results, batcher.batch_sizes, threads

    results, sizes, threads = run(main())
    assert results == [i * 2 for i in range(12)]
    assert sizes == [12] and threads == [] and callers == {threading.current_thread().name}

