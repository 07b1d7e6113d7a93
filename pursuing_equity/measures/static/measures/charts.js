// Render every dashboard chart with the vendored vega-embed: tooltips on hover, SVG renderer.
// Without JavaScript the page still has each chart's data as a table and download links.
(function () {
  "use strict";
  function render() {
    if (typeof vegaEmbed !== "function") { return; }
    document.querySelectorAll("[data-measure-chart]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-measure-chart"));
      if (!source) { return; }
      var spec = JSON.parse(source.textContent);
      vegaEmbed(el, spec, {
        renderer: "svg",
        // The page has its own SVG/PNG/CSV download links; the actions menu has no accessible name.
        actions: false,
        // The Content Security Policy refuses injected <style> blocks: site.css has these rules.
        defaultStyle: false,
        tooltip: { theme: "light", disableDefaultStyle: true }
      }).then(function () {
        el.setAttribute("data-rendered", "true");
      }).catch(function (error) {
        el.textContent = "The chart could not be drawn (" + error.message + "); the table has the same numbers.";
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", render);
  } else {
    render();
  }
})();
