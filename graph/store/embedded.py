"""The embedded store: Oxigraph on disk, built in generations and swapped in whole.

Layout of a store directory::

    current -> generations/<id>       the generation that answers queries
    generations/<id>/oxigraph/         the RocksDB files
    generations/<id>/<artifact>        files built with it (summary, search index)
    build.lock                         held by the one build that may run at a time

A build writes a new generation and only then moves ``current`` (an atomic rename), so a build
that fails leaves the previous graph answering. Besides the named graphs (one per source
document) a generation holds their merge in the default graph, which queries read: pyoxigraph's
own union-default-graph mode repeats a triple once per graph that states it, while SPARQL's
merge is a set — and COUNTs must not depend on how many sources say the same thing. The
``:memory:`` store has the same layout in a private temporary directory (on /dev/shm where
there is one) that is removed on close.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

import pyoxigraph as ox

from .base import Store
from .errors import StoreLocked, StoreUnavailable
from .rdfio import DUMP_FORMATS, merged_default_graph
from .workers import WorkerPool, answer_from

MEMORY = ":memory:"


class EmbeddedStore(Store):
    def __init__(self, location: str, settings):
        super().__init__(settings)
        self.in_memory = location == MEMORY
        if self.in_memory:
            base = "/dev/shm" if os.path.isdir("/dev/shm") else None
            self.root = Path(tempfile.mkdtemp(prefix="akteursgraph-", dir=base))
        else:
            self.root = Path(location).expanduser().resolve()
        self.location = location
        self._pool: WorkerPool | None = None
        self._pool_lock = threading.Lock()

    # -- reading -------------------------------------------------------------------------
    def current(self) -> Path | None:
        """The directory of the generation that answers queries, or None before a build."""
        try:
            return self.root / os.readlink(self.root / "current")
        except (FileNotFoundError, NotADirectoryError):
            return None

    def is_built(self) -> bool:
        return self.current() is not None

    def _workers(self) -> WorkerPool:
        generation = self.current()
        if generation is None:
            raise StoreUnavailable(f"no graph has been built in {self.root}",
                                   hint="run 'akteursgraph build' first")
        path = str(generation / "oxigraph")
        with self._pool_lock:
            if self._pool is None or self._pool.path != path:
                old, self._pool = self._pool, WorkerPool(path, self.settings.query_workers)
                if old is not None:
                    old.close()
            return self._pool

    def _run(self, query: str, bindings: dict, timeout: float, row_cap: int):
        response = self._workers().run((query, bindings, row_cap), timeout)
        return answer_from(response)

    def artifact(self, name: str) -> Path | None:
        """A file built with the current generation (None if there is no generation)."""
        generation = self.current()
        return generation / name if generation else None

    def dump(self, fmt: str) -> bytes:
        generation = self.current()
        if generation is None:
            raise StoreUnavailable("nothing to export yet", hint="run 'akteursgraph build'")
        store = ox.Store.read_only(str(generation / "oxigraph"))
        if fmt in ("trig", "nq"):  # the source graphs, without their merged copy
            named = (q for q in store if not isinstance(q.graph_name, ox.DefaultGraph))
            return ox.serialize(named, format=DUMP_FORMATS[fmt], prefixes=_prefixes(fmt))
        return store.dump(format=DUMP_FORMATS[fmt], from_graph=ox.DefaultGraph(),
                          prefixes=_prefixes(fmt))

    # -- writing -------------------------------------------------------------------------
    @contextlib.contextmanager
    def new_generation(self):
        """Yields (writable pyoxigraph store, generation directory); swaps it in on success.

        Anything raised inside the block removes the half-built generation and leaves the
        current one answering.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        generations = self.root / "generations"
        generations.mkdir(exist_ok=True)
        with self._build_lock():
            stamp = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{time.monotonic_ns()}"
            target = generations / stamp
            target.mkdir()
            try:
                store = ox.Store(str(target / "oxigraph"))
                yield store, target
                store.optimize()
                store.flush()
                del store
            except BaseException:
                shutil.rmtree(target, ignore_errors=True)
                raise
            link = self.root / f".current-{stamp}"
            os.symlink(Path("generations") / stamp, link)
            os.replace(link, self.root / "current")
            self._prune(keep={target.name})

    def _prune(self, keep: set[str]) -> None:
        """Removes generations older than the previous one (a server may still read that)."""
        generations = sorted((self.root / "generations").iterdir(), key=lambda p: p.name)
        for old in generations[:-2]:
            if old.name not in keep:
                shutil.rmtree(old, ignore_errors=True)

    @contextlib.contextmanager
    def _build_lock(self):
        with open(self.root / "build.lock", "w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise StoreLocked(f"the store {self.root} is locked by another build",
                                  hint="wait for the other 'akteursgraph build' to finish"
                                  ) from None
            yield

    def replace(self, quads, *, artifacts: dict[str, bytes] | None = None,
                before_swap=None) -> None:
        """Replaces the whole graph with ``quads`` (an iterable of pyoxigraph quads)."""
        quads = quads if isinstance(quads, list) else list(quads)
        with self.new_generation() as (store, directory):
            store.bulk_extend(quads)
            store.bulk_extend(merged_default_graph(quads))
            if before_swap is not None:
                before_swap()
            for name, content in (artifacts or {}).items():
                (directory / name).write_bytes(content)

    def close(self) -> None:
        with self._pool_lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None
        if self.in_memory:
            shutil.rmtree(self.root, ignore_errors=True)

    def describe(self) -> str:
        return "in-memory Oxigraph" if self.in_memory else f"Oxigraph at {self.root}"


def _prefixes(fmt: str) -> dict[str, str] | None:
    from .answer import PREFIXES

    return PREFIXES if fmt in ("trig", "turtle") else None

