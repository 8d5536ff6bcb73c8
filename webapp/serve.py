"""``akteursgraph serve``: the viewer under waitress (a production WSGI server)."""
from __future__ import annotations

import sys
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
    from .network import CACHE

    store = open_store(settings)
    if not store.is_built() and not settings.store.startswith(("http://", "https://")):
        print("no graph built yet: building it first", file=sys.stderr)
        summary = loading.build(store, Path(settings.data),
                                progress=lambda m: print(m, file=sys.stderr))
        print(summary.lines()[0], file=sys.stderr)
    app = create_app(settings, store=store)
    app.extensions[CACHE].read_in_background(
        store, say=lambda message: print(message, file=sys.stderr, flush=True))
    print(f"akteursgraph viewer on http://{args.host}:{args.port}/ ({store.describe()})",
          file=sys.stderr, flush=True)
    try:
        serve(app, host=args.host, port=args.port, threads=args.threads, ident="akteursgraph")
    finally:
        store.close()
    return 0

