// Draws the dashboard's charts from the JSON block the page carries (no inline script: CSP).
"use strict";
(function () {
  function draw() {
    var source = document.getElementById("chart-data");
    var holder = document.getElementById("charts");
    if (!source || !holder || typeof Plotly === "undefined") { return; }
    var figures = JSON.parse(source.textContent || "[]");
    figures.forEach(function (figure, index) {
      var box = document.createElement("figure");
      box.className = "chart";
      var caption = document.createElement("figcaption");
      caption.textContent = figure.title;
      var plot = document.createElement("div");
      plot.id = "chart-" + index;
      plot.className = "plot";
      box.appendChild(caption);
      box.appendChild(plot);
      holder.appendChild(box);
      Plotly.newPlot(plot, figure.data, figure.layout,
                     { displaylogo: false, responsive: true });
    });
    holder.setAttribute("data-drawn", String(figures.length));
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
