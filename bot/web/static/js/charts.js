/* Draws the dashboard charts from the page's JSON (no inline script: the CSP forbids it). */
(function () {
  "use strict";
  var node = document.getElementById("chart-data");
  if (!node || typeof echarts === "undefined") { return; }
  var data = JSON.parse(node.textContent);
  var charts = [];
  var textColor = "#334155";

  function make(id, option) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var chart = echarts.init(el, null, { renderer: "svg" });
    option.animation = false;
    option.textStyle = { fontFamily: "system-ui, 'Noto Sans CJK SC', sans-serif", color: textColor };
    chart.setOption(option);
    el.setAttribute("data-drawn", "true");
    charts.push(chart);
  }

  if (data.dims) {
    make("chart-dims", {
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      grid: { left: 40, right: 16, top: 16, bottom: 48 },
      xAxis: { type: "category", data: data.dims.map(function (d) { return d.name; }) },
      yAxis: { type: "value" },
      series: [
        { name: data.labels.score, type: "bar", data: data.dims.map(function (d) { return d.score; }),
          itemStyle: { color: "#2563eb" }, label: { show: true, position: "top" } },
        { name: data.labels.weight + " (%)", type: "bar", data: data.dims.map(function (d) { return d.weight; }),
          itemStyle: { color: "#94a3b8" } }
      ]
    });
  }
  if (data.trend) {
    var t = data.trend;
    make("chart-trend", {
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      grid: { left: 40, right: 16, top: 16, bottom: 48 },
      xAxis: { type: "category", data: t.labels },
      yAxis: { type: "value" },
      series: [
        { name: t.process_label, type: "line", data: t.process, connectNulls: false,
          itemStyle: { color: "#0d9488" }, symbolSize: 7 },
        { name: t.total_label, type: "bar", data: t.totals, barMaxWidth: 28,
          itemStyle: { color: "#f59e0b" }, label: { show: true, position: "top" } }
      ]
    });
  }
  if (data.grades) {
    make("chart-grades", {
      tooltip: {},
      grid: { left: 32, right: 16, top: 16, bottom: 28 },
      xAxis: { type: "category", data: data.grades.map(function (g) { return g.grade; }) },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ name: data.count_label, type: "bar", data: data.grades.map(function (g) { return g.count; }),
        itemStyle: { color: "#7c3aed" }, label: { show: true, position: "top" } }]
    });
  }
  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
})();
