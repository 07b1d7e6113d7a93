// Draw every Vega-Lite chart of the page with the vendored vega-embed (tooltips on hover, SVG).
// Without JavaScript the page still has each chart's data as a table and download links.
//
// A chart element names its spec's <script type="application/json"> by id
// (data-measure-chart="…") or has it as a sibling (data-vega-chart). Each chart is fitted to
// the width its element has when drawn: a single chart fills it by itself (width "container");
// side-by-side panels go down to as many columns as fit, one on a phone, each panel then as wide
// as the screen; below NARROW pixels only the latest periods are drawn (the table keeps every
// one), so a phone shows the months that matter now. A chart inside a closed <details> has no
// width yet: it is drawn when opened. Charts are redrawn when the window's width changes.
(function () {
  "use strict";
  var NARROW = 600; // px: narrower than this, a chart draws only the latest periods
  var LATEST = 12; // periods drawn on a narrow screen
  var SIDE = 90; // px a panel's y axis and padding take beside its plot
  var OWN_DATA = { annotations: false, target: false }; // datasets that are marks, not periods

  function source(el) {
    var id = el.getAttribute("data-measure-chart");
    if (id) { return document.getElementById(id); }
    return el.parentElement.querySelector("script[type='application/json']");
  }

  function panelsOf(spec) {
    if (spec.concat) { return spec.concat; }
    if (spec.facet && spec.spec) { return [spec.spec]; }
    return [];
  }

  function fitWidth(spec, width) {
    var panels = panelsOf(spec);
    if (!panels.length) {
      if (spec.title) {
        var text = typeof spec.title === "string" ? spec.title : spec.title.text;
        spec.title = { text: text, limit: Math.max(100, width - 10) };
      }
      return;
    }
    var panel = typeof panels[0].width === "number" ? panels[0].width : 200;
    var columns = Math.max(1, Math.min(spec.columns || 1, Math.floor(width / (panel + SIDE))));
    spec.columns = columns;
    if (columns === 1) {
      panels.forEach(function (p) {
        p.width = Math.max(120, width - SIDE);
        if (p.title && p.title.text) { p.title.limit = p.width; }
      });
      if (spec.facet && spec.facet.header) { spec.facet.header.labelLimit = width - SIDE; }
    }
  }

  // Keep the latest LATEST periods of every dataset (markers before them go too); returns
  // [periods drawn, periods in all].
  function keepLatest(spec) {
    var datasets = spec.datasets || {};
    var seen = {};
    Object.keys(datasets).forEach(function (name) {
      if (name in OWN_DATA) { return; }
      datasets[name].forEach(function (row) { if (row.period) { seen[row.period] = true; } });
    });
    var periods = Object.keys(seen).sort();
    if (periods.length <= LATEST) { return [periods.length, periods.length]; }
    var cutoff = periods[periods.length - LATEST];
    Object.keys(datasets).forEach(function (name) {
      datasets[name] = datasets[name].filter(function (row) {
        return !row.period || row.period >= cutoff;
      });
    });
    return [LATEST, periods.length];
  }

  function sayShown(el, counts) {
    var note = el.nextElementSibling;
    if (!note || !note.hasAttribute("data-chart-shown")) {
      note = document.createElement("p");
      note.className = "small muted";
      note.setAttribute("data-chart-shown", "");
      el.insertAdjacentElement("afterend", note);
    }
    note.hidden = counts[0] === counts[1];
    note.textContent = "On this narrow screen the chart shows the latest " + counts[0] + " of " +
      counts[1] + " periods; the table has every period.";
  }

  // "shrink": pixels to take off a second drawing whose axes came out wider than SIDE allowed.
  function draw(el, shrink) {
    var width = el.clientWidth;
    var script = source(el);
    if (!width || !script || typeof vegaEmbed !== "function") { return; }
    el.removeAttribute("data-rendered");
    var spec = JSON.parse(script.textContent);
    fitWidth(spec, width - (shrink || 0));
    sayShown(el, width < NARROW ? keepLatest(spec) : [0, 0]);
    el.setAttribute("data-drawn-width", String(width));
    vegaEmbed(el, spec, {
      renderer: "svg",
      // The page has its own SVG/PNG/CSV download links; the actions menu has no accessible name.
      actions: false,
      // The Content Security Policy refuses injected <style> blocks: site.css has these rules.
      defaultStyle: false,
      tooltip: { theme: "light", disableDefaultStyle: true }
    }).then(function () {
      var over = el.scrollWidth - el.clientWidth;
      if (over > 0 && !shrink && spec.columns === 1) {
        draw(el, over + 4);
        return;
      }
      el.setAttribute("data-rendered", "true");
    }).catch(function (error) {
      el.textContent = "The chart could not be drawn (" + error.message + "); the table has the same numbers.";
    });
  }

  function charts(root) {
    return root.querySelectorAll("[data-measure-chart], [data-vega-chart]");
  }

  function drawAll() { charts(document).forEach(function (el) { draw(el, 0); }); }

  function redrawResized() {
    charts(document).forEach(function (el) {
      var before = Number(el.getAttribute("data-drawn-width") || 0);
      if (el.clientWidth && Math.abs(el.clientWidth - before) > 40) { draw(el, 0); }
    });
  }

  var pending = null;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(redrawResized, 200);
  });
  // "toggle" does not bubble: listen in the capture phase for every <details> of the page.
  document.addEventListener("toggle", function (event) {
    if (event.target.open) {
      charts(event.target).forEach(function (el) {
        if (!el.hasAttribute("data-drawn-width")) { draw(el, 0); }
      });
    }
  }, true);
  // Charts also arrive later, swapped in by htmx once the worker has prepared them.
  document.addEventListener("htmx:load", function (event) {
    charts(event.target).forEach(function (el) {
      if (!el.hasAttribute("data-drawn-width")) { draw(el); }
    });
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
