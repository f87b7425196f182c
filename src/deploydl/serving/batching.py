"""Micro-batching (Module 05): group concurrent requests into one model call.

A model scores 32 images in one call far faster than in 32 calls. A web service receives
requests one at a time, so :class:`MicroBatcher` holds each request for at most ``max_wait_ms``
while others arrive, up to ``max_batch_size`` items, then runs the model once for the group.

Where the model runs is a choice with a measured trade-off:

- ``in_thread=True``: in a worker thread, so the event loop (and ``/health``) keeps answering
  however long a call takes. Each group is handed to the thread and back, and the thread and
  the event loop share Python's GIL, which torch takes back after every layer: under load the
  model waits for the event loop between layers.
- ``in_thread=False``: on the event loop itself, between rounds of reading requests: the loop
  reads every request that has arrived, scores them in one call, answers, and reads again. No
  hand-over and no sharing of the GIL; ``/health`` waits for at most one call. Right for a
  model whose largest group takes a few milliseconds (the cheque-digit service measures this
  at start-up and decides, :data:`deploydl.serving.digits.LOOP_BUDGET_MS`).

With ``max_wait_ms=0``, as the course's service starts it
(:func:`deploydl.serving.digits.create_digits_app`), the batch adapts to the load by itself: a
request that finds the model idle is scored at once (no added latency at one client), and the
requests that arrive while the model is busy form the next group. A request that is already a full
batch passes straight through: no queue, no copying into a group. The largest group worth
forming comes from a measured curve of the model's speed (:func:`batch_from_curve`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

#: How many group sizes :attr:`MicroBatcher.batch_sizes` keeps (the latest ones).
KEEP_SIZES = 10_000
#: On the event loop, passes of the loop with no new request before a group closes. A request
#: the server has read takes a pass or two (middleware, parsing) to reach the queue; two empty
#: passes let those join the group at the cost of microseconds, never of a wait for traffic.
SETTLE_PASSES = 2

Item = TypeVar("Item")
Result = TypeVar("Result")


class BatcherClosed(RuntimeError):
    """The batcher was closed; requests still waiting were not scored."""


@dataclass
class _Pending:
    item: Any
    size: int
    future: asyncio.Future


class MicroBatcher(Generic[Item, Result]):
    """Score items in groups: at most ``max_batch_size`` items, waiting at most ``max_wait_ms``.

    Parameters
    ----------
    score_batch : callable
        ``score_batch(items) -> results``: one result per item, in order. It runs in a worker
        thread or on the event loop (``in_thread``). A result that is an exception fails only
        its item. If the whole call raises, each item is scored alone, so one bad item fails
        only its own request.
    max_batch_size : int
        Most items in one call (counted by the ``size`` given to :meth:`submit`, for example
        images, so a request of 32 images counts 32).
    max_wait_ms : float
        Longest time, in milliseconds, the first item of a group waits for company. 0 sends
        whatever is queued at once. Higher values make bigger groups under load and add up to
        this much latency when traffic is light.
    in_thread : bool
        Run ``score_batch`` in a worker thread (``True``) or on the event loop (``False``);
        see the module's description for the trade-off.

    Examples
    --------
    >>> batcher = MicroBatcher(lambda xs: [x * 2 for x in xs], max_batch_size=8)  # doctest: +SKIP
    >>> await batcher.submit(21)                                                   # doctest: +SKIP
    42
    """

    def __init__(self, score_batch: Callable[[list[Item]], Sequence[Result]], *,
                 max_batch_size: int = 32, max_wait_ms: float = 2.0,
                 in_thread: bool = True) -> None:
        if max_batch_size < 1:
            raise ValueError(f"max_batch_size must be at least 1; got {max_batch_size}. "
                             "Use 1 to switch batching off.")
        if max_wait_ms < 0:
            raise ValueError(f"max_wait_ms must be 0 or more; got {max_wait_ms}.")
        self.score_batch = score_batch
        self.max_batch_size = max_batch_size
        self.max_wait_ms = max_wait_ms
        self.in_thread = in_thread
        self._sizes: deque[int] = deque(maxlen=KEEP_SIZES)
        # Bound to the event loop on first use (Python 3.10+), so it can be made here.
        self._queue: asyncio.Queue[_Pending] = asyncio.Queue()
        self._worker: asyncio.Task | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._closed = False

    @property
    def batch_sizes(self) -> list[int]:
        """Sizes of the latest groups scored (items per model call), oldest first.

        Only the last :data:`KEEP_SIZES` are kept, so a server that runs for months does not
        grow a list with every request.
        """
        return list(self._sizes)

    async def submit(self, item: Item, *, size: int = 1) -> Result:
        """Queue ``item`` and wait for its result (or its own exception)."""
        if self._closed:
            raise BatcherClosed("The batcher is closed; build a new one to score again.")
        self._start()
        if size >= self.max_batch_size:  # already a full batch: straight to the model
            return await self._pass_through(item, size)
        future = asyncio.get_running_loop().create_future()
        await self._queue.put(_Pending(item, size, future))
        return await future

    async def _pass_through(self, item: Item, size: int) -> Result:
        """Score a full batch alone, where groups are scored (calls never overlap)."""
        self._sizes.append(size)
        try:
            result = await self._run_model(self._call_one, item)
        except asyncio.CancelledError:
            if self._closed:  # close() dropped it before it ran
                raise _closed_error() from None
            raise
        if self._closed:
            raise _closed_error()
        if isinstance(result, BaseException):
            raise result
        return result

    async def close(self) -> None:
        """Stop the worker; requests still waiting fail with :class:`BatcherClosed`."""
        self._closed = True
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
        while not self._queue.empty():
            _fail_all([self._queue.get_nowait()])
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
        self._worker = self._executor = None

    def _start(self) -> None:
        if self._worker is None:
            if self.in_thread:
                # One thread: torch calls never overlap, so each uses the threads it was given.
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="batcher")
            self._worker = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        group: list[_Pending] = []
        try:
            while True:
                group = []
                await self._collect(group)
                group = [p for p in group if not p.future.cancelled()]
                if group:
                    await self._score(group)
        finally:  # closed while a group was being gathered or scored: tell those callers
            _fail_all(group)

    async def _collect(self, group: list[_Pending]) -> None:
        """Wait for one item, then gather more until the group is full or the wait is over."""
        loop = asyncio.get_running_loop()
        group.append(await self._queue.get())
        total = group[0].size
        deadline = loop.time() + self.max_wait_ms / 1000
        while total < self.max_batch_size:
            remaining = deadline - loop.time()
            if not self._queue.empty():
                pending = self._queue.get_nowait()
            elif remaining <= 0:
                if self.in_thread or await self._settled():
                    break
                continue
            else:
                try:
                    pending = await asyncio.wait_for(self._queue.get(), remaining)
                except TimeoutError:
                    break
            group.append(pending)
            total += pending.size

    async def _settled(self) -> bool:
        """On the event loop: ``False`` once a request joined the queue within
        :data:`SETTLE_PASSES` passes of the loop (the group may grow), ``True`` if none did."""
        for _ in range(SETTLE_PASSES):
            await asyncio.sleep(0)
            if not self._queue.empty():
                return False
        return True

    async def _run_model(self, call: Callable[[Any], Any], argument: Any) -> Any:
        """``call(argument)`` in the worker thread, or right here on the event loop."""
        if not self.in_thread:
            return call(argument)
        return await asyncio.get_running_loop().run_in_executor(self._executor, call, argument)

    async def _score(self, group: list[_Pending]) -> None:
        items = [p.item for p in group]
        self._sizes.append(sum(p.size for p in group))
        results: Sequence[Result | Exception]
        try:
            results = await self._run_model(self._call, items)
        except Exception:  # noqa: BLE001 - find the bad item: score each one alone
            results = [await self._run_model(self._call_one, item) for item in items]
        for pending, result in zip(group, results, strict=True):
            if pending.future.done():  # the caller gave up (cancelled) while we computed
                continue
            if isinstance(result, BaseException):
                pending.future.set_exception(result)
            else:
                pending.future.set_result(result)

    def _call(self, items: list[Item]) -> list[Result]:
        results = list(self.score_batch(items))
        if len(results) != len(items):
            raise ValueError(f"score_batch returned {len(results)} results for {len(items)} "
                             "items; it must return exactly one result per item, in order.")
        return results

    def _call_one(self, item: Item) -> Result | Exception:
        try:
            return self._call([item])[0]
        except Exception as exc:  # noqa: BLE001 - delivered to that item's caller
            return exc


def batch_from_curve(ms_per_batch: dict[int, float], *, within: float = 0.1) -> int:
    """The smallest batch whose cost per item is within ``within`` of the best measured one.

    ``ms_per_batch`` maps a batch size to the milliseconds of one forward pass (Module 05's
    ``measure_batches``). Past that size a bigger group saves almost nothing per item and
    only makes each request wait longer, so it is the batcher's ``max_batch_size``.
    """
    if not ms_per_batch or any(b < 1 or ms <= 0 for b, ms in ms_per_batch.items()):
        raise ValueError(f"ms_per_batch needs positive batch sizes and times; got "
                         f"{ms_per_batch!r}. Measure them with measure_batches().")
    per_item = {b: ms / b for b, ms in ms_per_batch.items()}
    best = min(per_item.values())
    return min(b for b, cost in per_item.items() if cost <= best * (1 + within))


def _closed_error() -> BatcherClosed:
    return BatcherClosed("The batcher closed before scoring this request; send it again.")


def _fail_all(group: list[_Pending]) -> None:
    for pending in group:
        if not pending.future.done():
            pending.future.set_exception(_closed_error())
