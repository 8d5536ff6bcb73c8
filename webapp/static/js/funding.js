/* Who funds whom: the flow picture (left to right), edge clicks show the source passage. */
(function () {
  "use strict";
  var container = document.getElementById("funding-view");
  if (!container || !window.AgGraph) return;
  var data = AgGraph.readData();
  var view = AgGraph.draw(container, data);
  window.agNetwork = view;
  var panel = document.getElementById("side-details");
  view.network.on("click", function (event) {
    if (event.edges.length && !event.nodes.length) {
      var edge = view.edges.get(event.edges[0]);
      if (edge) AgGraph.showEdge(panel, data.urls, data.strings, edge, view.nodes);
    }
  });
  view.network.on("doubleClick", function (event) {
    var node = event.nodes.length && view.nodes.get(event.nodes[0]);
    if (node && node.slug) window.location.href = data.urls.entity + encodeURIComponent(node.slug);
  });
  document.getElementById("export-png").addEventListener("click", function () {
    AgGraph.exportPng(container, "akteursgraph-foerderung.png");
  });
  AgGraph.bindPassageButtons(document.querySelector("main"), data.urls, data.strings);
})();
