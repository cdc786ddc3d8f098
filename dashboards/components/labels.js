// Words for the codes the marts and the API use: actions, alert kinds and severities, and
// wall-clock timers for the live board.

export const ACTION_LABELS = {
  reply_now: "Reply now",
  escalate: "Escalate",
  reassign: "Reassign",
  acknowledge_handoff: "Acknowledge handoff",
  follow_up: "Follow up",
  re_engage: "Re-engage",
  record_disposition: "Record disposition",
  close_dormant: "Close dormant"
};
export const ACTIONS = Object.keys(ACTION_LABELS);
export const actionLabel = (name) => (name == null ? "—" : ACTION_LABELS[name] ?? name.replaceAll("_", " "));

export const ALERT_KIND_LABELS = {
  first_response_at_risk: "First response at risk",
  first_response_breach: "First response late",
  next_response_breach: "Next response late",
  follow_up_overdue: "Follow-up overdue",
  re_engagement_due: "Re-engagement due",
  next_action_overdue: "Next action overdue",
  handoff_unacknowledged: "Handoff not acknowledged",
  escalation_unhandled: "Escalation not handled",
  unassigned_waiting: "Waiting unassigned",
  missing_disposition: "No disposition"
};
export const alertKindLabel = (name) => ALERT_KIND_LABELS[name] ?? String(name ?? "—").replaceAll("_", " ");

/** Most severe first. Colours pass WCAG AA with their text colour; the label is always written too. */
export const SEVERITIES = ["critical", "warning", "info"];
export const SEVERITY_STYLE = {
  critical: {background: "#b71c1c", color: "#ffffff"},
  warning: {background: "#f9a825", color: "#1a1a1a"},
  info: {background: "#1565c0", color: "#ffffff"}
};

const pad = (n) => String(n).padStart(2, "0");

/** Seconds as a ticking clock: "3:12", "1:03:12", "2 d 03:12:00". */
export function clock(seconds) {
  const s = Math.max(0, Math.floor(Math.abs(seconds)));
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  if (days > 0) return `${days} d ${pad(hours)}:${pad(minutes)}:${pad(rest)}`;
  if (hours > 0) return `${hours}:${pad(minutes)}:${pad(rest)}`;
  return `${minutes}:${pad(rest)}`;
}

/** Deal value from the marts (a decimal may arrive as text) as a number, or null. */
export function rupees(value) {
  if (value === null || value === undefined || value === "") return null;
  const number = Number(value);
  return Number.isFinite(number) ? number : null;
}
