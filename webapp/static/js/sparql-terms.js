/* Terms of SPARQL answers for the page: SPARQL-JSON terms as safe DOM nodes (text only, links
 * for http(s) IRIs), N3.js terms as SPARQL-JSON terms, and an answer as nodes and edges for
 * vis-network. Used by the workbench; nothing here fetches or parses by hand. */
(function () {
  "use strict";

  /** The helpers for one page: its base IRI, entity path and language. */
  window.AgSparqlTerms = function (data, lang) {
    const RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
    const LABELS = ["http://www.w3.org/2000/01/rdf-schema#label",
      "http://www.w3.org/2004/02/skos/core#prefLabel", "https://schema.org/name",
      "http://purl.org/dc/terms/title"];
    const PREFIXES = [
      ["id:", data.baseIri], ["ag:", "https://w3id.org/akteursgraph/ontology#"],
      ["rdf:", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"],
      ["rdfs:", "http://www.w3.org/2000/01/rdf-schema#"],
      ["xsd:", "http://www.w3.org/2001/XMLSchema#"], ["owl:", "http://www.w3.org/2002/07/owl#"],
      ["skos:", "http://www.w3.org/2004/02/skos/core#"], ["dct:", "http://purl.org/dc/terms/"],
      ["prov:", "http://www.w3.org/ns/prov#"], ["org:", "http://www.w3.org/ns/org#"],
      ["schema:", "https://schema.org/"], ["foaf:", "http://xmlns.com/foaf/0.1/"]];
    const MAX_NODES = 1500; // more makes vis-network sluggish; the table always has everything

    function compact(iri) {
      for (const [prefix, namespace] of PREFIXES) {
        if (namespace && iri.startsWith(namespace) && iri.length > namespace.length) {
          return prefix + iri.slice(namespace.length);
        }
      }
      return iri;
    }

    function isWeb(iri) { return /^https?:\/\//i.test(iri); }

    function hrefFor(iri) {
      if (data.baseIri && iri.startsWith(data.baseIri)) {
        return data.entityPath + iri.slice(data.baseIri.length).split("/").map(encodeURIComponent).join("/");
      }
      return iri;
    }

    /** A table cell's content for one SPARQL-JSON term (always as text, links only for http(s)). */
    function termNode(term) {
      if (!term) return document.createTextNode("");
      if (term.type === "uri") {
        if (!isWeb(term.value)) return textSpan(term.value, "wb-iri");
        const link = document.createElement("a");
        link.href = hrefFor(term.value);
        link.textContent = compact(term.value);
        link.title = term.value;
        return link;
      }
      if (term.type === "bnode") return textSpan("_:" + term.value, "wb-bnode");
      const box = document.createElement("span");
      box.appendChild(textSpan(term.value, "wb-literal"));
      const note = term["xml:lang"] ? "@" + term["xml:lang"] : term.datatype ? "^^" + compact(term.datatype) : "";
      if (note) box.appendChild(textSpan(" " + note, "wb-annotation"));
      return box;
    }

    function textSpan(text, className) {
      const span = document.createElement("span");
      span.className = className;
      span.textContent = text;
      return span;
    }

    /** N3.js terms -> SPARQL-JSON terms, so the table and network need one code path. */
    function fromN3(term) {
      if (term.termType === "NamedNode") return {type: "uri", value: term.value};
      if (term.termType === "BlankNode") return {type: "bnode", value: term.value};
      const out = {type: "literal", value: term.value};
      if (term.language) out["xml:lang"] = term.language;
      else if (term.datatype && term.datatype.value !== "http://www.w3.org/2001/XMLSchema#string") out.datatype = term.datatype.value;
      return out;
    }

    function labelOf(term) { return term.type === "uri" ? compact(term.value) : "_:" + term.value; }

    function preferLabel(labels, id, literal) {
      const current = labels.get(id);
      const rank = (t) => (t["xml:lang"] === lang ? 2 : t["xml:lang"] === "de" || !t["xml:lang"] ? 1 : 0);
      if (!current || rank(literal) > rank(current)) labels.set(id, literal);
    }

    /** Nodes and edges: CONSTRUCT triples between resources, or IRIs side by side in a row. */
    function networkOf(result) {
      const nodes = new Map();
      const labels = new Map();
      const edges = [];
      const node = (term) => {
        const id = term.type + ":" + term.value;
        if (!nodes.has(id)) nodes.set(id, term);
        return id;
      };
      if (result.kind === "graph") {
        for (const t of result.triples) {
          if (t.o.type === "literal") {
            if (LABELS.includes(t.p.value)) preferLabel(labels, node(t.s), t.o);
            continue;
          }
          if (t.p.value === RDF_TYPE) continue;
          edges.push({from: node(t.s), to: node(t.o), label: compact(t.p.value)});
        }
      } else {
        for (const row of result.rows) {
          let previous = null;
          result.vars.forEach((name, index) => {
            const term = row[name];
            if (!term || term.type === "literal") return;
            const id = node(term);
            const next = row[result.vars[index + 1]];
            if (next && next.type === "literal") preferLabel(labels, id, next);
            if (previous && previous !== id) edges.push({from: previous, to: id, label: "?" + name});
            previous = id;
          });
        }
      }
      const kept = new Set([...nodes.keys()].slice(0, MAX_NODES));
      return {
        total: nodes.size,
        nodes: [...kept].map((id) => ({
          id, label: truncate(labels.has(id) ? labels.get(id).value : labelOf(nodes.get(id))),
          title: tooltip(nodes.get(id).value), href: nodes.get(id).type === "uri" && isWeb(nodes.get(id).value) ? hrefFor(nodes.get(id).value) : "",
        })),
        edges: edges.filter((e) => kept.has(e.from) && kept.has(e.to))
          .map((e, i) => ({id: i, from: e.from, to: e.to, label: e.label, arrows: "to"})),
      };
    }

    function truncate(text) { return text.length > 48 ? text.slice(0, 47) + "…" : text; }

    function tooltip(text) { // an element, so vis-network never treats the text as markup
      const box = document.createElement("div");
      box.textContent = text;
      return box;
    }


    return {termNode, textSpan, fromN3, networkOf};
  };
})();
