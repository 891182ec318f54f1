// complaintflow console: live SLA countdowns and a self-refreshing queue. No inline
// script anywhere (the Content-Security-Policy forbids it); this file does it all.
"use strict";

// level names the SLA state of a clock: the colour comes from the class, and the
// same words are printed, so colour is never the only signal.
function level(fraction, breached) {
  if (breached || fraction >= 1) return ["breached", "BREACHED"];
  if (fraction >= 0.9) return ["w90", "90% warning"];
  if (fraction >= 0.75) return ["w75", "75% warning"];
  if (fraction >= 0.5) return ["w50", "50% warning"];
  return ["ok", "on track"];
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
      el.textContent = "paused (due " + el.dataset.due + " before the pause)";
      return;
    }
    const left = due - now;
    const fraction = due > start ? (now - start) / (due - start) : 1;
    const [cls, label] = level(fraction, el.dataset.breached === "true");
    el.classList.add("level-" + cls);
    el.textContent = (left >= 0 ? span(left) + " left" : span(left) + " overdue") + " · " + label;
  });
}

// refresh replaces the queue's rows with the server's current ones.
function refresh(body) {
  fetch(body.dataset.refresh, { credentials: "same-origin", headers: { Accept: "text/html" } })
    .then(function (res) { return res.ok ? res.text() : Promise.reject(res.status); })
    .then(function (html) { body.innerHTML = html; tick(); })
    .catch(function () { /* the next poll tries again */ });
}

document.addEventListener("DOMContentLoaded", function () {
  tick();
  setInterval(tick, 1000);
  const body = document.getElementById("queue-rows");
  if (body && body.dataset.refresh) {
    setInterval(function () { refresh(body); }, 3000);
  }
});
