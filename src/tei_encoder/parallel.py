"""Running one function over many documents: in this process, in a pool of processes, or on Dask.

Every executor has the same small interface::

    for index, ok, value in executor.imap(fn, items):
        ...   # ok: value is fn(items[index]); not ok: value is the error text

Results arrive in completion order with their index; callers write them in a
fixed order, so the output does not depend on the executor or the number of
workers. Task functions are module-level, take picklable data and return
picklable data; whatever they need that is costly to build (a compiled schema,
stylesheet, tagger) they get from :func:`worker_state`, which builds it once per
process and keeps it. The process pool also builds it up front in each worker
(the pool's ``initializer``), so the first document does not pay for it.

Faults: a document whose function raises is reported (not ok) and the others
go on. A worker process that dies (killed, out of memory) breaks a
:class:`ProcessPoolExecutor`; :class:`PoolExecutor` then starts a new pool and
resubmits what had not come back, so nothing is lost; a document that is in
flight in two such breaks is reported as failed. Dask reschedules the tasks of
a lost worker itself (``distributed.scheduler.allowed-failures``).
"""
from __future__ import annotations

import multiprocessing
import os
import threading
import traceback
from collections import deque
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable, Iterable, Iterator

_STATE: dict[Any, Any] = {}
_STATE_LOCK = threading.Lock()


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def worker_state(key, factory: Callable[[], Any]):
    """``factory()`` built once per process for ``key`` (hashable), then reused."""
    try:
        return _STATE[key]
    except KeyError:
        pass
    with _STATE_LOCK:
        if key not in _STATE:
            _STATE[key] = factory()
        return _STATE[key]


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:400]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _call(fn, item):
    """Run fn(item) in a worker; exceptions come back as text (tracebacks do not pickle well)."""
    try:
        return True, fn(item)
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the run
        if os.environ.get("TEI_ENCODER_DEBUG"):
            traceback.print_exc()
        return False, _describe(exc)


class InlineExecutor:
    """--jobs 1: the same task functions in this process."""

    jobs = 1
    name = "1 process"

    def __init__(self, warm: Callable | None = None, warm_args: tuple = ()):
        self.warm, self.warm_args = warm, warm_args

    def imap(self, fn, items: Iterable) -> Iterator[tuple[int, bool, Any]]:
        if self.warm:
            self.warm(*self.warm_args)
        for i, item in enumerate(items):
            ok, value = _call(fn, item)
            yield i, ok, value

    def close(self) -> None:
        pass


class PoolExecutor:
    """--jobs N: a pool of N worker processes, each warmed once by ``warm(*warm_args)``."""

    max_breaks_per_item = 2

    def __init__(self, jobs: int, warm: Callable | None = None, warm_args: tuple = (), window: int = 8):
        self.jobs = jobs
        self.name = f"{jobs} processes"
        self.warm, self.warm_args = warm, warm_args
        self.window = max(2, window) * jobs  # documents in flight: memory stays flat
        self._pool: ProcessPoolExecutor | None = None
        self.restarts = 0

    def _new_pool(self) -> ProcessPoolExecutor:
        ctx = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
        return ProcessPoolExecutor(max_workers=self.jobs, mp_context=ctx,
                                   initializer=self.warm, initargs=self.warm_args)

    def pids(self) -> list[int]:
        pool = self._pool
        return list(getattr(pool, "_processes", {}) or {}) if pool else []

    def imap(self, fn, items: Iterable) -> Iterator[tuple[int, bool, Any]]:
        """Items are taken from ``items`` only as room frees up in the window: a generator of large
        items (overview pages) is never held whole."""
        source = iter(enumerate(items))
        todo: deque = deque()  # items to submit again after a worker died
        breaks: dict[int, int] = {}
        if self._pool is None:
            self._pool = self._new_pool()
        inflight: dict = {}
        while True:
            try:
                while len(inflight) < self.window:
                    nxt = todo.popleft() if todo else next(source, None)
                    if nxt is None:
                        break
                    i, item = nxt
                    inflight[self._pool.submit(_call, fn, item)] = (i, item)
            except BrokenProcessPool:
                todo.appendleft((i, item))
                yield from self._recover(inflight, todo, breaks)
                continue
            if not inflight:
                return
            done, _ = wait(list(inflight), return_when=FIRST_COMPLETED)
            broken = False
            for fut in done:
                i, item = inflight.pop(fut)
                try:
                    ok, value = fut.result()
                except BrokenProcessPool:
                    inflight[fut] = (i, item)
                    broken = True
                    continue
                except Exception as exc:  # noqa: BLE001 - e.g. a result that does not pickle
                    ok, value = False, _describe(exc)
                yield i, ok, value
            if broken:
                yield from self._recover(inflight, todo, breaks)

    def _recover(self, inflight: dict, todo: deque, breaks: dict):
        """A worker died: collect what did finish, start a new pool, resubmit the rest."""
        self.restarts += 1
        again = []
        for fut, (i, item) in list(inflight.items()):
            try:
                ok, value = fut.result(timeout=0)
                yield i, ok, value
            except Exception:  # noqa: BLE001 - lost with the broken pool
                breaks[i] = breaks.get(i, 0) + 1
                if breaks[i] >= self.max_breaks_per_item:
                    yield i, False, "the worker process died while working on it (twice)"
                else:
                    again.append((i, item))
        inflight.clear()
        todo.extendleft(reversed(again))
        try:
            self._pool.shutdown(wait=False, cancel_futures=True)
        except Exception:  # noqa: BLE001
            pass
        self._pool = self._new_pool()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class DaskExecutor:
    """--scheduler tcp://HOST:PORT: the same tasks on a Dask distributed cluster.

    Items are submitted per document (``pure=False``: one task each), at most
    ``window`` per worker thread in flight; results are gathered back to this
    process, which writes every file. Workers build their state lazily through
    :func:`worker_state`, once per worker process.
    """

    def __init__(self, address: str, warm: Callable | None = None, warm_args: tuple = (), window: int = 8):
        from distributed import Client

        self.address = address
        self.client = Client(address, set_as_default=False)
        threads = sum(self.client.nthreads().values()) or 1
        self.jobs = threads
        self.name = f"Dask at {address} ({len(self.client.nthreads())} workers, {threads} threads)"
        self.window = max(2, window) * threads
        self.warm, self.warm_args = warm, warm_args
        if warm is not None:
            try:
                self.client.run(warm, *warm_args)
            except Exception:  # noqa: BLE001 - workers will warm lazily on their first task
                pass

    def imap(self, fn, items: Iterable) -> Iterator[tuple[int, bool, Any]]:
        from distributed import as_completed

        it = iter(enumerate(items))
        keys: dict = {}
        first = []
        for _ in range(self.window):
            nxt = next(it, None)
            if nxt is None:
                break
            fut = self.client.submit(_call, fn, nxt[1], pure=False)
            keys[fut.key] = nxt[0]
            first.append(fut)
        if not first:
            return
        ac = as_completed(first, loop=self.client.loop)
        for fut in ac:
            i = keys.pop(fut.key)
            try:
                ok, value = fut.result()
            except Exception as exc:  # noqa: BLE001 - KilledWorker after repeated worker deaths
                ok, value = False, _describe(exc)
            fut.release()
            yield i, ok, value
            nxt = next(it, None)
            if nxt is not None:
                f2 = self.client.submit(_call, fn, nxt[1], pure=False)
                keys[f2.key] = nxt[0]
                ac.add(f2)

    def close(self) -> None:
        self.client.close()


def make_executor(jobs: int | None = None, scheduler: str | None = None, warm: Callable | None = None,
                  warm_args: tuple = ()):
    """The executor for ``--jobs``/``--scheduler``: Dask when a scheduler is named, else a pool or inline."""
    if scheduler:
        return DaskExecutor(scheduler, warm, warm_args)
    jobs = default_jobs() if not jobs else jobs
    if jobs <= 1:
        return InlineExecutor(warm, warm_args)
    return PoolExecutor(jobs, warm, warm_args)
