/* Kizuna pages: draw the Plotly charts embedded as JSON, and small form helpers.
 *
 * Each chart is a <script type="application/json" data-chart-for="ID"> holding a
 * Plotly figure ({data, layout}) for the element with that ID. No inline scripts:
 * the Content-Security-Policy allows scripts from this server only. Content that
 * HTMX swaps in (htmx:load) gets its charts and helpers the same way.
 */
(function () {
  "use strict";

  var CONFIG = { responsive: true, displaylogo: false, modeBarButtonsToRemove: ["select2d", "lasso2d"] };

  function within(root, selector) {
    var found = Array.prototype.slice.call(root.querySelectorAll(selector));
    if (root.matches && root.matches(selector)) {
      found.unshift(root);
    }
    return found;
  }

  function drawCharts(root) {
    if (typeof window.Plotly === "undefined") {
      return;
    }
    within(root, "script[data-chart-for]").forEach(function (node) {
      var target = document.getElementById(node.getAttribute("data-chart-for"));
      if (!target) {
        return;
      }
      var figure = JSON.parse(node.textContent);
      window.Plotly.newPlot(target, figure.data, figure.layout, CONFIG);
    });
  }

  function autosubmit(root) {
    within(root, "select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () {
        select.form.submit();
      });
    });
  }

  function ready(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  ready(function () {
    drawCharts(document);
    autosubmit(document);
  });

  // HTMX (loaded with defer by every page) fires htmx:load on each element it swaps in
  document.addEventListener("htmx:load", function (event) {
    if (event.target !== document.body) {
      drawCharts(event.target);
      autosubmit(event.target);
    }
  });
})();
