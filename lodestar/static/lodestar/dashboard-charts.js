// The program dashboard's charts, drawn with Chart.js from the data each figure carries in a
// json_script element (the CSP forbids inline scripts); every chart has its table below it.
// Also the "Print report" button, shown only when this script runs.
(function () {
  var PALETTE = ["#0172ad", "#d93526", "#398712", "#9236a4", "#cc7a00", "#5c6b7a"];

  function colour(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) return;
    var data = JSON.parse(source.textContent);
    var text = colour("--pico-color", "#333");
    var grid = colour("--pico-muted-border-color", "#ddd");
    var line = data.type === "line";
    new window.Chart(canvas, {
      type: data.type,
      data: {
        labels: data.labels,
        datasets: data.datasets.map(function (set, i) {
          var tint = PALETTE[i % PALETTE.length];
          return {
            label: set.label,
            data: set.data,
            backgroundColor: tint,
            borderColor: tint,
            borderWidth: line ? 2 : 1,
            spanGaps: true
          };
        })
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: {
          legend: { display: data.datasets.length > 1, labels: { color: text } },
          title: { display: false }
        },
        scales: {
          x: { ticks: { color: text }, grid: { color: grid } },
          y: {
            beginAtZero: data.min === 0,
            min: data.min === null ? undefined : data.min,
            max: data.max === null ? undefined : data.max,
            title: { display: true, text: data.y, color: text },
            ticks: { color: text },
            grid: { color: grid }
          }
        }
      }
    });
  }

  function start() {
    document.querySelectorAll("[data-print-report]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
    if (typeof window.Chart === "undefined") return;
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
