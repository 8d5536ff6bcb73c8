/* Network pictures with the vendored vis-network.
 *
 * AgGraph (shared with funding.js and paths.js): reads the JSON data block, draws it, builds
 * tooltips and side-panel texts with textContent only (graph text is never parsed as HTML),
 * fetches source passages on demand, exports PNG.
 * The network page itself (#network-view): selection side panel, expanding nodes, loading
 * more, legend toggles, clustering of big pictures, the view state in the URL.
 */
(function () {
  "use strict";

  function readData() {
    var block = document.getElementById("graph-data");
    return block ? JSON.parse(block.textContent) : null;
  }

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function tip(text) {
    var box = el("div", text);
    box.className = "graph-tip";
    return box;
  }

  function prepareNodes(items) {
    return items.map(function (n) { n.title = tip(n.tip || n.label); return n; });
  }

  function prepareEdges(items) {
    return items.map(function (e) { e.title = tip(e.tip || e.label); return e; });
  }

  function entityHref(urls, slug) {
    return slug ? urls.entity + encodeURIComponent(slug) : null;
  }

  function entityLink(urls, slug, label) {
    var href = entityHref(urls, slug);
    if (!href) return el("span", label);
    var a = el("a", label);
    a.href = href;
    return a;
  }

  /* Draws data.nodes / data.edges into container; marks the container data-state="stable"
     once the layout is still. Returns {network, nodes, edges}. */
  function draw(container, data, onProgress) {
    var nodes = new vis.DataSet(prepareNodes(data.nodes));
    var edges = new vis.DataSet(prepareEdges(data.edges));
    var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
    var settled = false;
    var settle = function () {
      network.setOptions({ physics: { enabled: false } });
      if (!settled) network.fit();
      settled = true;
      container.setAttribute("data-state", "stable");
      if (onProgress) onProgress(null);
    };
    // A white background, so that the exported PNG is readable.
    network.on("beforeDrawing", function (ctx) {
      ctx.save();
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
      ctx.restore();
    });
    if (data.options.physics && data.options.physics.enabled && data.nodes.length) {
      container.setAttribute("data-state", "stabilising");
      network.on("stabilizationProgress", function (p) {
        if (onProgress) onProgress(Math.round(100 * p.iterations / p.total));
      });
      network.once("stabilizationIterationsDone", settle);
      network.once("stabilized", settle);
    } else {
      network.once("afterDrawing", settle);
    }
    return { network: network, nodes: nodes, edges: edges };
  }

  function exportPng(container, filename) {
    var canvas = container.querySelector("canvas");
    if (!canvas) return;
    var link = document.createElement("a");
    link.href = canvas.toDataURL("image/png");
    link.download = filename;
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  function showPassages(slot, urls, strings, s, p, o) {
    slot.hidden = false;
    slot.replaceChildren(el("p", strings["Wird geladen …"]));
    var query = new URLSearchParams({ s: s, p: p, o: o });
    return fetch(urls.statement + "?" + query.toString(), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (answer) {
        slot.replaceChildren();
        if (!answer.sources.length) slot.appendChild(el("p", strings["Keine Fundstelle gespeichert."]));
        answer.sources.forEach(function (source) {
          var quote = el("blockquote", source.passage || strings["Keine Fundstelle gespeichert."]);
          quote.className = "passage";
          var footer = el("footer", "— " + (source.title || source.source));
          if (source.inferred) {
            footer.appendChild(document.createTextNode(
              "; " + strings.erschlossen + ": " + source.reason + " (" + strings.Konfidenz + " " + source.confidence + ")"));
          }
          quote.appendChild(footer);
          slot.appendChild(quote);
        });
      })
      .catch(function () { slot.replaceChildren(el("p", strings["Fehler beim Laden"])); });
  }

  /* Every "Fundstelle zeigen" button below root (also those added later). */
  function bindPassageButtons(root, urls, strings) {
    root.addEventListener("click", function (event) {
      var button = event.target.closest(".passage-button");
      if (!button) return;
      var slot = button.nextElementSibling;
      var open = button.getAttribute("aria-expanded") === "true";
      button.setAttribute("aria-expanded", open ? "false" : "true");
      if (open) { slot.hidden = true; return; }
      showPassages(slot, urls, strings, button.dataset.s, button.dataset.p, button.dataset.o);
    });
  }

  /* The side panel text for a clicked edge (relation, ends, passages). */
  function showEdge(panel, urls, strings, edge, nodes) {
    var from = nodes.get(edge.from), to = nodes.get(edge.to);
    panel.replaceChildren();
    panel.appendChild(el("h3", strings.Beziehung + ": " + edge.label));
    var p = el("p");
    p.appendChild(entityLink(urls, from && from.slug, from ? from.fullLabel : edge.from));
    p.appendChild(document.createTextNode(" – " + edge.label + " → "));
    p.appendChild(entityLink(urls, to && to.slug, to ? to.fullLabel : edge.to));
    panel.appendChild(p);
    var slot = el("div");
    panel.appendChild(slot);
    showPassages(slot, urls, strings, edge.from, edge.predicate, edge.to);
  }

  /* Suggestions while typing, from the viewer's search API (/api/search?q=), into a datalist. */
  function suggest(input, urls) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list || !urls.search) return;
    var timer = null, asked = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = input.value.trim();
        if (q.length < 2 || q === asked) return;
        asked = q;
        fetch(urls.search + "?" + new URLSearchParams({ q: q, limit: "12" }).toString(),
              { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (answer) {
            if (!answer || !answer.hits) return;
            list.replaceChildren();
            answer.hits.forEach(function (hit) {
              if (hit.slug) list.appendChild(el("option", hit.label, { value: hit.slug }));
            });
          })
          .catch(function () { /* suggestions are a convenience; the form works without */ });
      }, 200);
    });
  }

  window.AgGraph = {
    suggest: suggest,
    readData: readData, draw: draw, exportPng: exportPng, el: el, tip: tip,
    bindPassageButtons: bindPassageButtons, showEdge: showEdge, entityLink: entityLink,
    prepareNodes: prepareNodes, prepareEdges: prepareEdges
  };

  /* ---- the network page ------------------------------------------------------------------ */
  var container = document.getElementById("network-view");
  if (!container) return;
  var data = readData();
  var strings = data.strings, urls = data.urls;
  var progress = document.getElementById("layout-progress");
  var bar = document.getElementById("layout-bar");
  var view = draw(container, data, function (value) {
    if (value === null) { progress.hidden = true; return; }
    progress.hidden = false;
    bar.value = value;
  });
  var network = view.network, nodes = view.nodes, edges = view.edges;
  window.agNetwork = view;  // for people exploring in the console, and the browser tests
  var panel = document.getElementById("side-details");
  var picker = document.getElementById("node-picker");
  var hiddenKinds = new Set();
  var pages = data.pages || 1;

  function currentParams() { return new URLSearchParams(window.location.search); }

  function remember(params) {
    var url = window.location.pathname + "?" + params.toString();
    history.replaceState(null, "", url);
    var graphml = document.getElementById("export-graphml");
    graphml.href = graphml.pathname + "?" + params.toString();
  }

  function clusterByKind() {
    if (nodes.length < data.clusterThreshold) return;
    var kinds = {};
    nodes.forEach(function (n) { (kinds[n.kind] = kinds[n.kind] || []).push(n); });
    Object.keys(kinds).forEach(function (kind) {
      var members = kinds[kind];
      if (members.length < 2) return;
      var sample = members[0];
      network.cluster({
        joinCondition: function (n) { return n.kind === kind && n.id !== data.focus; },
        clusterNodeProperties: {
          id: "cluster:" + kind, label: sample.kindLabel + " (" + members.length + ")",
          group: kind, size: 24, kind: kind, borderWidth: 3,
          title: tip(sample.kindLabel + ": " + members.length + " " + strings.Knoten),
          font: { color: "#1b1f24", strokeWidth: 3, strokeColor: "#ffffff" }
        }
      });
    });
  }

  function addRows(table) {
    var nodeBody = document.querySelector("#node-table tbody");
    table.nodes.forEach(function (row) {
      if (nodeBody.querySelector('tr[data-node="' + CSS.escape(row.id) + '"]')) return;
      var tr = el("tr", null, { "data-node": row.id });
      var name = el("td");
      name.appendChild(entityLink(urls, row.slug, row.label));
      tr.appendChild(name);
      tr.appendChild(el("td", row.kind_label));
      tr.appendChild(el("td", row.lands.join(", ")));
      nodeBody.appendChild(tr);
      picker.appendChild(el("option", row.label, { value: row.id }));
    });
    var edgeBody = document.querySelector("#edge-table tbody");
    table.edges.forEach(function (row) {
      if (edgeBody.querySelector('tr[data-edge="' + CSS.escape(row.id) + '"]')) return;
      var tr = el("tr", null, { "data-edge": row.id });
      var a = el("td"); a.appendChild(entityLink(urls, row.s_slug, row.s_label)); tr.appendChild(a);
      tr.appendChild(el("td", row.label));
      var b = el("td"); b.appendChild(entityLink(urls, row.o_slug, row.o_label)); tr.appendChild(b);
      var src = el("td", row.sources.map(function (s) { return s.title; }).join("; ") + " ");
      if (row.inferred) { var badge = el("span", strings.erschlossen); badge.className = "badge inferred"; src.appendChild(badge); }
      var button = el("button", strings["Fundstelle zeigen"], {
        type: "button", "data-s": row.s, "data-p": row.p, "data-o": row.o, "aria-expanded": "false" });
      button.className = "secondary passage-button";
      src.appendChild(button);
      var slot = el("div", null, { "aria-live": "polite" });
      slot.className = "passage-slot"; slot.hidden = true;
      src.appendChild(slot);
      tr.appendChild(src);
      edgeBody.appendChild(tr);
    });
  }

  function merge(answer, near) {
    var origin = near ? network.getPositions([near])[near] : null;
    var fresh = answer.nodes.filter(function (n) { return !nodes.get(n.id); });
    fresh.forEach(function (n) {
      if (origin) { n.x = origin.x + (Math.random() - 0.5) * 160; n.y = origin.y + (Math.random() - 0.5) * 160; }
      n.hidden = hiddenKinds.has(n.kind);
    });
    nodes.add(prepareNodes(fresh));
    edges.update(prepareEdges(answer.edges.filter(function (e) { return !edges.get(e.id); })));
    addRows(answer.table);
    if (fresh.length) {
      container.setAttribute("data-state", "stabilising");
      network.setOptions({ physics: { enabled: true } });
      network.stabilize(120);
      network.once("stabilizationIterationsDone", function () {
        network.setOptions({ physics: { enabled: false } });
        container.setAttribute("data-state", "stable");
      });
    }
    return fresh.length;
  }

  function fetchNeighbourhood(params) {
    return fetch(urls.neighbourhood + "?" + params.toString(), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); });
  }

  function filterParams() {
    var params = new URLSearchParams();
    currentParams().forEach(function (value, key) {
      if (key === "kinds" || key === "relations" || key === "land") params.append(key, value);
    });
    return params;
  }

  function expand(id) {
    var node = nodes.get(id);
    var params = filterParams();
    params.set("focus", node.slug || id);
    params.set("depth", "1");
    return fetchNeighbourhood(params).then(function (answer) {
      merge(answer, id);
      var state = currentParams();
      var list = (state.get("expand") || "").split(",").filter(Boolean);
      if (list.indexOf(node.slug) < 0 && node.slug && list.length < 20) list.push(node.slug);
      if (list.length) state.set("expand", list.join(","));
      remember(state);
      selectNode(id);
    }).catch(function () { panel.appendChild(el("p", strings["Fehler beim Laden"])); });
  }

  function selectNode(id) {
    var node = nodes.get(id);
    if (!node) return;
    network.selectNodes([id]);
    picker.value = id;
    panel.replaceChildren();
    panel.appendChild(el("h3", node.fullLabel));
    panel.appendChild(el("p", node.kindLabel));
    var buttons = el("div"); buttons.className = "buttons";
    var grow = el("button", strings.Erweitern, { type: "button" });
    grow.addEventListener("click", function () { expand(id); });
    buttons.appendChild(grow);
    if (node.slug) {
      var open = el("a", strings["Seite öffnen"]); open.className = "button"; open.href = entityHref(urls, node.slug);
      buttons.appendChild(open);
      var centre = filterParams(); centre.set("focus", node.slug);
      var middle = el("a", strings["Als Mittelpunkt"]); middle.className = "button";
      middle.href = urls.page + "?" + centre.toString();
      buttons.appendChild(middle);
    }
    panel.appendChild(buttons);
    panel.appendChild(el("h4", strings.Nachbarn));
    var list = el("ul");
    network.getConnectedNodes(id).forEach(function (other) {
      var n = nodes.get(other);
      if (!n) return;
      var li = el("li");
      li.appendChild(entityLink(urls, n.slug, n.fullLabel));
      list.appendChild(li);
    });
    if (!list.children.length) panel.appendChild(el("p", strings["Keine Nachbarn im Bild."]));
    else panel.appendChild(list);
  }

  network.on("click", function (event) {
    if (event.nodes.length) {
      var id = event.nodes[0];
      if (network.isCluster(id)) { network.openCluster(id); return; }
      selectNode(id);
    } else if (event.edges.length) {
      var edge = edges.get(event.edges[0]);
      if (edge) showEdge(panel, urls, strings, edge, nodes);
    }
  });
  network.on("doubleClick", function (event) {
    if (!event.nodes.length || network.isCluster(event.nodes[0])) return;
    var node = nodes.get(event.nodes[0]);
    if (node && node.slug) window.location.href = entityHref(urls, node.slug);
  });
  picker.addEventListener("change", function () {
    if (!picker.value) return;
    selectNode(picker.value);
    network.focus(picker.value, { scale: 1.2, animation: false });
  });

  document.querySelectorAll(".legend-toggle").forEach(function (button) {
    button.addEventListener("click", function () {
      var kind = button.dataset.kind;
      var show = button.getAttribute("aria-pressed") !== "true";
      button.setAttribute("aria-pressed", show ? "true" : "false");
      if (show) hiddenKinds.delete(kind); else hiddenKinds.add(kind);
      nodes.update(nodes.get({ filter: function (n) { return n.kind === kind; } })
        .map(function (n) { return { id: n.id, hidden: !show }; }));
    });
  });

  document.getElementById("zoom-in").addEventListener("click", function () {
    network.moveTo({ scale: network.getScale() * 1.3 });
  });
  document.getElementById("zoom-out").addEventListener("click", function () {
    network.moveTo({ scale: network.getScale() / 1.3 });
  });
  document.getElementById("zoom-fit").addEventListener("click", function () { network.fit(); });
  document.getElementById("export-png").addEventListener("click", function () {
    exportPng(container, "akteursgraph-netzwerk.png");
  });

  var more = document.getElementById("load-more");
  if (more) {
    more.addEventListener("click", function (event) {
      event.preventDefault();
      var params = currentParams();
      params.set("page", String(pages));
      params.delete("pages");
      fetchNeighbourhood(params).then(function (answer) {
        merge(answer, data.focus);
        pages += 1;
        var state = currentParams();
        state.set("pages", String(pages));
        remember(state);
        if (!answer.more) document.getElementById("more-box").hidden = true;
      });
    });
  }

  bindPassageButtons(document.querySelector("main"), urls, strings);
  suggest(document.getElementById("focus"), urls);
  clusterByKind();
})();
