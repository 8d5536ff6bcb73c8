"""``akteursgraph serve``: the viewer under waitress (a production WSGI server)."""
from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

from graph import loading
from graph.cli import command, store_option
from graph.store import open_store


def _configure(parser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default "
                        "127.0.0.1; use 0.0.0.0 only behind a reverse proxy)")
    parser.add_argument("--port", type=int, default=5000, help="port (default 5000)")
    parser.add_argument("--threads", type=int, default=8, help="request threads (default 8)")
    store_option(parser)


@command("serve", "run the viewer at http://127.0.0.1:5000", configure=_configure)
def cmd_serve(args, settings) -> int:
    """Runs the web viewer and the SPARQL endpoint. An embedded store that has never been
    built is built first from the data directory."""
    from waitress import serve

    from . import create_app

    store = open_store(settings)
    if not store.is_built() and not settings.store.startswith(("http://", "https://")):
        print("no graph built yet: building it first", file=sys.stderr)
        summary = loading.build(store, Path(settings.data),
                                progress=lambda m: print(m, file=sys.stderr))
        print(summary.lines()[0], file=sys.stderr)
    app = create_app(settings, store=store)
    _warm_up(app, store)
    print(f"akteursgraph viewer on http://{args.host}:{args.port}/ ({store.describe()})",
          file=sys.stderr, flush=True)
    try:
        serve(app, host=args.host, port=args.port, threads=args.threads, ident="akteursgraph")
    finally:
        store.close()
    return 0


def _warm_up(app, store) -> None:
    """Reads the entity network in the background, so that the first visitor of a network
    page does not wait for it (about 6 s at 1 M statements); a page asked for meanwhile
    waits for this one reading instead of starting another."""
    cache = app.extensions.get("akteursgraph.network")
    if cache is None:
        return

    def read() -> None:
        started = time.perf_counter()
        try:
            cache.get(store)
        except Exception as error:  # noqa: BLE001 - the pages report it when they need it
            print(f"entity network not read at start: {error}", file=sys.stderr, flush=True)
            return
        print(f"entity network ready in {time.perf_counter() - started:.1f} s",
              file=sys.stderr, flush=True)

    threading.Thread(target=read, name="network-warm-up", daemon=True).start()
