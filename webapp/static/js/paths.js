/* Connection finder: a small picture of the shortest paths found. */
(function () {
  "use strict";
  if (!window.AgGraph) return;
  var data = AgGraph.readData();
  ["from", "to"].forEach(function (name) {
    var input = document.getElementById(name);
    if (input) AgGraph.suggest(input, data.urls);
  });
  var container = document.getElementById("paths-view");
  if (!container) return;
  var view = AgGraph.draw(container, data);
  window.agNetwork = view;
  view.network.on("doubleClick", function (event) {
    var node = event.nodes.length && view.nodes.get(event.nodes[0]);
    if (node && node.slug) window.location.href = data.urls.entity + encodeURIComponent(node.slug);
  });
  AgGraph.bindPassageButtons(document.querySelector("main"), data.urls, data.strings);
})();
