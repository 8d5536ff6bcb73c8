"""Network analysis of the entity graph with networkx: selections, paths, funding, Länder matrix.

Everything here is pure networkx on an :class:`EntityNetwork`, which :mod:`graph.network` builds
from the store once per store generation. Node ids are entity IRIs; edges are keyed by the
predicate IRI. Node attributes: ``kind`` (local name of the ``ag:`` class), ``label`` (German,
else any), ``lands`` (IRIs of the Länder it is ``ag:inState``), ``status`` (local name or "").
Edge attributes: ``sources`` (source document IRIs) and ``inferred`` (bool).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import islice

import networkx as nx

AG = "https://w3id.org/akteursgraph/ontology#"
ORG = "http://www.w3.org/ns/org#"
DEFAULT_CAP = 500
MAX_PATHS = 10
NOT_EXISTING = frozenset({"Planned", "Demanded"})  # announced or asked for, not (yet) there

FUNDING = (AG + "funds", AG + "beneficiary")
WEAK_FUNDING = (AG + "commissions", AG + "supports", AG + "runs")
PROGRAMME_KINDS = frozenset({"FundingProgramme", "Competition", "Prize", "Initiative", "Project"})

#: The columns of the Länder matrix: (id, German heading, ag: kinds counted in it).
INSTRUMENTS = (
    ("foerderprogramm", "Förderprogramm", ("FundingProgramme",)),
    ("wettbewerb", "Wettbewerb", ("Competition",)),
    ("preis", "Preis", ("Prize",)),
    ("digitalagentur", "Digitalagentur", ("DigitalAgency",)),
    ("netzwerk", "Netzwerk", ("Network",)),
    ("portal", "Portal/Plattform", ("Portal", "Platform")),
    ("strategie", "Strategie", ("Strategy",)),
)


@dataclass(frozen=True)
class Filters:
    """What a view shows; an empty set means "all"."""

    kinds: frozenset[str] = frozenset()  # local names of ag: classes
    relations: frozenset[str] = frozenset()  # predicate IRIs
    land: str | None = None  # IRI of an ag:State

    def node_ok(self, network: EntityNetwork, node: str) -> bool:
        data = network.graph.nodes[node]
        if self.kinds and data["kind"] not in self.kinds:
            return False
        return self.land is None or node == self.land or self.land in data["lands"]


@dataclass
class EntityNetwork:
    graph: nx.MultiDiGraph
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # IRI -> {lang: label}
    names: dict[str, set[str]] = field(default_factory=dict)  # lower-case name -> IRIs
    truncated: bool = False  # an extraction query hit its cap: the network is partial

    def __post_init__(self):
        # Computed once per network (that is, per store generation), not per request.
        degree = self.graph.degree
        #: Every node, best connected first: the order of the whole-graph view.
        self.ranked = sorted(self.graph, key=lambda n: (-degree[n], self.label(n).casefold()))
        #: predicate IRI -> [(subject, object)], for views that need one kind of relation.
        self.by_relation: dict[str, list[tuple[str, str]]] = {}
        for s, o, key in self.graph.edges(keys=True):
            self.by_relation.setdefault(key, []).append((s, o))
        self._kinds = Counter(kind for _, kind in self.graph.nodes(data="kind"))
        self._memo: dict[tuple, object] = {}
        self._links: dict[frozenset[str], nx.Graph] = {}

    def memo(self, key: tuple, compute):
        """``compute()``, remembered for this network: results that cost a walk over every
        edge (the funding flow) are made once per store generation and filter choice."""
        return _remember(self._memo, key, compute, keep=64)

    def links(self, relations: frozenset[str]) -> nx.Graph:
        """Who is linked to whom by the given relations (all when empty), direction and
        multiplicity dropped: a plain graph that path searches walk 4x faster than a filtered
        view. The last few relation choices are kept (each is as big as the network)."""
        def plain() -> nx.Graph:
            links = nx.Graph()
            links.add_nodes_from(self.graph)
            links.add_edges_from((s, o) for s, o, key in self.graph.edges(keys=True)
                                 if not relations or key in relations)
            return links

        return _remember(self._links, relations, plain, keep=4)

    def label(self, iri: str, lang: str = "de") -> str:
        labels = self.labels.get(iri) or {}
        return (labels.get(lang) or labels.get("de") or next(iter(labels.values()), None)
                or iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1])

    def kinds(self) -> Counter:
        return Counter(self._kinds)

    def relations(self) -> Counter:
        return Counter({key: len(pairs) for key, pairs in self.by_relation.items()})

    def states(self) -> list[str]:
        """The Länder (ag:State nodes), in German alphabetical order."""
        states = [n for n, kind in self.graph.nodes(data="kind") if kind == "State"]
        return sorted(states, key=lambda n: sort_key(self.label(n)))

    def resolve(self, text: str, base_iri: str) -> list[str]:
        """The entities ``text`` names: an IRI, a slug, or a label or abbreviation (any case)."""
        text = text.strip()
        for candidate in (text, base_iri + text):
            if candidate in self.graph:
                return [candidate]
        found = self.names.get(text.casefold(), set())
        return sorted(found, key=lambda n: sort_key(self.label(n)))


@dataclass
class Selection:
    nodes: list[str]  # this page's nodes, in display order
    edges: list[tuple[str, str, str]]  # (subject, object, predicate)
    more: bool = False  # further pages exist
    page: int = 0


@dataclass(frozen=True)
class Step:
    start: str
    end: str
    edges: tuple[tuple[str, str, str], ...]  # the facts linking them, each (s, o, p)


@dataclass
class FundingFlow:
    rows: list[tuple[str | None, str | None, str | None]]  # funder, programme, beneficiary
    weak: list[tuple[str, str, str]]  # (subject, object, predicate) of weaker ties
    edges: list[tuple[str, str, str]]

    @property
    def nodes(self) -> list[str]:
        return list(dict.fromkeys(n for s, o, _ in self.edges for n in (s, o)))


@dataclass
class Cell:
    current: list[str] = field(default_factory=list)
    planned: list[str] = field(default_factory=list)  # ag:Planned or ag:Demanded


@dataclass
class Matrix:
    lands: list[str]
    cells: dict[tuple[str, str], Cell]  # (land IRI, instrument id) -> cell

    @property
    def largest(self) -> int:
        return max((len(c.current) for c in self.cells.values()), default=0)

    def shade(self, count: int, steps: int = 4) -> int:
        """The shading step of a count: 0 for none, else 1..steps by share of the largest."""
        return 0 if count == 0 else -(-steps * count // self.largest)

    def shades(self, steps: int = 4) -> list[tuple[int, int, int]]:
        """(step, lowest count, highest count) of every step that some count can reach."""
        out = []
        for step in range(1, steps + 1):
            low, high = self.largest * (step - 1) // steps + 1, self.largest * step // steps
            if low <= high:
                out.append((step, low, high))
        return out


def _remember(cache: dict, key, compute, *, keep: int):
    """``cache[key]``, computed on first use; the oldest entry goes when ``keep`` are held."""
    if key not in cache:
        if len(cache) >= keep:
            cache.pop(next(iter(cache)))
        cache[key] = compute()
    return cache[key]


def sort_key(text: str) -> str:
    return text.casefold().translate(str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"}))


def restricted(network: EntityNetwork, relations: frozenset[str]) -> nx.MultiDiGraph:
    """A read-only view with only the given relations (all when empty)."""
    if not relations:
        return network.graph
    return nx.subgraph_view(network.graph, filter_edge=lambda u, v, key: key in relations)


def _neighbours(view: nx.MultiDiGraph, node: str) -> set[str]:
    return set(view.successors(node)) | set(view.predecessors(node))


def _ball_order(network: EntityNetwork, view, seeds: dict[str, int], accept, limit: int
                ) -> list[str]:
    """The accepted nodes within each seed's depth (breadth first, by label within a layer),
    at most ``limit`` of them; the walk passes through nodes that are not accepted."""
    order: dict[str, None] = {}
    for seed, depth in seeds.items():
        if seed not in view:
            continue
        order.setdefault(seed)
        layer, seen = [seed], {seed}
        for _ in range(depth):
            following = set()
            for node in layer:
                following |= _neighbours(view, node) - seen
            seen |= following
            layer = sorted(following, key=lambda n: sort_key(network.label(n)))
            for node in layer:
                if accept(node):
                    order.setdefault(node)
                    if len(order) >= limit:
                        return list(order)
    return list(order)


def neighbourhood(network: EntityNetwork, seeds: dict[str, int], filters: Filters = Filters(),
                  *, cap: int = DEFAULT_CAP, page: int = 0, pages: int = 1) -> Selection:
    """The entities within ``depth`` steps of each seed ({IRI: depth}), or the best connected
    entities of the whole graph when there is no seed; ``pages`` pages of ``cap`` nodes from
    page ``page`` on. Steps follow the chosen relations through entities of any kind; the
    kind and Land filters choose which of the entities reached are shown (seeds always are).
    A page's edges join its nodes to each other and to earlier pages."""
    view = restricted(network, filters.relations)
    accept = lambda n: n in seeds or filters.node_ok(network, n)  # noqa: E731
    end = (page + pages) * cap
    if seeds:
        order = _ball_order(network, view, seeds, accept, end + 1)
    else:
        order = list(islice((n for n in network.ranked if accept(n)), end + 1))
    known, window = set(order[:end]), order[page * cap:end]
    edges = []
    for node in window:
        for _, other, key in view.out_edges(node, keys=True):
            if other in known:
                edges.append((node, other, key))
        for other, _, key in view.in_edges(node, keys=True):
            if other in known and other not in window:  # inside the window: seen as out-edge
                edges.append((other, node, key))
    return Selection(nodes=window, edges=edges, more=len(order) > end, page=page)


def connection_paths(network: EntityNetwork, source: str, target: str,
                     relations: frozenset[str] = frozenset(), *, cap: int = MAX_PATHS
                     ) -> list[list[Step]]:
    """Up to ``cap`` shortest paths between two entities, whatever the direction of each
    fact; each step names every fact (of the allowed relations) that links its two ends."""
    view = restricted(network, relations)
    links = network.links(relations)
    try:
        length = len(nx.bidirectional_shortest_path(links, source, target)) - 1
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return []
    # Every node of a shortest path lies within half its length of one end, so the search
    # needs only the two half-balls (0.5 ms instead of a walk over the whole graph at 1 M).
    near_source = nx.single_source_shortest_path_length(links, source, cutoff=(length + 1) // 2)
    near_target = nx.single_source_shortest_path_length(links, target, cutoff=length // 2)
    around = links.subgraph(near_source.keys() | near_target.keys())
    paths = list(islice(nx.all_shortest_paths(around, source, target), cap))
    return [[Step(a, b, _facts_between(view, a, b)) for a, b in zip(path, path[1:])]
            for path in paths]


def _facts_between(view, a: str, b: str) -> tuple[tuple[str, str, str], ...]:
    facts = [(a, b, key) for key in (view.get_edge_data(a, b) or {})]
    facts += [(b, a, key) for key in (view.get_edge_data(b, a) or {})]
    return tuple(facts)


def funding_flow(network: EntityNetwork, *, land: str | None = None, weak: bool = False
                 ) -> FundingFlow:
    """Who funds whom: rows funder → programme → beneficiary from ``ag:funds`` and
    ``ag:beneficiary`` (an actor funded directly is a beneficiary without programme), and,
    with ``weak``, the ``ag:commissions`` / ``ag:supports`` / ``ag:runs`` ties around them.
    With ``land``, only rows and ties touching an entity in that Land."""
    return network.memo(("funding", land, weak), lambda: _funding_flow(network, land, weak))


def _funding_flow(network: EntityNetwork, land: str | None, weak: bool) -> FundingFlow:
    graph = network.graph
    inside = (lambda n: True) if land is None else (
        lambda n: n == land or land in graph.nodes[n]["lands"])
    funds = network.by_relation.get(FUNDING[0], [])
    awards = network.by_relation.get(FUNDING[1], [])
    programmes = {o for s, o in funds if graph.nodes[o]["kind"] in PROGRAMME_KINDS}
    programmes |= {s for s, _ in awards}
    funders: dict[str, list] = {}
    winners: dict[str, list] = {}
    rows = []
    for s, o in funds:
        if o in programmes:
            funders.setdefault(o, []).append(s)
        else:
            rows.append((s, None, o))
    for s, o in awards:
        winners.setdefault(s, []).append(o)
    for programme in programmes:
        for funder in funders.get(programme) or [None]:
            for winner in winners.get(programme) or [None]:
                rows.append((funder, programme, winner))
    rows = [r for r in rows if any(n is not None and inside(n) for n in r)]
    label = network.label
    rows.sort(key=lambda r: tuple(sort_key(label(n)) if n else "~" for n in r))
    edges = []
    for funder, programme, winner in rows:
        if funder and programme:
            edges.append((funder, programme, FUNDING[0]))
        elif funder and winner:
            edges.append((funder, winner, FUNDING[0]))
        if programme and winner:
            edges.append((programme, winner, FUNDING[1]))
    edges = list(dict.fromkeys(edges))
    ties = []
    if weak:
        involved = {n for s, o, _ in edges for n in (s, o)}
        ties = [(s, o, key) for key in WEAK_FUNDING for s, o in network.by_relation.get(key, [])
                if (s in involved or o in involved) and (inside(s) or inside(o))]
        ties.sort(key=lambda t: (sort_key(label(t[0])), t[2], sort_key(label(t[1]))))
    return FundingFlow(rows=rows, weak=ties, edges=edges + ties)


def laender_matrix(network: EntityNetwork) -> Matrix:
    """Each Land × kind of instrument: what is ``ag:inState`` that Land; what is only
    planned or demanded is kept apart."""
    lands = network.states()
    column_of = {kind: column for column, _, kinds in INSTRUMENTS for kind in kinds}
    cells = {(land, column): Cell() for land in lands for column, _, _ in INSTRUMENTS}
    for node, data in network.graph.nodes(data=True):
        column = column_of.get(data["kind"])
        if column is None:
            continue
        for land in data["lands"]:
            cell = cells.get((land, column))
            if cell is not None:
                (cell.planned if data["status"] in NOT_EXISTING else cell.current).append(node)
    for cell in cells.values():
        cell.current.sort(key=lambda n: sort_key(network.label(n)))
        cell.planned.sort(key=lambda n: sort_key(network.label(n)))
    return Matrix(lands=lands, cells=cells)


def subnetwork(network: EntityNetwork, nodes, edges, *, lang: str = "de") -> nx.MultiDiGraph:
    """The given nodes and edges with plain attributes (text, numbers, booleans) — the form
    GraphML and other exchange formats can hold."""
    out = nx.MultiDiGraph()
    for node in nodes:
        data = network.graph.nodes[node]
        out.add_node(node, label=network.label(node, lang), kind=data["kind"],
                     lands=" ".join(sorted(data["lands"])), status=data["status"])
    for s, o, key in edges:
        data = network.graph.edges[s, o, key]
        out.add_edge(s, o, key=key, relation=short(key), label=network.label(key, lang),
                     sources=" ".join(data["sources"]), inferred=data["inferred"])
    return out


def to_graphml(network: nx.MultiDiGraph) -> bytes:
    """GraphML of a network whose attributes are plain values (see :func:`subnetwork`)."""
    return "\n".join(nx.generate_graphml(network, encoding="utf-8")).encode("utf-8")


def entity_network(store, *, limit: int | None = None) -> nx.MultiDiGraph:
    """The whole entity network with exchange-ready attributes (``akteursgraph export``)."""
    from .network import load_network

    network = load_network(store, row_cap=limit)
    graph = network.graph
    return subnetwork(network, graph.nodes, graph.edges(keys=True))


def short(iri: str) -> str:
    from .validation import short as shorten

    return shorten(iri)
