/* Dashboard: clients per CRS band, with the latest cut-off of each round type as a vertical line.
   Data from json_script elements (no inline script: the Content Security Policy forbids it). */
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }

  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  var canvas = document.getElementById("dash-crs-chart");
  var histogram = data("dash-histogram-data");
  var cutoffs = data("dash-cutoffs-data") || [];
  if (!canvas || !histogram || !histogram.bins.length) { return; }

  var width = histogram.bin;
  var bars = histogram.bins.map(function (b) { return { x: b.from + width / 2, y: b.count, from: b.from }; });
  var xs = histogram.bins.map(function (b) { return b.from; });
  cutoffs.forEach(function (c) { xs.push(c.crs); });
  var minX = Math.floor((Math.min.apply(null, xs) - width) / width) * width;
  var maxX = Math.ceil((Math.max.apply(null, xs) + width + 1) / width) * width;

  // Each cut-off is an empty dataset: it gets a legend entry (click to hide) and the plugin draws it.
  var cutoffSets = cutoffs.map(function (c) {
    return { type: "line", label: c.label + " " + c.crs, data: [], borderColor: c.colour,
             backgroundColor: c.colour, borderWidth: 2, borderDash: [5, 3], cutoff: c };
  });

  var cutoffLines = {
    id: "cutoffLines",
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx, area = chart.chartArea, x = chart.scales.x;
      var rows = [];  // right edge of the last label in each row, so close cut-offs do not overlap
      ctx.save();
      ctx.font = "600 11px system-ui, -apple-system, 'Segoe UI', sans-serif";
      ctx.textBaseline = "top";
      chart.data.datasets.forEach(function (ds, i) {
        if (!ds.cutoff || !chart.isDatasetVisible(i)) { return; }
        var px = Math.round(x.getPixelForValue(ds.cutoff.crs)) + 0.5;
        ctx.strokeStyle = ds.borderColor;
        ctx.lineWidth = 1.5;
        ctx.setLineDash([5, 3]);
        ctx.beginPath();
        ctx.moveTo(px, area.top);
        ctx.lineTo(px, area.bottom);
        ctx.stroke();
        var text = String(ds.cutoff.crs), w = ctx.measureText(text).width + 6;
        var row = 0;
        while (rows[row] !== undefined && rows[row] > px - w / 2) { row += 1; }
        rows[row] = px + w / 2;
        var y = area.top + 2 + row * 15;
        ctx.setLineDash([]);
        ctx.fillStyle = "rgba(255,255,255,0.9)";
        ctx.fillRect(px - w / 2, y - 1, w, 14);
        ctx.fillStyle = ds.borderColor;
        ctx.textAlign = "center";
        ctx.fillText(text, px, y);
      });
      ctx.restore();
    }
  };

  Chart.defaults.locale = document.documentElement.lang || "en";  // numbers as the page's language writes them
  Chart.defaults.font.size = 12;
  Chart.defaults.color = "#495057";
  new Chart(canvas, {
    type: "bar",
    data: {
      datasets: [{
        label: canvas.dataset.yLabel || "Clients", data: bars, backgroundColor: "rgba(13, 110, 253, 0.35)",
        borderColor: "rgba(13, 110, 253, 0.8)", borderWidth: 1, barPercentage: 1, categoryPercentage: 0.92,
        grouped: false
      }].concat(cutoffSets)
    },
    options: {
      maintainAspectRatio: false, animation: false, parsing: false,
      layout: { padding: { top: 4 } },
      scales: {
        x: { type: "linear", min: minX, max: maxX, offset: false,
             ticks: { stepSize: width * 5, precision: 0 },
             title: { display: true, text: canvas.dataset.xLabel || "CRS" }, grid: { color: "#f1f3f5" } },
        y: { beginAtZero: true, grace: "18%", ticks: { precision: 0 },
             title: { display: true, text: canvas.dataset.yLabel || "Clients" } }
      },
      plugins: {
        legend: {
          position: "bottom",
          labels: { boxWidth: 14, boxHeight: 2, filter: function (item) { return item.datasetIndex > 0; } }
        },
        tooltip: {
          filter: function (item) { return item.datasetIndex === 0; },
          callbacks: {
            title: function (items) {
              var p = items[0].raw;
              return p.from + "–" + (p.from + width - 1);
            },
            label: function (item) { return item.raw.y + " " + (canvas.dataset.bandLabel || ""); }
          }
        }
      }
    },
    plugins: [cutoffLines]
  });
})();
