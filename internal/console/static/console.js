// complaintflow console: live SLA countdowns, the queue's and the notices' rows
// refreshed, and watched pages (the escalation inbox, a complaint, a PDCA cycle,
// risk) that say what changed without redrawing a form. No inline script anywhere
// (the Content-Security-Policy forbids it); this file does it all.
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

// span is a length of time as hours, minutes and seconds in the page's units
// ("2h 5m 3s", "2小时 5分 3秒").
function span(ms) {
  const s = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  return (h ? h + word("H", "h") + " " : "") + (h || m ? m + word("M", "m") + " " : "") + sec + word("S", "s");
}

function tick() {
  const now = Date.now();
  document.querySelectorAll(".countdown").forEach(function (el) {
    const due = Date.parse(el.dataset.due), budget = Number(el.dataset.budget) * 1000;
    el.classList.remove("level-ok", "level-warn-low", "level-warn-mid", "level-warn-high", "level-breached", "level-paused");
    if (el.dataset.paused === "true") {
      el.classList.add("level-paused");
      el.dataset.level = "paused";
      el.textContent = word("Paused", "paused (due {due} before the pause)").replace("{due}", localText(new Date(el.dataset.due)));
      return;
    }
    const left = due - now;
    // The share used is of the clock's budget (data-budget, seconds: from its start
    // to its deadline less the time waited on the customer, as the server reckons
    // it), so a pause or a reopening does not count as time used.
    const fraction = budget > 0 ? 1 - left / budget : 1;
    const [cls, label] = level(fraction, el.dataset.breached === "true", warningsOf(el));
    el.classList.add("level-" + cls);
    el.dataset.level = cls;
    el.textContent = span(left) + " " + (left >= 0 ? word("Left", "left") : word("Overdue", "overdue")) + " · " + label;
  });
}

// poll asks url every `every` seconds (3 unless given) and hands a good answer to
// apply. A refreshing part names its fingerprint (etag, from the page and then from
// each answer): the poll sends it back, and a 304 — nothing changed — is a success
// with nothing to apply. While the poll fails (the server down or busy) the stale
// note says since when the page is not up to date, so nobody works from a list
// that silently stopped; the next poll tries again and a success takes the note
// away. A session that ended sends the poll to the sign-in page: the note says so,
// links it, and the polling stops.
function poll(url, accept, stale, apply, every, etag) {
  let refreshedAt = new Date();
  const timer = setInterval(function () {
    const headers = { Accept: accept };
    if (etag) headers["If-None-Match"] = etag;
    fetch(url, { credentials: "same-origin", headers: headers })
      .then(function (res) {
        if (res.redirected) return Promise.reject("signedout");
        if (res.status === 304) return null;
        if (!res.ok) return Promise.reject(res.status);
        etag = res.headers.get("ETag") || etag;
        return res.text();
      })
      .then(function (body) {
        if (body !== null) apply(body);
        refreshedAt = new Date();
        if (stale) stale.hidden = true;
      })
      .catch(function (why) {
        if (why === "signedout") clearInterval(timer);
        if (!stale) return;
        const since = refreshedAt.toLocaleTimeString(document.documentElement.lang || "en", { hourCycle: "h23" });
        if (why === "signedout") {
          stale.textContent = stale.dataset.signedout.replace("{since}", since) + " ";
          const a = document.createElement("a");
          a.href = "/console/login";
          a.textContent = stale.dataset.signin;
          stale.appendChild(a);
        } else {
          stale.textContent = stale.dataset.message.replace("{since}", since)
            .replace("{why}", typeof why === "number" ? "HTTP " + why : stale.dataset.noanswer);
        }
        stale.hidden = false;
      });
  }, (every || 3) * 1000);
}

// focusKey says where the keyboard focus is in a refreshing part, to put it back
// after a swap: the focused element's own id, else the row it is in — the nearest
// element with a data-id (a queue or notices row, a PDCA card) or an id (a review) —
// and its link. Several rows may link the same complaint (the notices of one
// complaint), so the link alone does not say which row the focus was on.
function focusKey(body) {
  const el = document.activeElement;
  if (!el || el === body || !body.contains(el)) return null;
  const key = { id: el.id, row: null, href: el.getAttribute("href") };
  const row = el.parentElement && el.parentElement.closest("[data-id], [id]");
  if (row && row !== body && body.contains(row)) {
    key.row = row.dataset.id !== undefined ? '[data-id="' + CSS.escape(row.dataset.id) + '"]' : '[id="' + CSS.escape(row.id) + '"]';
  }
  return key;
}

// refocus puts the focus back where focusKey found it, in the swapped-in part: on
// the element of that id, else on the same row's link. A row that left the part
// takes the focus with it rather than moving it to another row.
function refocus(body, key) {
  if (!key) return;
  let again = key.id ? document.getElementById(key.id) : null;
  if (again && !body.contains(again)) again = null;
  if (!again && key.href !== null) {
    const link = 'a[href="' + CSS.escape(key.href) + '"]';
    again = body.querySelector(key.row ? key.row + " " + link : link);
  }
  if (again) again.focus();
}

// tableUpdate swaps a refreshing part's answer in (the queue's or the notices' rows
// of the page shown, the PDCA board's columns, the list of reviews, the dashboard's
// figures; the poll hands it only what changed). A keyboard user's focus is put
// back on the same link of the same row after the swap, and a screen reader hears
// one short "updated" status rather than the table. A "refreshed" event tells the
// page's own script (the dashboard's charts) to draw what was swapped in.
function tableUpdate(body) {
  const updated = document.getElementById(body.dataset.updated);
  return function (html) {
    const key = focusKey(body);
    body.innerHTML = html; localTimes(); tick();
    body.dispatchEvent(new Event("refreshed"));
    refocus(body, key);
    if (updated) {
      const at = new Date().toLocaleTimeString(document.documentElement.lang || "en", { hourCycle: "h23" });
      updated.textContent = updated.dataset.message.replace("{at}", at);
    }
  };
}

// closeForm closes (or opens again) the form fields of an entry that left the
// waiting list, without taking the keyboard focus or what was typed away: text
// fields turn read-only, so their text stays readable, selectable and copyable;
// the other controls are disabled — except the one holding the focus, which a
// disabled state would drop to <body>: it is marked aria-disabled instead, and the
// entry's form refuses to be sent (the submit listener below). Its gone-note is a live
// region, so a screen reader hears why.
function closeForm(entry, gone) {
  entry.querySelectorAll("form input, form select, form textarea, form button").forEach(function (el) {
    const text = (el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && !/^(checkbox|radio|submit|button|hidden|file|range|color)$/.test(el.type)));
    if (text) {
      el.readOnly = gone;
      return;
    }
    const focused = gone && el === document.activeElement;
    el.disabled = gone && !focused;
    if (focused) el.setAttribute("aria-disabled", "true");
    else el.removeAttribute("aria-disabled");
  });
}

// closedSubmit stops a form of an entry closed by the watch from being sent (a
// focused control was left enabled, and Enter in a text field submits).
document.addEventListener("submit", function (e) {
  if (e.target instanceof HTMLFormElement && e.target.closest(".gone")) e.preventDefault();
}, true);

// waitingUpdate applies a waiting list's poll (the keys of what waits now: the
// inbox's escalations, the QA queue's samples) to the open page without redrawing
// it, so a form being typed in keeps what is typed: an entry (note.dataset.items
// names them) no longer waiting has its form closed (closeForm) and says why, and
// the note counts what came in since the page was drawn.
function waitingUpdate(note) {
  return function (body) {
    const waiting = new Set(JSON.parse(body).pending || []);
    const shown = new Set();
    document.querySelectorAll(note.dataset.items).forEach(function (s) {
      shown.add(s.dataset.key);
      const gone = !waiting.has(s.dataset.key);
      const was = s.classList.contains("gone");
      s.classList.toggle("gone", gone);
      s.querySelector(".gone-note").hidden = !gone;
      if (gone !== was) closeForm(s, gone);
    });
    let fresh = 0;
    waiting.forEach(function (k) { if (!shown.has(k)) fresh++; });
    note.querySelector("span").textContent = note.dataset.message.replace("{n}", String(fresh));
    note.hidden = fresh === 0;
  };
}

// localText is a time in the viewer's own time zone and the page's language, as
// numbers with the zone's offset (e.g. 2026-01-02 16:04:05 GMT+8).
let localFormat = null;
function localText(d) {
  if (isNaN(d)) return "—";
  if (!localFormat) {
    localFormat = new Intl.DateTimeFormat(document.documentElement.lang || "en", {
      year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
      second: "2-digit", hourCycle: "h23", timeZoneName: "shortOffset",
    });
  }
  const p = {};
  localFormat.formatToParts(d).forEach(function (part) { p[part.type] = part.value; });
  return p.year + "-" + p.month + "-" + p.day + " " + p.hour + ":" + p.minute + ":" + p.second + " " + p.timeZoneName;
}

// localTimes shows each <time class="local"> in the viewer's own time zone (localText);
// the server wrote it in UTC, which stays in the title.
function localTimes() {
  document.querySelectorAll("time.local[datetime]").forEach(function (el) {
    const d = new Date(el.getAttribute("datetime"));
    if (isNaN(d)) return;
    if (!el.title) el.title = el.textContent;
    el.textContent = localText(d);
  });
}

// eventsUpdate applies a watched page's poll (the kinds of its complaint's or
// cycle's events, oldest first) without redrawing the page: the events past those
// drawn are named in a note that links the page as it is now.
function eventsUpdate(note) {
  const shown = Number(note.dataset.shown);
  return function (body) {
    const fresh = (JSON.parse(body).kinds || []).slice(shown);
    note.querySelector("span").textContent = note.dataset.message.replace("{events}", fresh.join(", "));
    note.hidden = fresh.length === 0;
  };
}

// changedUpdate applies a changing list's poll (what each listed object is now, by
// ID: a risk alert's status, a backlog item's status and last change) to the open
// page without redrawing it: an object (note.dataset.items names them) whose
// data-version differs says what it is now in its own note, and the objects that
// came in since the page was drawn are counted in the note.
function changedUpdate(note) {
  return function (body) {
    const now = JSON.parse(body).items || {};
    const shown = new Set();
    document.querySelectorAll(note.dataset.items).forEach(function (a) {
      shown.add(a.dataset.id);
      const changed = a.querySelector(".changed-note");
      const version = now[a.dataset.id];
      changed.hidden = !version || version === a.dataset.version;
      // data-name-<version>, when the page gives one, is the version in the viewer's language.
      if (!changed.hidden) changed.textContent = changed.dataset.message.replace("{now}", changed.getAttribute("data-name-" + version) || version);
    });
    const fresh = Object.keys(now).filter(function (id) { return !shown.has(id); }).length;
    note.querySelector("span").textContent = note.dataset.message.replace("{n}", String(fresh));
    note.hidden = fresh === 0;
  };
}

// A posted form with a date (or date-and-time) picker says the browser's zone (field tz), the one
// localText shows times in: the console sends a picked day as its end there, so a
// due reads back on the day picked. Added on submit, so forms drawn later have it too.
document.addEventListener("submit", function (e) {
  const form = e.target;
  if (!(form instanceof HTMLFormElement) || form.method !== "post" || !form.querySelector('input[type="date"], input[type="datetime-local"]')) return;
  let zone = form.querySelector('input[name="tz"]');
  if (!zone) {
    zone = document.createElement("input");
    zone.type = "hidden";
    zone.name = "tz";
    form.appendChild(zone);
  }
  zone.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
}, true);

// A zone field drawn fresh (data-zone="browser": a new PDCA cycle's, a review
// schedule's or run's, the insight report's) starts as the browser's zone, which the
// server does not know; without script it stays empty (UTC).
document.addEventListener("DOMContentLoaded", function () {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  document.querySelectorAll('input[data-zone="browser"]').forEach(function (el) {
    if (!el.value) el.value = zone;
  });
});

document.addEventListener("DOMContentLoaded", function () {
  localTimes();
  tick();
  setInterval(tick, 1000);
  document.querySelectorAll("[data-refresh]").forEach(function (body) {
    poll(body.dataset.refresh, "text/html", document.getElementById(body.dataset.stale), tableUpdate(body),
      Number(body.dataset.every), body.dataset.etag);
  });
  document.querySelectorAll("p.waiting-watch[data-poll]").forEach(function (note) {
    poll(note.dataset.poll, "application/json", document.getElementById(note.dataset.stale), waitingUpdate(note));
  });
  document.querySelectorAll("p.changed-watch[data-poll]").forEach(function (note) {
    poll(note.dataset.poll, "application/json", document.getElementById(note.dataset.stale), changedUpdate(note));
  });
  document.querySelectorAll("p.events-watch[data-poll]").forEach(function (note) {
    poll(note.dataset.poll, "application/json", document.getElementById(note.dataset.stale), eventsUpdate(note));
  });
});
