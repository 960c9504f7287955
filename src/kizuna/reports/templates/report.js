/* Draw the Plotly figures embedded as <script type="application/json" data-chart-for="ID">. */
(function () {
  "use strict";
  var config = { responsive: true, displaylogo: false, modeBarButtonsToRemove: ["select2d", "lasso2d"] };
  document.querySelectorAll("script[data-chart-for]").forEach(function (node) {
    var target = document.getElementById(node.getAttribute("data-chart-for"));
    if (target && window.Plotly) {
      var figure = JSON.parse(node.textContent);
      window.Plotly.newPlot(target, figure.data, figure.layout, config);
    }
  });
})();
