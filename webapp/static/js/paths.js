/* Connection finder: a small picture of the shortest paths found. */
(function () {
  "use strict";
  var container = document.getElementById("paths-view");
  if (!container || !window.AgGraph) return;
  var data = AgGraph.readData();
  var view = AgGraph.draw(container, data);
  window.agNetwork = view;
  view.network.on("doubleClick", function (event) {
    var node = event.nodes.length && view.nodes.get(event.nodes[0]);
    if (node && node.slug) window.location.href = data.urls.entity + encodeURIComponent(node.slug);
  });
  AgGraph.bindPassageButtons(document.querySelector("main"), data.urls, data.strings);
})();
