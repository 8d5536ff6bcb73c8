"""Query workers: subprocesses that answer queries on a read-only view of an on-disk store.

pyoxigraph cannot cancel a running query, and some hostile queries crash the whole process.
So no query runs in the process that serves everyone: each runs in a worker, and a worker that
overruns its time limit is killed and replaced; one that crashes costs its caller an error only.
"""
from __future__ import annotations

import io
import multiprocessing
import queue
import re
import threading
import time

import pyoxigraph as ox

from .answer import PREFIXES, to_ox_term
from .errors import QueryFailed, QuerySyntaxError, QueryTimeout

MAX_ANSWER_BYTES = 64 * 1024 * 1024

_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["graph.store.workers"])


class _Enough(Exception):
    """Raised inside a serialiser to stop it once the answer holds enough lines."""


class _LineCap(io.RawIOBase):
    """Collects a line-based serialisation and stops it after ``max_lines`` lines."""

    def __init__(self, max_lines: int, max_bytes: int = MAX_ANSWER_BYTES):
        self.buffer = bytearray()
        self.lines = 0
        self.max_lines, self.max_bytes = max_lines, max_bytes

    def writable(self) -> bool:
        return True

    def write(self, chunk) -> int:
        self.buffer += chunk
        self.lines += chunk.count(b"\n")
        if self.lines > self.max_lines or len(self.buffer) > self.max_bytes:
            raise _Enough
        return len(chunk)

    def result(self, serialize) -> tuple[bytes, bool]:
        """Runs ``serialize(self)`` and returns (whole lines up to the cap, truncated?)."""
        try:
            serialize(self)
            return bytes(self.buffer), False
        except _Enough:
            pass
        except OSError as error:  # pyoxigraph may wrap the writer's exception
            if not isinstance(error.__cause__ or error.__context__, _Enough):
                raise
        cut, end = 0, 0
        for _ in range(self.max_lines):
            end = self.buffer.find(b"\n", cut)
            if end < 0:
                break
            cut = end + 1
        return bytes(self.buffer[:cut]), True


def execute(store, query: str, bindings: dict, row_cap: int) -> tuple:
    """Answers one query on a pyoxigraph store: ("ok", form, payload, boolean, truncated)."""
    substitutions = {ox.Variable(name): to_ox_term(term) for name, term in bindings.items()}
    try:
        results = store.query(query, prefixes=PREFIXES,
                              substitutions=substitutions or None)
        if isinstance(results, ox.QueryBoolean):
            return ("ok", "ask", b"", bool(results), False)
        if isinstance(results, ox.QuerySolutions):
            payload, cut = _LineCap(row_cap + 1).result(
                lambda out: results.serialize(output=out, format=ox.QueryResultsFormat.TSV))
            return ("ok", "select", payload, None, cut)
        payload, cut = _LineCap(row_cap).result(
            lambda out: results.serialize(output=out, format=ox.RdfFormat.N_TRIPLES))
        return ("ok", "graph", payload, None, cut)
    except SyntaxError as error:
        position = re.search(r"at (\d+):(\d+)", str(error))  # pyoxigraph puts it in the text
        line, column = map(int, position.groups()) if position else (None, None)
        return ("syntax", str(error), line, column)
    except (OSError, ValueError, RuntimeError) as error:
        return ("error", f"{type(error).__name__}: {error}")


def _serve(conn, path: str) -> None:
    store = ox.Store.read_only(path)
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(execute(store, *request))


class _Worker:
    def __init__(self, path: str):
        self.conn, child = _CONTEXT.Pipe()
        self.process = _CONTEXT.Process(target=_serve, args=(child, path), daemon=True,
                                        name="akteursgraph-query")
        self.process.start()
        child.close()

    def stop(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class WorkerPool:
    """A fixed number of workers on one store directory; each query borrows one."""

    def __init__(self, path: str, size: int):
        self.path = path
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(size):
            self._idle.put(self._spawn())

    def _spawn(self) -> _Worker:
        worker = _Worker(self.path)
        with self._lock:
            self._all.add(worker)
        return worker

    def _replace(self, worker: _Worker) -> _Worker:
        with self._lock:
            self._all.discard(worker)
        worker.stop()
        return worker if self._closed else self._spawn()

    def run(self, request: tuple, timeout: float) -> tuple:
        """Sends ``request`` to a free worker and waits at most ``timeout`` seconds in all."""
        deadline = time.monotonic() + timeout
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise QueryTimeout(f"every query worker stayed busy for {timeout:g} s",
                               hint="try again in a moment") from None
        try:
            try:
                worker.conn.send(request)
                answered = worker.conn.poll(max(0.0, deadline - time.monotonic()))
                response = worker.conn.recv() if answered else None
            except (EOFError, OSError):
                if self._closed:  # the store closed while the query ran: not a crash
                    raise QueryFailed("the store was closed while the query ran",
                                      hint="repeat the query") from None
                worker = self._replace(worker)
                raise QueryFailed("the query engine crashed on this query; nothing else was "
                                  "affected", hint="simplify the query (very deep nesting "
                                  "is a known cause)") from None
            if not answered:
                worker = self._replace(worker)
                raise QueryTimeout(
                    f"the query ran longer than the limit of {timeout:g} s and was stopped",
                    hint="narrow it down (a LIMIT, fewer OPTIONALs, a more specific pattern)")
            return response
        finally:
            if not self._closed:
                self._idle.put(worker)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers, self._all = list(self._all), set()
        for worker in workers:
            worker.stop()


def answer_from(response: tuple):
    """Turns a worker's response into an :class:`Answer` or raises the matching error."""
    from .answer import Answer

    kind = response[0]
    if kind == "ok":
        _, form, payload, boolean, truncated = response
        return Answer(form, payload, boolean, truncated)
    if kind == "syntax":
        _, message, line, column = response
        raise QuerySyntaxError(message, line=line, column=column,
                               hint="correct the query at that position")
    raise QueryFailed(response[1])
