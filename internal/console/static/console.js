// complaintflow console: live SLA countdowns and a self-refreshing queue. No inline
// script anywhere (the Content-Security-Policy forbids it); this file does it all.
"use strict";

// level names the SLA state of a clock: the colour comes from the class, and the
// same words are printed, so colour is never the only signal.
// The words are the page's language: the layout puts them on <body> as data-cd-*
// attributes (English when a page has none).
function word(name, english) {
  const v = document.body.dataset["cd" + name];
  return v || english;
}

function level(fraction, breached) {
  if (breached || fraction >= 1) return ["breached", word("Breached", "BREACHED")];
  if (fraction >= 0.9) return ["w90", word("W90", "90% warning")];
  if (fraction >= 0.75) return ["w75", word("W75", "75% warning")];
  if (fraction >= 0.5) return ["w50", word("W50", "50% warning")];
  return ["ok", word("Ontrack", "on track")];
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
    el.classList.remove("level-ok", "level-w50", "level-w75", "level-w90", "level-breached", "level-paused");
    if (el.dataset.paused === "true") {
      el.classList.add("level-paused");
      el.textContent = word("Paused", "paused (due {due} before the pause)").replace("{due}", el.dataset.due);
      return;
    }
    const left = due - now;
    const fraction = due > start ? (now - start) / (due - start) : 1;
    const [cls, label] = level(fraction, el.dataset.breached === "true");
    el.classList.add("level-" + cls);
    el.textContent = span(left) + " " + (left >= 0 ? word("Left", "left") : word("Overdue", "overdue")) + " · " + label;
  });
}

// refresh replaces the queue's rows with the server's current ones.
function refresh(body) {
  fetch(body.dataset.refresh, { credentials: "same-origin", headers: { Accept: "text/html" } })
    .then(function (res) { return res.ok ? res.text() : Promise.reject(res.status); })
    .then(function (html) { body.innerHTML = html; localTimes(); tick(); })
    .catch(function () { /* the next poll tries again */ });
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
