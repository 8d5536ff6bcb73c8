"""The ``akteursgraph`` command line."""
from __future__ import annotations

import argparse
import sys
from importlib.metadata import entry_points
from pathlib import Path

from . import __version__, loading, queries
from .settings import Settings, SettingError
from .store import GRAPH_FORMATS, RESULT_FORMATS, StoreError, open_store

QUERY_FORMATS = ["table", *RESULT_FORMATS, *(f for f in GRAPH_FORMATS if f not in RESULT_FORMATS)]
EXPORT_FORMATS = ["trig", "turtle", "nt", "nq", "jsonld", "graphml", "csv"]
COMMANDS = {}  # name -> (handler, help, description, configure(parser))
#: Modules that add commands (the viewer's ``serve`` among them) register under this
#: entry-point group, so this library never imports the viewer or Flask itself.
PLUGIN_GROUP = "akteursgraph.commands"


def command(name: str, help: str, configure=lambda parser: None):
    """Registers ``handler(args, settings) -> exit status`` as ``akteursgraph NAME``."""
    def register(handler):
        COMMANDS[name] = (handler, help, handler.__doc__, configure)
        return handler
    return register


def store_option(parser: argparse.ArgumentParser) -> None:
    _store_option(parser)


def _store_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", metavar="DIR|URL", help=(
        "a directory for the embedded store, ':memory:', or the URL of a SPARQL endpoint "
        "(default: $AKTEURSGRAPH_STORE or ./var/store in the repository)"))


def _data_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", metavar="DIR", help="the directory of source files "
                        "(default: $AKTEURSGRAPH_DATA or data/ in the repository)")


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@command("build", "read, validate and store every source file under data/")
def cmd_build(args, settings: Settings) -> int:
    """Loads the ontology and every Turtle, TriG and JSON-LD file under the data directory,
    validates them against the SHACL shapes and writes a new store generation. The previous
    graph keeps answering until the new one is complete; a failed build changes nothing."""
    with open_store(settings) as store:
        try:
            summary = loading.build(store, Path(settings.data), progress=_say)
        except loading.ValidationFailed as failed:
            _report(failed.violations)
            _say("build stopped: the new graph was discarded, the previous graph is unchanged")
            return 1
    print("\n".join(summary.lines()))
    return 0


@command("validate", "check the source files against the SHACL shapes, write nothing")
def cmd_validate(args, settings: Settings) -> int:
    """Prints every SHACL violation (file, entity, property, rule) and exits 1 if any."""
    sources = loading.read_sources(Path(settings.data), progress=_say)
    violations = loading.validate(sources)
    _report(violations)
    errors = [v for v in violations if v.severity == "Violation"]
    print(f"{len(sources.quads):,} statements in {len(sources.files)} file(s): "
          f"{len(errors)} violation(s), {len(violations) - len(errors)} warning(s)")
    return 1 if errors else 0


def _report(violations) -> None:
    for violation in violations:
        _say(f"{violation.severity}: {violation}")


@command("query", "run a SPARQL query or a named query on the store")
def cmd_query(args, settings: Settings) -> int:
    """Runs SELECT, ASK, CONSTRUCT or DESCRIBE over the union of all named graphs, from FILE,
    from standard input ('-'), or a named query (--named NAME --param key=value)."""
    if args.list:
        for query in queries.catalogue().values():
            params = ", ".join(p.name + ("?" if p.optional else "") for p in query.params)
            print(f"{query.name:<24} {query.title}" + (f"  [{params}]" if params else ""))
        return 0
    values = dict(_key_value(item) for item in args.param or [])
    with open_store(settings) as store:
        if args.named:
            answer = queries.run(store, args.named, values)
        else:
            if values:
                raise queries.ParameterError("--param goes with --named")
            text = sys.stdin.read() if args.file in (None, "-") else _read(args.file)
            answer = store.query(text)
        _print_answer(answer, args.format)
    if answer.truncated:
        _say(f"note: the answer was cut at {settings.row_cap:,} rows (AKTEURSGRAPH_ROW_CAP)")
    return 0


def _key_value(item: str) -> tuple[str, str]:
    key, sep, value = item.partition("=")
    if not sep:
        raise queries.ParameterError(f"--param {item!r}: write it as key=value")
    return key.strip(), value


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise StoreError(f"cannot read the query file {path}: {error.strerror}") from None


def _print_answer(answer, fmt: str) -> None:
    if fmt == "table":
        from .table import render

        print(render(answer))
        return
    if fmt not in answer.formats():
        raise StoreError(f"--format {fmt} does not fit a {answer.form} answer",
                         hint=f"use one of: table, {', '.join(answer.formats())}")
    body, _ = answer.serialize(fmt)
    sys.stdout.buffer.write(body)
    sys.stdout.flush()


@command("export", "write the whole graph to standard output")
def cmd_export(args, settings: Settings) -> int:
    """Exports every statement (trig, nq keep the source graphs; turtle, nt, jsonld give their
    union), the statements as CSV rows, or the entity-to-entity network as GraphML (types and
    labels as attributes, for Gephi or yEd)."""
    with open_store(settings) as store:
        if args.format == "graphml":
            from .analytics import entity_network, to_graphml

            body = to_graphml(entity_network(store, limit=None))
        elif args.format == "csv":
            answer = store.query("SELECT ?subject ?predicate ?object ?graph WHERE "
                                 "{ GRAPH ?graph { ?subject ?predicate ?object } }",
                                 row_cap=10**9, timeout=3600)
            body = answer.serialize("csv")[0]
        else:
            body = store.dump(args.format)
    sys.stdout.buffer.write(body)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="akteursgraph", description="The knowledge graph of the people, bodies and "
        "programmes behind Germany's public-sector digitalisation.",
        epilog="Settings are also read from the environment: " + ", ".join(
            name for name, _, _ in Settings.describe()))
    parser.add_argument("--version", action="version", version=f"akteursgraph {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for entry in entry_points(group=PLUGIN_GROUP):
        entry.load()  # importing the module registers its commands
    for name, (_, help, doc, configure) in COMMANDS.items():
        sub = commands.add_parser(name, help=help, description=doc)
        CONFIGURE.get(name, configure)(sub)
    return parser


def _configure_build(p):
    _data_option(p)
    _store_option(p)


def _configure_query(p):
    p.add_argument("file", nargs="?", help="a file with the query, or '-' for standard input")
    p.add_argument("--format", choices=QUERY_FORMATS, default="table",
                   help="table (default), json/xml/csv/tsv (SPARQL results), or for "
                        "CONSTRUCT/DESCRIBE turtle/nt/jsonld/xml")
    p.add_argument("--named", metavar="NAME", help="run a named query (see --list)")
    p.add_argument("--param", action="append", metavar="KEY=VALUE",
                   help="a parameter of the named query; repeat for several")
    p.add_argument("--list", action="store_true", help="list the named queries")
    _store_option(p)


def _configure_export(p):
    p.add_argument("--format", choices=EXPORT_FORMATS, required=True)
    _store_option(p)


CONFIGURE = {"build": _configure_build, "validate": _data_option,
             "query": _configure_query, "export": _configure_export}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = COMMANDS[args.command][0]
    try:
        settings = Settings.from_env(store=getattr(args, "store", None),
                                     data=getattr(args, "data", None))
        return handler(args, settings)
    except StoreError as error:
        _say(f"akteursgraph {args.command}: {error}")
        return 2
    except (SettingError, queries.ParameterError) as error:
        _say(f"akteursgraph {args.command}: {error}")
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    # Under ``python -m graph.cli`` this file runs as __main__; plugins register their commands
    # with the imported ``graph.cli``, so run that module's main.
    from graph.cli import main as _main

    sys.exit(_main())
