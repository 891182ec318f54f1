// complaintflow console, quality pages: the PDCA cycle's checks drawn with Apache
// ECharts from the JSON in the chart element's data-chart attribute (no inline script:
// the Content-Security-Policy forbids it).
"use strict";

// judgedOrNot is a check's value point: a check on too few samples for a verdict
// (judged false) is drawn hollow and says so beside it, in the page's words
// (verdict), so it reads neither as a miss nor as a pass.
function judgedOrNot(c) {
  if (c.judged !== false) return c.value;
  return { value: c.value, symbol: "emptyCircle", label: { show: true, position: "top", formatter: c.verdict } };
}

// drawChecks plots each check's value against its baseline and target, in order,
// labelled by iteration; each series has its own line style and marker shape, so
// colour is never the only signal, and the table under the chart says it in words.
// The series' and the axis' names are the page's language, in the element's data-value,
// data-baseline, data-target and data-axis (English when a page has none). The
// element's own aria-label says what the chart is: ECharts' aria stays off, so it
// does not replace it.
function drawChecks(el) {
  const data = JSON.parse(el.dataset.chart || "{}");
  const checks = data.checks || [];
  const labels = checks.map(function (c) { return c.label; });
  const names = {
    value: el.dataset.value || "value", baseline: el.dataset.baseline || "baseline", target: el.dataset.target || "target",
  };
  const line = function (name, pick, extra) {
    return Object.assign({ name: name, type: "line", data: checks.map(pick), connectNulls: false }, extra || {});
  };
  const chart = echarts.init(el, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis" },
    legend: { data: [names.value, names.baseline, names.target] },
    xAxis: { type: "category", data: labels, name: el.dataset.axis || "iteration · check" },
    yAxis: { type: "value", scale: true },
    series: [
      line(names.value, judgedOrNot, { symbol: "circle", symbolSize: 10 }),
      line(names.baseline, function (c) { return c.baseline; }, { lineStyle: { type: "dashed" }, symbol: "rect", symbolSize: 7 }),
      line(names.target, function (c) { return c.target; }, { lineStyle: { type: "dotted" }, symbol: "triangle", symbolSize: 9 }),
    ],
  });
  window.addEventListener("resize", function () { chart.resize(); });
}

document.addEventListener("DOMContentLoaded", function () {
  const el = document.getElementById("cycle-chart");
  if (el && window.echarts) drawChecks(el);
});
