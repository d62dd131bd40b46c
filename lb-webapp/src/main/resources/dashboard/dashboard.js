// The dashboard: polls GET /fleet (the ring, the replicas, recent events) and GET /metrics
// (Prometheus text) once a second, and draws what changed. Rates and latencies are worked out
// here from the difference between two scrapes, in the manner of Prometheus's rate() and
// histogram_quantile(), over the last second as the browser timed it.
"use strict";

const POLL_MS = 1000;
const HISTORY = 120; // samples kept for the rate chart: two minutes
const PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948",
                 "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#1f77b4", "#8c564b"];
const SVG = "http://www.w3.org/2000/svg";

const state = {
  colors: new Map(),   // replica -> colour, kept while the page is open
  previous: null,      // the last scrape: {at, replicas: Map}
  history: new Map(),  // replica -> [{at, rate}]
};

// ---- Prometheus text ------------------------------------------------------------------------

/** Each sample of the scrape whose name starts with ringlb_replica_: {name, labels, value}. */
function parseMetrics(text) {
  const samples = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith("ringlb_replica_")) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels = {};
    for (const label of (match[2] || "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[label[1]] = label[2];
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** Per replica: answers by status class, the latency histogram's cumulative buckets, sum and count. */
function byReplica(samples) {
  const replicas = new Map();
  const of = (name) => {
    if (!replicas.has(name)) replicas.set(name, { answers: 0, errors: 0, buckets: new Map(), sum: 0, count: 0 });
    return replicas.get(name);
  };
  for (const s of samples) {
    const replica = s.labels.replica;
    if (!replica) continue;
    const r = of(replica);
    if (s.name === "ringlb_replica_responses_total") {
      r.answers += s.value;
      if (s.labels.code === "5xx") r.errors += s.value;
    } else if (s.name === "ringlb_replica_response_seconds_bucket") {
      r.buckets.set(s.labels.le === "+Inf" ? Infinity : Number(s.labels.le), s.value);
    } else if (s.name === "ringlb_replica_response_seconds_sum") {
      r.sum = s.value;
    } else if (s.name === "ringlb_replica_response_seconds_count") {
      r.count = s.value;
    }
  }
  return replicas;
}

/** The q-quantile of the answers between two scrapes, interpolated within its bucket; null without answers. */
function quantile(q, now, before) {
  const bounds = [...now.buckets.keys()].sort((a, b) => a - b);
  const counts = bounds.map((le) => now.buckets.get(le) - ((before && before.buckets.get(le)) || 0));
  const total = counts[counts.length - 1];
  if (!total || total <= 0) return null;
  const rank = q * total;
  for (let i = 0; i < bounds.length; i++) {
    if (counts[i] >= rank) {
      if (bounds[i] === Infinity) return bounds[i - 1] ?? null; // past the last bucket: its bound is all we know
      const lower = i === 0 ? 0 : bounds[i - 1];
      const below = i === 0 ? 0 : counts[i - 1];
      const within = counts[i] - below;
      return within > 0 ? lower + (bounds[i] - lower) * ((rank - below) / within) : bounds[i];
    }
  }
  return null;
}

/** Rates and latencies of each replica since the previous scrape. */
function live(scrape) {
  const rates = new Map();
  const before = state.previous;
  for (const [name, now] of scrape.replicas) {
    const then = before && before.replicas.get(name);
    const seconds = before ? (scrape.at - before.at) / 1000 : 0;
    if (!then || seconds <= 0) {
      rates.set(name, null);
      continue;
    }
    const answered = now.count - then.count;
    rates.set(name, {
      rate: Math.max(0, (now.answers - then.answers) / seconds),
      errors: Math.max(0, (now.errors - then.errors) / seconds),
      mean: answered > 0 ? (now.sum - then.sum) / answered : null,
      p99: quantile(0.99, now, then),
    });
  }
  return rates;
}

// ---- drawing ----------------------------------------------------------------------------------

function colorOf(name) {
  if (!state.colors.has(name)) state.colors.set(name, PALETTE[state.colors.size % PALETTE.length]);
  return state.colors.get(name);
}

function element(name, attributes = {}, text) {
  const e = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) e.setAttribute(key, value);
  if (text !== undefined) e.textContent = text;
  return e;
}

function point(turn, radius) {
  const angle = turn * 2 * Math.PI - Math.PI / 2; // clockwise from the top
  return [radius * Math.cos(angle), radius * Math.sin(angle)];
}

/** An annulus sector from turn `from` to turn `to`; a whole turn is drawn as two halves, since an SVG arc cannot close on itself. */
function sector(from, to, outer, inner) {
  if (to - from >= 0.999999) {
    return sector(from, from + 0.5, outer, inner) + " " + sector(from + 0.5, to, outer, inner);
  }
  const large = to - from > 0.5 ? 1 : 0;
  const [x1, y1] = point(from, outer), [x2, y2] = point(to, outer);
  const [x3, y3] = point(to, inner), [x4, y4] = point(from, inner);
  return `M${x1.toFixed(2)},${y1.toFixed(2)} A${outer},${outer} 0 ${large} 1 ${x2.toFixed(2)},${y2.toFixed(2)} ` +
         `L${x3.toFixed(2)},${y3.toFixed(2)} A${inner},${inner} 0 ${large} 0 ${x4.toFixed(2)},${y4.toFixed(2)} Z`;
}

/** One group of arcs per replica in the ring, data-replica naming it. */
function drawRing(fleet) {
  const svg = document.getElementById("ring");
  svg.replaceChildren();
  const groups = new Map();
  for (const arc of fleet.arcs) {
    if (!groups.has(arc.replica)) {
      const g = element("g", { class: "arcs", "data-replica": arc.replica, fill: colorOf(arc.replica) });
      g.appendChild(element("title", {}, `${arc.replica}: ${(100 * share(fleet, arc.replica)).toFixed(1)}% of the keys`));
      groups.set(arc.replica, g);
    }
    groups.get(arc.replica).appendChild(element("path", { d: sector(arc.from, arc.to, 150, 100) }));
  }
  for (const g of groups.values()) svg.appendChild(g);
  // inside the arcs, each replica's share of the keys as one piece: the arcs' sum, easier to compare
  const shares = element("g", { class: "shares" });
  let from = 0;
  for (const replica of fleet.replicas.filter((r) => r.up && r.share > 0)) {
    const to = Math.min(1, from + replica.share);
    const piece = element("path", { d: sector(from, to, 94, 86), fill: colorOf(replica.name), "data-replica": replica.name });
    piece.appendChild(element("title", {}, `${replica.name}: ${(100 * replica.share).toFixed(1)}% of the keys`));
    shares.appendChild(piece);
    from = to;
  }
  svg.appendChild(shares);
  const ringed = fleet.replicas.filter((r) => r.up).length;
  svg.appendChild(element("text", { class: "count", y: -4 }, String(ringed)));
  svg.appendChild(element("text", { class: "label", y: 18 }, ringed === 1 ? "replica in the ring" : "replicas in the ring"));
}

function share(fleet, name) {
  const replica = fleet.replicas.find((r) => r.name === name);
  return replica ? replica.share : 0;
}

function ms(seconds) {
  if (seconds === null || seconds === undefined) return "–";
  return seconds < 0.01 ? (seconds * 1000).toFixed(2) + " ms" : (seconds * 1000).toFixed(1) + " ms";
}

function cell(row, text, numeric) {
  const td = row.insertCell();
  td.textContent = text;
  if (numeric) td.className = "num";
  return td;
}

function drawTable(fleet, rates) {
  const body = document.querySelector("#replicas tbody");
  body.replaceChildren();
  for (const replica of fleet.replicas) {
    const row = body.insertRow();
    row.dataset.replica = replica.name;
    const name = cell(row, "");
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = colorOf(replica.name);
    name.append(swatch, replica.name);
    const stateCell = cell(row, replica.up ? "up" : "down");
    stateCell.className = replica.up ? "state-up" : "state-down";
    const r = rates.get(replica.name);
    cell(row, replica.up ? String(replica.weight) : "–", true);
    cell(row, replica.points ? String(replica.points) : "–", true);
    cell(row, (100 * replica.share).toFixed(1) + "%", true);
    cell(row, r ? r.rate.toFixed(1) : "–", true);
    cell(row, r ? ms(r.mean) : "–", true);
    cell(row, r ? ms(r.p99) : "–", true);
    cell(row, String(replica.inFlight), true);
    cell(row, r ? r.errors.toFixed(1) : "–", true);
  }
}

function drawEvents(fleet) {
  const list = document.getElementById("events");
  list.replaceChildren();
  if (fleet.events.length === 0) {
    const li = document.createElement("li");
    li.textContent = "nothing yet";
    list.appendChild(li);
  }
  for (const event of fleet.events) {
    const li = document.createElement("li");
    li.dataset.kind = event.kind;
    const time = document.createElement("time");
    time.dateTime = event.at;
    time.textContent = new Date(event.at).toLocaleTimeString();
    const kind = document.createElement("span");
    kind.className = "kind kind-" + event.kind;
    kind.textContent = event.kind;
    li.append(time, kind, event.replica);
    if (event.detail) {
      const detail = document.createElement("span");
      detail.className = "detail";
      detail.textContent = event.detail;
      li.appendChild(detail);
    }
    list.appendChild(li);
  }
}

function drawRates(now) {
  const svg = document.getElementById("rates");
  svg.replaceChildren();
  const width = 600, height = 160, top = 12, bottom = 150;
  let max = 1;
  for (const points of state.history.values()) for (const p of points) max = Math.max(max, p.rate);
  const scale = niceCeiling(max);
  for (const fraction of [0, 0.5, 1]) {
    const y = bottom - (bottom - top) * fraction;
    svg.appendChild(element("line", { class: "grid", x1: 0, x2: width, y1: y, y2: y }));
    svg.appendChild(element("text", { class: "axis", x: 4, y: y - 2 }, (scale * fraction).toFixed(0)));
  }
  for (const [name, points] of state.history) {
    if (points.length < 2) continue;
    const coords = points.map((p) => {
      const x = width - ((now - p.at) / (HISTORY * POLL_MS)) * width;
      const y = bottom - (bottom - top) * (p.rate / scale);
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    });
    svg.appendChild(element("polyline", { points: coords.join(" "), stroke: colorOf(name), "data-replica": name }));
  }
}

function niceCeiling(value) {
  const magnitude = Math.pow(10, Math.floor(Math.log10(value)));
  for (const step of [1, 2, 5, 10]) if (value <= step * magnitude) return step * magnitude;
  return 10 * magnitude;
}

function remember(rates, at, fleet) {
  const kept = new Set(fleet.replicas.map((r) => r.name));
  for (const name of [...state.history.keys()]) if (!kept.has(name)) state.history.delete(name);
  for (const [name, r] of rates) {
    if (!r || !kept.has(name)) continue;
    if (!state.history.has(name)) state.history.set(name, []);
    const points = state.history.get(name);
    points.push({ at, rate: r.rate });
    while (points.length > HISTORY) points.shift();
  }
}

function summarize(fleet, rates) {
  const up = fleet.replicas.filter((r) => r.up).length;
  let total = 0;
  for (const r of rates.values()) if (r) total += r.rate;
  document.getElementById("summary").textContent =
    `${fleet.replicas.length} replicas kept, ${up} in the ring · ${total.toFixed(1)} requests/s`;
}

// ---- polling ----------------------------------------------------------------------------------

async function getJson(path) {
  const response = await fetch(path, { cache: "no-store", signal: AbortSignal.timeout(5 * POLL_MS) });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

async function poll() {
  const problem = document.getElementById("problem");
  try {
    const [fleetAnswer, metricsText] = await Promise.all([
      getJson("/fleet"),
      fetch("/metrics", { cache: "no-store", signal: AbortSignal.timeout(5 * POLL_MS) }).then((r) => (r.ok ? r.text() : "")),
    ]);
    const fleet = fleetAnswer.message;
    const scrape = { at: Date.now(), replicas: byReplica(parseMetrics(metricsText)) };
    const rates = live(scrape);
    state.previous = scrape;
    remember(rates, scrape.at, fleet);
    drawRing(fleet);
    drawTable(fleet, rates);
    drawEvents(fleet);
    drawRates(scrape.at);
    summarize(fleet, rates);
    problem.hidden = true;
    document.body.dataset.updated = String(scrape.at);
  } catch (error) {
    problem.textContent = "The balancer did not answer: " + error.message;
    problem.hidden = false;
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

// ---- changing the fleet -----------------------------------------------------------------------

function names(text) {
  return text.split(/[\s,]+/).map((s) => s.trim()).filter((s) => s.length > 0);
}

async function change(form, method, path) {
  const answer = document.getElementById("answer");
  const button = form.querySelector("button");
  const body = { n: Number(form.elements.n.value), hostnames: names(form.elements.hostnames.value) };
  const token = document.getElementById("token").value;
  sessionStorage.setItem("ringlb-token", token);
  const headers = { "Content-Type": "application/json" };
  if (token) headers.Authorization = "Bearer " + token;
  button.disabled = true;
  answer.className = "";
  answer.textContent = `${method} ${path} …`;
  try {
    const response = await fetch(path, { method, headers, body: JSON.stringify(body) });
    const json = await response.json().catch(() => ({ message: `HTTP ${response.status}`, status: "failure" }));
    if (response.ok) {
      answer.className = "success";
      answer.textContent = `${method} ${path}: N = ${json.message.N}: ${json.message.replicas.join(", ")}`;
      form.elements.hostnames.value = "";
    } else {
      answer.className = "failure";
      answer.textContent = `${method} ${path}: ${response.status} ${typeof json.message === "string" ? json.message : JSON.stringify(json.message)}`;
    }
  } catch (error) {
    answer.className = "failure";
    answer.textContent = `${method} ${path}: ${error.message}`;
  } finally {
    button.disabled = false;
  }
}

// What a change would do, asked of the API as a dry run (?dry-run=true) while the form is filled in, before it is submitted.
function percent(share) {
  return (100 * share).toFixed(1) + " %";
}

function shares(byReplica) {
  return Object.keys(byReplica).sort().map((name) => `${name} ${percent(byReplica[name])}`).join(", ");
}

function requestOf(form) {
  const token = document.getElementById("token").value;
  const headers = { "Content-Type": "application/json" };
  if (token) headers.Authorization = "Bearer " + token;
  return { headers, body: JSON.stringify({ n: Number(form.elements.n.value), hostnames: names(form.elements.hostnames.value) }) };
}

async function preview(form, method, path) {
  const out = form.querySelector(".preview");
  const { headers, body } = requestOf(form);
  try {
    const response = await fetch(path + "?dry-run=true", { method, headers, body });
    const json = await response.json().catch(() => ({ message: `HTTP ${response.status}` }));
    if (!response.ok) {
      out.className = "preview failure";
      out.textContent = `would be refused: ${typeof json.message === "string" ? json.message : response.status}`;
      return;
    }
    const plan = json.message;
    const who = plan.joining.length > 0 ? `${plan.joining.join(", ")} would join` : `${plan.leaving.join(", ")} would leave`
        + (names(form.elements.hostnames.value).length < plan.leaving.length ? " (those not named: one pick at random)" : "");
    const moves = plan.moved === 0 ? "no key would move"
        : `${percent(plan.moved)} of keys would move` + (Object.keys(plan.from).length ? `, from ${shares(plan.from)}` : "")
          + (Object.keys(plan.to).length ? ` to ${shares(plan.to)}` : "");
    out.className = "preview";
    out.textContent = `${who}: ${moves}`;
  } catch (error) {
    out.className = "preview failure";
    out.textContent = error.message;
  }
}

function previewed(form, method, path) {
  let timer = null;
  const later = () => { clearTimeout(timer); timer = setTimeout(() => preview(form, method, path), 250); };
  form.addEventListener("input", later);
  document.getElementById("token").addEventListener("input", later);
  later();
}

document.getElementById("token").value = sessionStorage.getItem("ringlb-token") || "";
document.getElementById("add-form").addEventListener("submit", (e) => { e.preventDefault(); change(e.target, "POST", "/add"); });
document.getElementById("rm-form").addEventListener("submit", (e) => { e.preventDefault(); change(e.target, "DELETE", "/rm"); });
previewed(document.getElementById("add-form"), "POST", "/add");
previewed(document.getElementById("rm-form"), "DELETE", "/rm");
poll();
