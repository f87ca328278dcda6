// The catalog audit's chart: drawn with ECharts from the page's own table
// (the table marked data-chart), which stays the accessible version. The
// labels come from the table's headers, so the chart speaks the page's
// language without strings of its own.
(function () {
  "use strict";
  var table = document.querySelector("table[data-chart]");
  if (!table || typeof echarts === "undefined") {
    return;
  }
  var box = document.getElementById(table.getAttribute("data-chart"));
  var heads = table.querySelectorAll("thead th");
  var columns = [];
  heads.forEach(function (th, i) {
    if (th.hasAttribute("data-series")) {
      columns.push({ index: i, name: th.textContent });
    }
  });
  var counties = [];
  var series = columns.map(function (c) {
    return { name: c.name, type: "bar", data: [] };
  });
  table.querySelectorAll("tbody tr").forEach(function (tr) {
    var cells = tr.children;
    counties.push(cells[0].textContent);
    columns.forEach(function (c, k) {
      series[k].data.push(Number(cells[c.index].textContent));
    });
  });
  var chart = echarts.init(box, null, { renderer: "canvas" });
  chart.setOption({
    aria: { enabled: true },
    tooltip: { trigger: "axis" },
    legend: { type: "scroll", top: 0 },
    grid: { left: 8, right: 8, bottom: 8, top: 40, containLabel: true },
    xAxis: { type: "category", data: counties },
    yAxis: { type: "value" },
    series: series
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
