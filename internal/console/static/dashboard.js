// complaintflow console: the dashboard's charts. Each chart's figures come from the
// server in the data-chart attribute (the same numbers as the table beneath it); this
// file only turns them into an ECharts option. No inline script (the CSP forbids it).
"use strict";

// option builds the ECharts option of one chart description.
function option(c) {
  const base = {
    title: { text: c.title, textStyle: { fontSize: 14 } },
    tooltip: { trigger: c.kind === "heatmap" ? "item" : "axis" },
    // The legend sits below the title's box (which ends at 50 px), the plot below both.
    grid: { left: 60, right: 20, top: 92, bottom: 70, containLabel: true },
    // Patterns as well as colours. ECharts' own label stays off: it would replace
    // the element's translated aria-label (dashboard.html, which names the table
    // holding the figures) with generated English that misreads the figures.
    aria: { enabled: true, label: { enabled: false }, decal: { show: true } },
  };
  if (c.kind === "heatmap") {
    return Object.assign(base, {
      xAxis: { type: "category", data: c.x, splitArea: { show: true } },
      yAxis: { type: "category", data: c.y, inverse: true, splitArea: { show: true } },
      visualMap: { min: 0, max: Math.max(1, c.max), calculable: true, orient: "horizontal", left: "center", bottom: 0 },
      series: [{ id: "cells", name: c.unit, type: "heatmap", data: c.cells, label: { show: true } }],
    });
  }
  return Object.assign(base, {
    legend: { type: "scroll", top: 50 },
    xAxis: { type: "category", data: c.x },
    // A count steps by whole numbers: no "0.2 complaints" on the axis.
    yAxis: Object.assign({ type: "value", name: c.unit }, c.count ? { minInterval: 1 } : {}),
    series: c.series.map(function (s) {
      const one = { id: s.id, name: s.name, type: c.kind, data: s.data, connectNulls: false };
      if (c.kind === "bar") one.stack = "total";
      if (c.kind === "line") one.symbolSize = 8;
      return one;
    }),
  });
}

// drawCharts draws every chart on the page, after disposing of those drawn before:
// the open dashboard swaps its figures in when they changed (console.js), and each
// swap brings new chart elements.
let charts = [];
function drawCharts() {
  if (typeof echarts === "undefined") return;
  charts.forEach(function (c) { c.dispose(); });
  charts = [];
  document.querySelectorAll(".chart[data-chart]").forEach(function (el) {
    const chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option(JSON.parse(el.dataset.chart)));
    charts.push(chart);
  });
}

window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
const figures = document.getElementById("dashboard-figures");
if (figures) figures.addEventListener("refreshed", drawCharts);
drawCharts();
