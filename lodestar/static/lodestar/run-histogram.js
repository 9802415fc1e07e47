// The score distribution of a matching run, drawn with Chart.js from data the page carries in a
// json_script element (the CSP forbids inline scripts). The page has the same figures as a table.
(function () {
  function colour(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }
  function draw() {
    var canvas = document.getElementById("score-histogram");
    var source = document.getElementById("score-histogram-data");
    if (!canvas || !source || typeof window.Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var text = colour("--pico-color", "#333");
    var grid = colour("--pico-muted-border-color", "#ddd");
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [{
          label: data.y,
          data: data.counts,
          backgroundColor: colour("--pico-primary-background", "#0172ad"),
          borderColor: colour("--pico-primary-border", "#0172ad"),
          borderWidth: 1,
          barPercentage: 1.0,
          categoryPercentage: 1.0
        }]
      },
      options: {
        animation: false,
        responsive: true,
        aspectRatio: 3,
        plugins: {
          legend: { display: false },
          title: { display: true, text: data.title, color: text }
        },
        scales: {
          x: { title: { display: true, text: data.x, color: text }, ticks: { color: text }, grid: { color: grid } },
          y: { beginAtZero: true, title: { display: true, text: data.y, color: text }, ticks: { color: text, precision: 0 }, grid: { color: grid } }
        }
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
