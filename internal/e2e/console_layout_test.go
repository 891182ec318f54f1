package e2e_test

import (
	"github.com/chromedp/chromedp"
)

// layoutProblems finds, in the open page at the browser's 1280 px width, what does
// not fit: a page wider than the window; a header link, name or button whose text
// breaks over two lines (the languages, the nav's links, the viewer, "Sign out");
// a filter's label that is not directly above its control; on the dashboard, a
// table with no body row or with only blank cells, a drawn chart with no point,
// and a chart legend over the chart's title.
const layoutProblems = `(function () {
  const out = [];
  const de = document.documentElement;
  if (de.scrollWidth > window.innerWidth) out.push("the page is " + de.scrollWidth + " px wide in a " + window.innerWidth + " px window");
  // lines is how many lines el's text takes: the distinct tops of its text's boxes.
  function lines(el) {
    const r = document.createRange();
    r.selectNodeContents(el);
    const tops = new Set();
    for (const b of r.getClientRects()) if (b.width > 0 && b.height > 0) tops.add(Math.round(b.top));
    return tops.size;
  }
  document.querySelectorAll("header strong, header .langs, header .langs a, header nav a, header .signout span, header .signout button").forEach(function (el) {
    if (lines(el) > 1) out.push("header: " + JSON.stringify(el.textContent.trim()) + " breaks over " + lines(el) + " lines");
  });
  document.querySelectorAll(".filters label[for]").forEach(function (l) {
    const c = document.getElementById(l.htmlFor);
    if (!c) return;
    const a = l.getBoundingClientRect(), b = c.getBoundingClientRect();
    if (Math.abs(a.left - b.left) > 2 || b.top < a.bottom - 2 || b.top - a.bottom > 12) {
      out.push("filter " + JSON.stringify(l.textContent.trim()) + " at (" + Math.round(a.left) + "," + Math.round(a.top) +
        ") is not directly above its control at (" + Math.round(b.left) + "," + Math.round(b.top) + ")");
    }
  });
  document.querySelectorAll(".dash-table").forEach(function (t) {
    const rows = t.tBodies[0] ? t.tBodies[0].rows : [];
    const tds = Array.from(t.querySelectorAll("tbody td"));
    if (rows.length === 0) out.push(t.id + ": no body row, only the header");
    else if (tds.length > 0 && tds.every(function (td) { return td.textContent.trim() === ""; })) out.push(t.id + ": every cell blank");
  });
  document.querySelectorAll("#dashboard .chart[data-chart]").forEach(function (el) {
    const c = JSON.parse(el.dataset.chart);
    const points = c.kind === "heatmap" ? (c.cells || []) :
      (c.series || []).flatMap(function (s) { return s.data; }).filter(function (v) { return v !== null; });
    if (points.length === 0) out.push(el.id + ": a chart of bare axes, nothing to draw");
    if (typeof echarts === "undefined") return;
    const inst = echarts.getInstanceByDom(el);
    if (!inst) { out.push(el.id + ": not drawn"); return; }
    function box(main) {
      const m = inst.getModel().getComponent(main);
      const v = m && inst.getViewOfComponentModel(m);
      if (!v) return null;
      const r = v.group.getBoundingRect();
      return { x: v.group.x + r.x, y: v.group.y + r.y, w: r.width, h: r.height };
    }
    const t = box("title"), g = box("legend");
    if (t && g && g.w > 0 && t.w > 0 && g.x < t.x + t.w && t.x < g.x + g.w && g.y < t.y + t.h && t.y < g.y + g.h) {
      out.push(el.id + ": the legend " + JSON.stringify(g) + " lies on the title " + JSON.stringify(t));
    }
  });
  return out;
})()`

// checkLayout fails the test for each layout problem of the open page.
func (b *browser) checkLayout(page string) {
	b.t.Helper()
	for _, p := range get(b, "the layout of "+page, chromedp.Evaluate[[]string](layoutProblems)) {
		b.t.Errorf("%s: %s", page, p)
	}
}
