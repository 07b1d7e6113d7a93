// Draw each Vega-Lite chart of the page; the table next to it stays the accessible alternative.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-vega-chart]").forEach(function (el) {
    var source = el.parentElement.querySelector("script[type='application/json']");
    if (!source || typeof vegaEmbed !== "function") { return; }
    vegaEmbed(el, JSON.parse(source.textContent), { actions: false, renderer: "svg", defaultStyle: false })
      .catch(function () { el.hidden = true; });
  });
});
