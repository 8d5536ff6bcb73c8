/* The SPARQL workbench: a CodeMirror editor over the plain <textarea>, answers from /sparql
 * shown as a table and as a network. Every text from the graph goes into the page with
 * textContent; N-Triples answers are read by N3.js, never by hand. */
(function () {
  "use strict";

  const root = document.getElementById("workbench");
  if (!root) return;

  const $ = (id) => document.getElementById(id);
  const data = root.dataset;
  const lang = data.lang || "de";
  const {termNode, textSpan, fromN3, networkOf} = window.AgSparqlTerms(data, lang);

  /** A message from the template, with {name} placeholders filled in. */
  function msg(key, values) {
    let text = data["msg" + key] || key;
    for (const [name, value] of Object.entries(values || {})) {
      text = text.split("{" + name + "}").join(String(value));
    }
    return text;
  }

  function number(value, digits) {
    return Number(value).toLocaleString(lang, {maximumFractionDigits: digits || 0});
  }

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const found = document.querySelector('script[data-src="' + CSS.escape(src) + '"]');
      if (found && found.dataset.loaded) { resolve(); return; }
      const script = found || document.createElement("script");
      script.addEventListener("load", () => { script.dataset.loaded = "1"; resolve(); });
      script.addEventListener("error", () => reject(new Error("could not load " + src)));
      if (!found) {
        script.src = src;
        script.dataset.src = src;
        document.head.appendChild(script);
      }
    });
  }

  // -- the editor ------------------------------------------------------------------------------
  const textarea = $("wb-query");

  function createEditor(onRun) {
    const CM = window.AgCodeMirror;
    const plain = {
      get: () => textarea.value,
      set: (text) => { textarea.value = text; },
      markError: (line, column) => {
        const lines = textarea.value.split("\n");
        let offset = 0;
        for (let i = 0; i < Math.min(line - 1, lines.length); i += 1) offset += lines[i].length + 1;
        textarea.focus();
        textarea.setSelectionRange(offset + Math.max(column - 1, 0), offset + (lines[line - 1] || "").length);
      },
      clearError: () => {},
      focus: () => textarea.focus(),
    };
    textarea.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); onRun(); }
    });
    if (!CM) return plain; // the bundle did not load: the labelled textarea still works
    // CodeMirror's default colours miss WCAG AA (4.5:1) for IRIs; these all reach 6:1 or more.
    const t = CM.tags;
    const colours = CM.HighlightStyle.define([
      {tag: t.keyword, color: "#6a1b9a"},
      {tag: t.comment, color: "#6b4e16", fontStyle: "italic"},
      {tag: t.string, color: "#a31515"},
      {tag: [t.number, t.integer, t.float], color: "#0a5c36"},
      {tag: [t.bool, t.atom], color: "#1a4fa0"},
      {tag: [t.url, t.namespace, t.typeName], color: "#0b5cad"},
      {tag: t.annotation, color: "#4a5563"},
      {tag: t.invalid, color: "#b42318"},
    ]);
    const view = new CM.EditorView({
      doc: textarea.value,
      extensions: [
        CM.keymap.of([{key: "Mod-Enter", run: () => { onRun(); return true; }}]),
        CM.syntaxHighlighting(colours),
        CM.basicSetup,
        CM.sparql(),
        CM.lintGutter(),
        CM.EditorView.lineWrapping,
        CM.EditorView.contentAttributes.of({
          "aria-labelledby": "wb-query-label", "aria-describedby": "wb-query-help"}),
      ],
    });
    textarea.insertAdjacentElement("afterend", view.dom);
    view.dom.classList.add("wb-editor");
    textarea.hidden = true;
    $("wb-query-label").addEventListener("click", () => view.focus());
    return {
      view: view,
      get: () => view.state.doc.toString(),
      set: (text) => {
        view.dispatch({changes: {from: 0, to: view.state.doc.length, insert: text}});
        view.dispatch(CM.setDiagnostics(view.state, []));
      },
      markError: (line, column, message) => {
        const doc = view.state.doc;
        const where = doc.line(Math.min(Math.max(line, 1), doc.lines));
        let from = Math.min(where.from + Math.max(column - 1, 0), where.to);
        let to = Math.min(from + 1, where.to);
        if (to <= from) { from = where.from; to = where.to; }
        view.dispatch(CM.setDiagnostics(view.state, [{from, to, severity: "error", message}]));
        view.dispatch({selection: {anchor: from}, scrollIntoView: true});
      },
      clearError: () => view.dispatch(CM.setDiagnostics(view.state, [])),
      focus: () => view.focus(),
    };
  }

  // -- rendering -------------------------------------------------------------------------------
  function renderTable(columns, rows) {
    const box = $("wb-table");
    box.replaceChildren();
    if (!rows.length) { box.appendChild(textSpan(msg("NoRows"), "hint")); return; }
    const table = document.createElement("table");
    const caption = document.createElement("caption");
    caption.textContent = msg("Caption", {n: number(rows.length)});
    table.appendChild(caption);
    const head = table.createTHead().insertRow();
    for (const column of columns) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = column.label;
      head.appendChild(th);
    }
    const body = table.createTBody();
    for (const row of rows) {
      const tr = body.insertRow();
      for (const column of columns) tr.insertCell().appendChild(termNode(row[column.key]));
    }
    box.appendChild(table);
  }

  function renderAsk(value) {
    const box = $("wb-table");
    const p = document.createElement("p");
    p.className = "wb-ask";
    p.textContent = msg("Answer") + ": " + (value ? msg("Yes") : msg("No"));
    box.replaceChildren(p);
  }

  async function showNetwork() {
    const panel = $("wb-network-panel");
    const note = $("wb-network-note");
    const canvas = $("wb-network");
    if (!state.result || state.networkFor === state.result) return;
    state.networkFor = state.result;
    const graph = networkOf(state.result);
    if (!graph.nodes.length) {
      note.textContent = msg("NetworkEmpty");
      canvas.hidden = true;
      return;
    }
    try {
      await loadScript(data.visSrc);
    } catch (error) {
      note.textContent = msg("NetworkFailed");
      return;
    }
    canvas.hidden = false;
    note.textContent = graph.total > graph.nodes.length ? msg("NetworkCut", {n: number(graph.nodes.length)}) : "";
    canvas.setAttribute("aria-label", msg("NetworkLabel", {nodes: number(graph.nodes.length), edges: number(graph.edges.length)}));
    const nodes = new vis.DataSet(graph.nodes);
    const edges = new vis.DataSet(graph.edges);
    if (state.network) state.network.destroy();
    state.network = new vis.Network(canvas, {nodes, edges}, {
      nodes: {shape: "dot", size: 12, font: {size: 14, color: "#1b1f24"}, color: {background: "#0b5cad", border: "#083f77"}},
      edges: {font: {size: 11, color: "#4a5563", strokeWidth: 3}, color: "#8593a3", smooth: false},
      physics: {stabilization: {iterations: 200}, barnesHut: {springLength: 140}},
      interaction: {hover: true, tooltipDelay: 150},
    });
    state.network.on("doubleClick", (event) => {
      const picked = event.nodes.length ? nodes.get(event.nodes[0]) : null;
      if (picked && picked.href) window.location.assign(picked.href);
    });
    window.akteursgraphWorkbench = {network: state.network, nodes, edges};
    panel.hidden = false;
  }

  function setView(network) {
    $("wb-view-table").setAttribute("aria-pressed", String(!network));
    $("wb-view-network").setAttribute("aria-pressed", String(network));
    $("wb-table").hidden = network;
    $("wb-network-panel").hidden = !network;
    if (network) showNetwork();
  }

  function downloads(query, form) {
    const box = $("wb-download-links");
    box.replaceChildren();
    const formats = form === "graph"
      ? [["turtle", "Turtle", "ttl"], ["jsonld", "JSON-LD", "jsonld"], ["nt", "N-Triples", "nt"]]
      : [["csv", "CSV", "csv"], ["json", "JSON", "json"], ["tsv", "TSV", "tsv"], ["xml", "XML", "xml"]];
    formats.forEach(([format, label, extension], index) => {
      const link = document.createElement("a");
      link.href = data.endpoint + "?" + new URLSearchParams({query, format}).toString();
      link.download = "ergebnis." + extension;
      link.textContent = label;
      if (index) box.appendChild(document.createTextNode(" · "));
      box.appendChild(link);
    });
  }

  // -- running ---------------------------------------------------------------------------------
  const state = {controller: null, result: null, network: null, networkFor: null};
  const status = $("wb-status");
  const errorBox = $("wb-error");
  let editor = null;

  function showError(title, detail, hint) {
    errorBox.replaceChildren();
    const strong = document.createElement("strong");
    strong.textContent = title;
    errorBox.appendChild(strong);
    for (const text of [detail, hint]) {
      if (!text) continue;
      const p = document.createElement("p");
      p.textContent = text;
      errorBox.appendChild(p);
    }
    errorBox.hidden = false;
  }

  function showFailure(httpStatus, payload) {
    const error = (payload && payload.error) || {};
    let title = msg("Error", {status: httpStatus});
    if (error.code === "query_syntax") {
      title = error.line ? msg("Syntax", {line: error.line, column: error.column || 1}) : msg("SyntaxNopos");
      if (error.line) editor.markError(error.line, error.column || 1, error.message || title);
    } else if (httpStatus === 403) {
      title = msg("Refused");
    } else if (error.code === "query_timeout") {
      title = msg("Timeout");
    }
    showError(title, error.message || "", error.hint || "");
  }

  function setRunning(running) {
    $("wb-run").disabled = running;
    $("wb-cancel").hidden = !running;
    root.classList.toggle("wb-running", running);
    root.setAttribute("aria-busy", String(running));
    if (running) status.textContent = msg("Running");
  }

  async function run() {
    if (state.controller) return;
    const query = editor.get();
    errorBox.hidden = true;
    editor.clearError();
    if (!query.trim()) { showError(msg("Empty")); return; }
    history.replaceState(null, "", window.location.pathname + "?" + new URLSearchParams({query}).toString());
    state.controller = new AbortController();
    setRunning(true);
    const started = performance.now();
    try {
      const response = await fetch(data.endpoint, {
        method: "POST",
        headers: {"Content-Type": "application/x-www-form-urlencoded",
          "Accept": "application/sparql-results+json, application/n-triples;q=0.9"},
        body: new URLSearchParams({query}),
        signal: state.controller.signal,
      });
      if (!response.ok) {
        status.textContent = "";
        $("wb-results").hidden = true; // an old answer next to a new error would mislead
        showFailure(response.status, await response.json().catch(() => null));
        return;
      }
      const result = await readAnswer(response);
      const seconds = number((performance.now() - started) / 1000, 2);
      show(result, query, response.headers, seconds);
    } catch (error) {
      if (error.name === "AbortError") status.textContent = msg("Cancelled");
      else { status.textContent = ""; showError(msg("Offline"), error.message); }
    } finally {
      state.controller = null;
      setRunning(false);
    }
  }

  async function readAnswer(response) {
    const type = response.headers.get("Content-Type") || "";
    if (type.startsWith("application/n-triples")) {
      const text = await response.text();
      await loadScript(data.n3Src);
      const triples = new AgN3.Parser({format: "N-Triples"}).parse(text)
        .map((q) => ({s: fromN3(q.subject), p: fromN3(q.predicate), o: fromN3(q.object)}));
      return {kind: "graph", triples};
    }
    const json = await response.json();
    if (typeof json.boolean === "boolean") return {kind: "ask", value: json.boolean};
    return {kind: "select", vars: json.head.vars, rows: json.results.bindings};
  }

  function show(result, query, headers, seconds) {
    state.result = result;
    $("wb-results").hidden = false;
    const cut = headers.get("X-Akteursgraph-Truncated") === "true";
    const notice = $("wb-truncated");
    notice.hidden = !cut;
    notice.textContent = cut ? msg("Truncated", {n: number(headers.get("X-Akteursgraph-Row-Cap") || 0)}) : "";
    downloads(query, result.kind === "graph" ? "graph" : "select");
    $("wb-view-network").hidden = result.kind === "ask";
    if (result.kind === "ask") {
      renderAsk(result.value);
      status.textContent = msg("AskStatus", {s: seconds});
      setView(false);
      return;
    }
    if (result.kind === "graph") {
      renderTable([{key: "s", label: msg("Subject")}, {key: "p", label: msg("Predicate")},
        {key: "o", label: msg("Object")}], result.triples);
      status.textContent = msg("Triples", {n: number(result.triples.length), s: seconds});
    } else {
      renderTable(result.vars.map((name) => ({key: name, label: "?" + name})), result.rows);
      status.textContent = msg("Rows", {n: number(result.rows.length), s: seconds});
    }
    setView($("wb-view-network").getAttribute("aria-pressed") === "true");
  }

  // -- wiring ----------------------------------------------------------------------------------
  editor = createEditor(run);
  $("wb-form").addEventListener("submit", (event) => { event.preventDefault(); run(); });
  $("wb-cancel").addEventListener("click", () => { if (state.controller) state.controller.abort(); });
  $("wb-view-table").addEventListener("click", () => setView(false));
  $("wb-view-network").addEventListener("click", () => setView(true));
  root.querySelector(".wb-nojs-format").hidden = true; // the table replaces the raw formats

  const picker = $("wb-example");
  const describe = () => {
    const option = picker.selectedOptions[0];
    $("wb-example-description").textContent = option ? option.dataset.description || "" : "";
  };
  picker.addEventListener("change", describe);
  $("wb-examples").addEventListener("submit", (event) => {
    event.preventDefault();
    const option = picker.selectedOptions[0];
    if (!option) return;
    editor.set(option.dataset.query);
    errorBox.hidden = true;
    editor.focus();
  });
  describe();

  if (new URLSearchParams(window.location.search).get("query")) run();
})();
