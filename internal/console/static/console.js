// complaintflow console: live SLA countdowns and a self-refreshing queue. No inline
// script anywhere (the Content-Security-Policy forbids it); this file does it all.
"use strict";

// A countdown names the SLA state of a clock: the colour comes from the class, and
// the same state is printed in words, so colour is never the only signal.
// The words are the page's language: the layout puts them on <body> as data-cd-*
// attributes (English when a page has none).
function word(name, english) {
  const v = document.body.dataset["cd" + name];
  return v || english;
}

// level is the clock's state when the fraction of its time used is fraction: the
// highest of its policy's warnings reached (warnings: ascending percents, the API's
// sla.warning_percents from the data-warnings attribute, so the page holds no
// thresholds of its own), or on track, or breached. The colour says how near the
// top warning it is: the policy's last warning is the strongest, the one before it
// next, any earlier one the mildest.
function level(fraction, breached, warnings) {
  if (breached || fraction >= 1) return ["breached", word("Breached", "BREACHED")];
  let reached = -1;
  warnings.forEach(function (p, i) { if (fraction * 100 >= p) reached = i; });
  if (reached < 0) return ["ok", word("Ontrack", "on track")];
  const fromTop = warnings.length - 1 - reached;
  const cls = fromTop === 0 ? "warn-high" : fromTop === 1 ? "warn-mid" : "warn-low";
  return [cls, word("Warning", "{p}% warning").replace("{p}", String(warnings[reached]))];
}

// warningsOf reads a countdown's data-warnings ("60,80"), ascending.
function warningsOf(el) {
  return (el.dataset.warnings || "").split(",").filter(Boolean).map(Number)
    .filter(function (p) { return p > 0 && p < 100; }).sort(function (a, b) { return a - b; });
}

function span(ms) {
  const s = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  return (h ? h + "h " : "") + (h || m ? m + "m " : "") + sec + "s";
}

function tick() {
  const now = Date.now();
  document.querySelectorAll(".countdown").forEach(function (el) {
    const start = Date.parse(el.dataset.start), due = Date.parse(el.dataset.due);
    el.classList.remove("level-ok", "level-warn-low", "level-warn-mid", "level-warn-high", "level-breached", "level-paused");
    if (el.dataset.paused === "true") {
      el.classList.add("level-paused");
      el.dataset.level = "paused";
      el.textContent = word("Paused", "paused (due {due} before the pause)").replace("{due}", el.dataset.due);
      return;
    }
    const left = due - now;
    const fraction = due > start ? (now - start) / (due - start) : 1;
    const [cls, label] = level(fraction, el.dataset.breached === "true", warningsOf(el));
    el.classList.add("level-" + cls);
    el.dataset.level = cls;
    el.textContent = span(left) + " " + (left >= 0 ? word("Left", "left") : word("Overdue", "overdue")) + " · " + label;
  });
}

// refreshedAt is when the queue's rows last came from the server.
let refreshedAt = new Date();

// refresh replaces the queue's rows with the server's current ones. While it fails
// (the server down or busy, the session ended) the page says since when its rows
// are not up to date, so nobody works from a list that silently stopped; the next
// poll tries again and a success takes the note away.
function refresh(body) {
  const stale = document.getElementById("queue-stale");
  fetch(body.dataset.refresh, { credentials: "same-origin", headers: { Accept: "text/html" } })
    .then(function (res) { return res.ok ? res.text() : Promise.reject(res.status); })
    .then(function (html) {
      body.innerHTML = html; localTimes(); tick();
      refreshedAt = new Date();
      if (stale) stale.hidden = true;
    })
    .catch(function (why) {
      if (!stale) return;
      const since = refreshedAt.toLocaleTimeString(document.documentElement.lang || "en", { hourCycle: "h23" });
      stale.textContent = stale.dataset.message.replace("{since}", since)
        .replace("{why}", typeof why === "number" ? "HTTP " + why : stale.dataset.noanswer);
      stale.hidden = false;
    });
}

// localTimes shows each <time class="local"> in the viewer's own time zone and the
// page's language, as numbers with the zone's offset (e.g. 2026-01-02 16:04:05 GMT+8);
// the server wrote it in UTC, which stays in the title.
function localTimes() {
  const lang = document.documentElement.lang || "en";
  const fmt = new Intl.DateTimeFormat(lang, {
    year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
    second: "2-digit", hourCycle: "h23", timeZoneName: "shortOffset",
  });
  document.querySelectorAll("time.local[datetime]").forEach(function (el) {
    const d = new Date(el.getAttribute("datetime"));
    if (isNaN(d)) return;
    const p = {};
    fmt.formatToParts(d).forEach(function (part) { p[part.type] = part.value; });
    if (!el.title) el.title = el.textContent;
    el.textContent = p.year + "-" + p.month + "-" + p.day + " " + p.hour + ":" + p.minute + ":" + p.second + " " + p.timeZoneName;
  });
}

document.addEventListener("DOMContentLoaded", function () {
  localTimes();
  tick();
  setInterval(tick, 1000);
  const body = document.getElementById("queue-rows");
  if (body && body.dataset.refresh) {
    setInterval(function () { refresh(body); }, 3000);
  }
});
