// The supervisor's live board: firing alerts and the overdue part of the queue from the API of
// `replywatch serve` (same origin), with timers that tick against this browser's clock. Alerts come
// from GET /api/alerts, then the Server-Sent Events of /api/alerts/stream read through fetch() (so the
// key can travel in the Authorization header); when the stream fails the board polls every 15 s.
import {html} from "htl";
import {api, ApiError, forgetKey, readEventStream, storedKey, storeKey} from "./api.js";
import {category, duration, inr, localTime, TIME_ZONE} from "./format.js";
import {tableStyle} from "./table-style.js";
import {actionLabel, alertKindLabel, clock, rupees, SEVERITIES, SEVERITY_STYLE} from "./labels.js";

const POLL_MS = 15_000;
const QUEUE_MS = 60_000;
/** While polling, try the stream again after this many good polls (a minute). */
const STREAM_RETRY_POLLS = 4;
const MAX_PAGES = 20;

const STYLE = `
.lb [hidden] { display: none !important; }
.lb-bar { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; justify-content: space-between; }
.lb-status { margin: 0; }
.lb-error { margin: 4px 0; color: #b71c1c; font-weight: 600; }
.lb-key { max-width: 640px; }
.lb-key form { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
.lb-key input { flex: 1 1 16em; min-width: 0; padding: 6px 8px; font: inherit; }
.lb button { font: inherit; padding: 4px 12px; cursor: pointer; }
.lb-badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 700; letter-spacing: 0.02em; text-transform: uppercase; white-space: nowrap; }
.lb-summary { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0; }
.lb-sev { border-left: solid 6px transparent; }
.lb-timer { font-variant-numeric: tabular-nums; white-space: nowrap; }
.lb-timer strong { display: block; }
.lb-late strong { color: #b71c1c; }
.lb-soon strong { color: #7a4f00; }
@media (max-width: 720px) {
  .lb-timer strong { display: inline; margin-right: 6px; }
}
`;

const secondsSince = (time, now) => Math.floor((now - Date.parse(time)) / 1000);
const timeOfDay = new Intl.DateTimeFormat("en-IN", {timeZone: TIME_ZONE, hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false});

/** "due in 3:12" before the due time, "14 min late" after it, with a ticking clock beside. */
function setTimer(element, dueMs, now) {
  const late = Math.floor((now - dueMs) / 1000);
  const [main, detail] = element.children;
  if (late < 0) {
    main.textContent = `due in ${clock(-late)}`;
    detail.textContent = `at ${localTime(new Date(dueMs))}`;
    element.className = late > -600 ? "lb-timer lb-soon" : "lb-timer";
  } else {
    main.textContent = `${duration(late)} late`;
    detail.textContent = `+${clock(late)}`;
    element.className = "lb-timer lb-late";
  }
}

function badge(severity) {
  const style = SEVERITY_STYLE[severity] ?? {background: "#616161", color: "#ffffff"};
  return html`<span class="lb-badge" style=${style}>${severity}</span>`;
}

/**
 * The board as one element. agents: rows of the `agents` dataset (for names); invalidation: the
 * cell's invalidation promise, which stops every timer and request.
 */
export function liveBoard({agents = [], invalidation} = {}) {
  const names = new Map(agents.map((agent) => [agent.agent_id, agent.agent_name]));
  const who = (id) => (id == null ? "—" : names.get(id) ?? id);

  const state = {key: storedKey(), alerts: new Map(), queue: null, mode: "starting", updatedAt: null, stopped: false};
  let session = null;
  let pollTimer = null;
  let queueTimer = null;
  let goodPolls = 0;
  let renderPending = false;
  let timers = [];

  // ---- the page's parts ----
  // The mode is announced to screen readers; the time of the last update (which changes with every event) is not.
  const modeText = html`<span role="status">Connecting to the API…</span>`;
  const updatedText = html`<span></span>`;
  const statusLine = html`<p class="lb-status">${modeText}${updatedText}</p>`;
  const errorLine = html`<p class="lb-error" role="alert" hidden></p>`;
  const forgetButton = html`<button type="button" hidden>Forget key</button>`;
  const keyInput = html`<input type="password" name="api-key" autocomplete="off" spellcheck="false" placeholder="rw_…" aria-label="API key">`;
  const keyMessage = html`<p></p>`;
  const keyForm = html`<div class="card lb-key" hidden>
    <h2>API key</h2>
    ${keyMessage}
    <form>${keyInput}<button type="submit">Use this key</button></form>
    <p class="rw-sub">Kept in this browser only (localStorage <code>replywatch.apiKey</code>) until you press “Forget key”. Create one with <code>replywatch keys create --role supervisor --team &lt;team&gt;</code>.</p>
  </div>`;
  const unavailable = html`<div class="card" hidden>
    <h2>The live board needs replywatch serve</h2>
    <p>This page reads alerts from the replywatch API as they happen, and no API answered here. Open it from the server started by <code>replywatch serve</code> (the same address as <code>/api</code>); the other pages work from any static copy.</p>
  </div>`;
  const alertsSection = html`<section class="card" hidden></section>`;
  const queueSection = html`<section class="card" hidden></section>`;
  const bar = html`<div class="lb-bar" hidden>${statusLine}${forgetButton}</div>`;
  const style = document.createElement("style");
  style.textContent = STYLE;
  const root = html`<div class="lb">${style}${tableStyle()}${unavailable}${keyForm}${bar}${errorLine}${alertsSection}${queueSection}</div>`;

  // One line for what went wrong, by source (alerts, queue, stream, ack): a success clears its own.
  const errors = new Map();
  const showErrors = () => {
    const text = [...errors.values()].at(-1) ?? "";
    errorLine.textContent = text;
    errorLine.hidden = !text;
  };
  const setError = (source, text) => {
    errors.delete(source);
    errors.set(source, text);
    showErrors();
  };
  const clearError = (source) => {
    if (source === undefined) errors.clear();
    else errors.delete(source);
    showErrors();
  };

  function updateStatus() {
    const mode = state.mode === "stream" ? "● Live: changes stream in as they happen."
      : state.mode === "poll" ? "Updating every 15 s (the live stream is unavailable)."
      : "Loading alerts…";
    if (modeText.textContent !== mode) modeText.textContent = mode;
    updatedText.textContent = state.updatedAt ? ` Last update ${timeOfDay.format(state.updatedAt)} (IST).` : "";
  }

  function showUnavailable() {
    stopSession();
    unavailable.hidden = false;
    keyForm.hidden = bar.hidden = true;
    clearError();
  }

  function askForKey(message, {focus = false} = {}) {
    stopSession();
    state.alerts.clear();
    state.queue = null;
    state.updatedAt = null;
    state.mode = "starting";
    keyMessage.textContent = message;
    keyForm.hidden = false;
    bar.hidden = true;
    clearError();
    render();
    if (focus) keyInput.focus();
  }

  keyForm.querySelector("form").addEventListener("submit", (event) => {
    event.preventDefault();
    const key = keyInput.value.trim();
    if (!key) {
      keyMessage.textContent = "Type or paste the key first.";
      return;
    }
    keyInput.value = "";
    storeKey(key);
    state.key = key;
    connect();
  });

  forgetButton.addEventListener("click", () => {
    forgetKey();
    state.key = null;
    askForKey("Key forgotten. Enter a key to see the board again.");
  });

  // ---- requests ----
  function stopSession() {
    session?.abort();
    session = null;
    clearInterval(pollTimer);
    clearInterval(queueTimer);
    pollTimer = queueTimer = null;
  }

  /** One place decides what a failure means for the supervisor. */
  function failed(error, source) {
    if (state.stopped || error?.name === "AbortError") return;
    if (error instanceof ApiError && error.kind === "unauthorized") {
      forgetKey();
      state.key = null;
      askForKey("The API did not accept that key (401): it is mistyped, revoked or for another server. Enter a valid key.", {focus: true});
    } else if (error instanceof ApiError && error.kind === "forbidden") {
      setError(source, `Not allowed with this key (403): ${error.message}`);
    } else if (error instanceof ApiError && error.kind === "unreachable") {
      setError(source, `Cannot reach the API (${error.message}); it will be tried again shortly.`);
    } else if (error instanceof ApiError) {
      setError(source, `The API answered ${error.status}: ${error.message}`);
    } else {
      setError(source, `Something went wrong: ${error?.message ?? error}`);
    }
  }

  async function fetchAll(path, field, signal) {
    const items = [];
    let cursor = null;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const body = await api(`${path}?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, {key: state.key, signal});
      items.push(...body[field]);
      cursor = body.next_cursor;
      if (!cursor) break;
    }
    return items;
  }

  function applySnapshot(alerts) {
    state.alerts = new Map(alerts.map((alert) => [alert.id, alert]));
    state.updatedAt = new Date();
    scheduleRender();
  }

  async function refreshQueue(signal) {
    try {
      const items = await fetchAll("/api/queue", "items", signal);
      if (signal.aborted) return;
      state.queue = items.filter((item) => item.seconds_late != null && item.seconds_late > 0);
      clearError("queue");
      scheduleRender();
    } catch (error) {
      failed(error, "queue");
    }
  }

  async function poll(controller) {
    try {
      const alerts = await fetchAll("/api/alerts", "alerts", controller.signal);
      if (controller.signal.aborted) return;
      applySnapshot(alerts);
      clearError("alerts");
      goodPolls += 1;
      if (state.mode === "poll" && goodPolls % STREAM_RETRY_POLLS === 0) openStream(controller);
    } catch (error) {
      failed(error, "alerts");
    }
  }

  function startPolling(controller) {
    if (controller.signal.aborted || pollTimer) return;
    state.mode = "poll";
    updateStatus();
    pollTimer = setInterval(() => poll(controller), POLL_MS);
  }

  async function openStream(controller) {
    const {signal} = controller;
    let response;
    try {
      response = await fetch("/api/alerts/stream", {headers: {authorization: `Bearer ${state.key}`, accept: "text/event-stream"}, signal, cache: "no-store"});
    } catch (error) {
      if (!signal.aborted) startPolling(controller);
      return;
    }
    if (response.status === 401) {
      response.body?.cancel().catch(() => {});
      return failed(new ApiError("unauthorized", 401, "the API key was not accepted"), "stream");
    }
    if (!response.ok || !response.body || !(response.headers.get("content-type") ?? "").includes("text/event-stream")) {
      response.body?.cancel().catch(() => {});
      if (response.status === 403) setError("stream", "Not allowed with this key (403): the alert stream is not in its scope.");
      return startPolling(controller);
    }
    clearInterval(pollTimer);
    pollTimer = null;
    state.mode = "stream";
    updateStatus();
    try {
      await readEventStream(response, (event, data) => {
        const body = JSON.parse(data);
        if (event === "snapshot") {
          applySnapshot(body.alerts);
          clearError("alerts");
          clearError("stream");
        } else if (event === "alert" && body.alert) {
          if (body.type === "resolved") state.alerts.delete(body.alert.id);
          else state.alerts.set(body.alert.id, body.alert);
          state.updatedAt = new Date();
          scheduleRender();
        }
      });
    } catch (error) {
      if (signal.aborted) return;
    }
    // The stream ended (the server restarted or a proxy cut it): poll until it can be opened again.
    if (!signal.aborted) {
      setError("stream", "The live stream stopped; updating every 15 s instead.");
      startPolling(controller);
    }
  }

  async function connect() {
    stopSession();
    const controller = (session = new AbortController());
    keyForm.hidden = true;
    unavailable.hidden = true;
    bar.hidden = false;
    forgetButton.hidden = false;
    clearError();
    state.mode = "starting";
    updateStatus();
    queueTimer = setInterval(() => refreshQueue(controller.signal), QUEUE_MS);
    refreshQueue(controller.signal);
    try {
      applySnapshot(await fetchAll("/api/alerts", "alerts", controller.signal));
    } catch (error) {
      failed(error, "alerts");
      if (!controller.signal.aborted && state.key) startPolling(controller);
      return;
    }
    if (!controller.signal.aborted) openStream(controller);
  }

  async function acknowledge(alert, button) {
    button.disabled = true;
    button.textContent = "Acknowledging…";
    try {
      const updated = await api(`/api/alerts/${encodeURIComponent(alert.id)}/ack`, {method: "POST", key: state.key, signal: session?.signal});
      state.alerts.set(updated.id, updated);
      clearError("ack");
      scheduleRender();
    } catch (error) {
      if (error instanceof ApiError && error.kind === "not_found") {
        state.alerts.delete(alert.id);
        setError("ack", `The alert for ${alert.contact?.name ?? "that contact"} is no longer firing.`);
        scheduleRender();
        return;
      }
      button.disabled = false;
      button.textContent = "Acknowledge";
      failed(error, "ack");
    }
  }

  // ---- rendering ----
  function scheduleRender() {
    if (renderPending) return;
    renderPending = true;
    queueMicrotask(() => {
      renderPending = false;
      if (!state.stopped) render();
    });
  }

  function timer(dueAt) {
    const element = html`<span class="lb-timer"><strong></strong><span class="rw-sub"></span></span>`;
    const dueMs = Date.parse(dueAt);
    if (Number.isFinite(dueMs)) {
      timers.push({element, dueMs});
      setTimer(element, dueMs, Date.now());
    }
    return element;
  }

  function statusCell(alert) {
    if (alert.status === "acknowledged") {
      return html`<span>Acknowledged</span><div class="rw-sub">by ${who(alert.acknowledged_by)}${alert.acknowledged_at ? `, ${localTime(new Date(alert.acknowledged_at))}` : ""}</div>`;
    }
    const button = html`<button type="button">Acknowledge</button>`;
    button.addEventListener("click", () => acknowledge(alert, button));
    const note = alert.status === "snoozed" ? `Snoozed until ${localTime(new Date(alert.snoozed_until))}`
      : alert.status === "silenced" ? `Silenced${alert.silenced_by ? ` (${alert.silenced_by})` : ""}`
      : "Firing";
    return html`<span>${note}</span><div>${button}</div>`;
  }

  function renderAlerts() {
    const alerts = [...state.alerts.values()].sort(
      (a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || Date.parse(a.due_at) - Date.parse(b.due_at) || a.id.localeCompare(b.id)
    );
    const now = Date.now();
    const counts = SEVERITIES.map((severity) => [severity, alerts.filter((alert) => alert.severity === severity).length]);
    const late = alerts.filter((alert) => Date.parse(alert.due_at) <= now);
    const unacknowledged = alerts.filter((alert) => alert.status !== "acknowledged").length;
    const oldest = late.reduce((max, alert) => Math.max(max, secondsSince(alert.due_at, now)), 0);
    const title = alerts.length === 0
      ? "No alerts are firing: every reply you can see is on time"
      : `${alerts.length} alert${alerts.length === 1 ? "" : "s"} firing, ${unacknowledged} not yet acknowledged${late.length ? `; ${late.length} past due, the oldest ${duration(oldest)} late` : ""}: act from the top`;
    alertsSection.replaceChildren(
      html`<h2>${title}</h2>`,
      html`<div class="lb-summary">${counts.map(([severity, n]) => html`<span>${badge(severity)} ${n}</span>`)}</div>`,
      alerts.length === 0 ? html`<p class="muted">Nothing to chase right now.</p>` : html`<div class="rw-scroll"><table class="rw-table">
        <thead><tr><th>Severity</th><th>Due</th><th>Contact</th><th>What happened and what to do</th><th>People</th><th>Status</th></tr></thead>
        <tbody>${alerts.map((alert) => html`<tr data-alert-id=${alert.id}>
          <td class="lb-sev" style=${{borderLeftColor: SEVERITY_STYLE[alert.severity]?.background ?? "transparent"}} data-label="Severity">${badge(alert.severity)}</td>
          <td data-label="Due">${timer(alert.due_at)}</td>
          <td data-label="Contact"><strong>${alert.contact?.name ?? alert.contact?.wa_id ?? "Unknown contact"}</strong>
            <div class="rw-sub">${category(alert.triage_category)} · ${alertKindLabel(alert.kind)}</div></td>
          <td class="rw-reason" data-label="Reason">${alert.reason}
            <div><strong>${actionLabel(alert.action)}</strong>${alert.requires_template ? html` <span class="rw-tag" title="WhatsApp's 24-hour window is closed: only an approved template can be sent">template needed</span>` : ""}${rupees(alert.deal_value_inr) ? html` <span class="rw-sub">${inr(rupees(alert.deal_value_inr))} at stake</span>` : ""}</div></td>
          <td data-label="People"><div>Acts: ${who(alert.assignee_agent_id)}</div><div class="rw-sub">Supervisor: ${who(alert.supervisor_agent_id)}</div></td>
          <td data-label="Status">${statusCell(alert)}</td>
        </tr>`)}</tbody>
      </table></div>`
    );
  }

  function renderQueue() {
    if (state.queue === null) {
      queueSection.replaceChildren();
      return;
    }
    const items = state.queue;
    const atStake = items.reduce((sum, item) => sum + (rupees(item.deal_value_inr) ?? 0), 0);
    const title = items.length === 0
      ? "Nothing in the queue is overdue"
      : `${items.length} queue item${items.length === 1 ? " is" : "s are"} overdue${atStake ? `, ${inr(atStake)} at stake` : ""}: work them in this order`;
    queueSection.replaceChildren(
      html`<h2>${title}</h2>`,
      html`<p class="rw-sub">From <code>/api/queue</code> (the last build's next actions, lateness counted now); refreshed every minute.</p>`,
      items.length === 0 ? html`<p class="muted">Every queued action is still within its time.</p>` : html`<div class="rw-scroll"><table class="rw-table">
        <thead><tr><th>#</th><th>Contact</th><th>Action</th><th>Who acts</th><th>Late</th><th>At stake</th><th>Why</th></tr></thead>
        <tbody>${items.map((item) => html`<tr>
          <td data-label="Rank">${item.priority_rank}</td>
          <td data-label="Contact"><strong>${item.contact_name ?? item.contact_wa_id ?? "Unknown contact"}</strong><div class="rw-sub">${category(item.triage_category)}</div></td>
          <td data-label="Action">${actionLabel(item.action)}${item.requires_template ? html` <span class="rw-tag">template needed</span>` : ""}</td>
          <td data-label="Who acts">${who(item.assignee_agent_id)}</td>
          <td data-label="Late">${timer(item.due_at)}</td>
          <td data-label="At stake" class="rw-nowrap">${inr(rupees(item.deal_value_inr))}</td>
          <td class="rw-reason" data-label="Why">${item.reason}</td>
        </tr>`)}</tbody>
      </table></div>`
    );
  }

  function render() {
    timers = [];
    // Nothing is shown until the first answer for the current key.
    if (state.key && state.updatedAt) renderAlerts();
    else alertsSection.replaceChildren();
    renderQueue();
    alertsSection.hidden = !alertsSection.hasChildNodes();
    queueSection.hidden = !queueSection.hasChildNodes();
    updateStatus();
  }

  const ticker = setInterval(() => {
    const now = Date.now();
    for (const {element, dueMs} of timers) setTimer(element, dueMs, now);
  }, 1000);

  async function start() {
    if (globalThis.location?.protocol === "file:") return showUnavailable();
    const probe = (session = new AbortController());
    let alive = false;
    try {
      alive = (await api("/healthz", {signal: probe.signal}))?.ok === true;
    } catch (error) {
      if (error?.name === "AbortError") return;
    }
    if (state.stopped) return;
    if (!alive) return showUnavailable();
    if (!state.key) return askForKey("Enter an API key to see the alerts you are allowed to see.");
    connect();
  }

  invalidation?.then(() => {
    state.stopped = true;
    clearInterval(ticker);
    stopSession();
  });
  start().catch((error) => setError("page", `Something went wrong: ${error?.message ?? error}`));
  return root;
}
