// Draw each Vega-Lite chart of the page; the table next to it stays the accessible alternative.
// Charts also arrive later, swapped in by htmx once the worker has prepared them ("htmx:load").
function drawCharts(root) {
  root.querySelectorAll("[data-vega-chart]:not([data-drawn])").forEach(function (el) {
    var source = el.parentElement.querySelector("script[type='application/json']");
    if (!source || typeof vegaEmbed !== "function") { return; }
    el.setAttribute("data-drawn", "");
    vegaEmbed(el, JSON.parse(source.textContent), { actions: false, renderer: "svg" })
      .catch(function () { el.hidden = true; });
  });
}
document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
document.addEventListener("htmx:load", function (event) { drawCharts(event.target); });
