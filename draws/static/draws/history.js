/* Draw history charts: data from json_script elements (no inline script, no eval). */
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }

  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  var LANG = document.documentElement.lang || "en";  // months and numbers as the page's language writes them

  function yearLabel(x) { return String(Math.floor(x)); }

  function monthLabel(x) {
    // x is a fractional year (2026.25 = April 2026); tooltips show each round's own date.
    var year = Math.floor(x + 1e-6);
    var month = Math.round((x - year) * 12);
    return new Date(year, Math.min(month, 11), 1).toLocaleDateString(LANG, { month: "short", year: "numeric" });
  }

  Chart.defaults.locale = LANG;
  Chart.defaults.font.size = 12;
  Chart.defaults.color = "#495057";

  var crs = data("crs-chart-data");
  var crsCanvas = document.getElementById("crs-chart");
  if (crs && crsCanvas && crs.series.length) {
    var xs = [];
    crs.series.forEach(function (s) { s.points.forEach(function (p) { xs.push(p.x); }); });
    var first = Math.min.apply(null, xs), last = Math.max.apply(null, xs);
    // Years on a long history; quarters when the rounds shown span three years or less.
    var step = last - first > 3 ? 1 : 0.25;
    var minX = Math.floor(first / step) * step;
    var maxX = Math.ceil((last + 0.001) / step) * step;
    new Chart(crsCanvas, {
      type: "line",
      data: {
        datasets: crs.series.map(function (s) {
          return {
            label: s.label, data: s.points, hidden: s.hidden,
            borderColor: s.colour, backgroundColor: s.colour,
            borderWidth: 1.5, pointRadius: 2.5, pointHoverRadius: 5, tension: 0, spanGaps: false
          };
        })
      },
      options: {
        maintainAspectRatio: false, animation: false, parsing: false, normalized: true,
        interaction: { mode: "nearest", intersect: false },
        scales: {
          x: { type: "linear", min: minX, max: maxX,
               ticks: { stepSize: step, callback: step === 1 ? yearLabel : monthLabel },
               title: { display: false } },
          y: { title: { display: true, text: crsCanvas.dataset.yLabel || "CRS" }, grace: "5%" }
        },
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 12, usePointStyle: true } },
          tooltip: {
            callbacks: {
              title: function (items) {
                var p = items[0].raw;
                return "#" + p.round + " · " + p.date;
              },
              label: function (item) {
                var p = item.raw;
                return p.name + ": " + p.y + " (" + p.invitations.toLocaleString(LANG) + " " +
                  (crsCanvas.dataset.itasLabel || "ITAs") + ")";
              }
            }
          }
        }
      }
    });
  }

  var inv = data("invitations-chart-data");
  var invCanvas = document.getElementById("invitations-chart");
  if (inv && invCanvas && inv.months.length) {
    new Chart(invCanvas, {
      type: "bar",
      data: {
        labels: inv.months,
        datasets: inv.series.map(function (s) {
          return { label: s.label, data: s.values, backgroundColor: s.colour, borderWidth: 0 };
        })
      },
      options: {
        maintainAspectRatio: false, animation: false,
        scales: {
          x: { stacked: true, ticks: { autoSkip: true, maxRotation: 0, autoSkipPadding: 12 },
               grid: { display: false } },
          y: { stacked: true, beginAtZero: true,
               ticks: { callback: function (v) { return Number(v).toLocaleString(LANG); } } }
        },
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 12 } },
          tooltip: {
            mode: "index", intersect: false,
            filter: function (item) { return item.raw > 0; },
            callbacks: {
              label: function (item) {
                return item.dataset.label + ": " + Number(item.raw).toLocaleString(LANG);
              }
            }
          }
        }
      }
    });
  }
})();
