// Formats the business reads: rupees in lakh and crore, waits in minutes and hours, times in the
// business's zone (Asia/Kolkata unless the build says otherwise).
export const TIME_ZONE = "Asia/Kolkata";

const indian = new Intl.NumberFormat("en-IN", {maximumFractionDigits: 0});

/** ₹4,50,000 → "₹4.5 lakh"; ₹2,30,00,000 → "₹2.3 crore"; smaller amounts in Indian grouping. */
export function inr(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  const amount = Number(value);
  if (Math.abs(amount) >= 1e7) return `₹${trim(amount / 1e7)} crore`;
  if (Math.abs(amount) >= 1e5) return `₹${trim(amount / 1e5)} lakh`;
  return `₹${indian.format(amount)}`;
}

const trim = (number) => (Math.round(number * 10) / 10).toString();

/** Seconds as a wait a person reads: "45 s", "12 min", "3.5 h", "2 days". */
export function duration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return "—";
  const s = Math.abs(Number(seconds));
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 86400 * 2) return `${trim(s / 3600)} h`;
  return `${trim(s / 86400)} days`;
}

export function percent(rate) {
  return rate === null || rate === undefined || Number.isNaN(rate) ? "—" : `${Math.round(rate * 100)}%`;
}

export function count(value) {
  return value === null || value === undefined ? "—" : indian.format(value);
}

/** A local date-time in the business's zone: "Fri 27 Nov, 11:02". */
export function localTime(date, timeZone = TIME_ZONE) {
  if (!date) return "—";
  return new Intl.DateTimeFormat("en-IN", {timeZone, weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hour12: false}).format(date);
}

/** A week by its Monday: "23 Nov". */
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
export function week(date) {
  return date ? `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]}` : "—";
}

export const CATEGORY_LABELS = {
  high_intent_return: "High-intent return",
  fresh_high_intent: "Fresh high intent",
  information_request: "Information request",
  passive_engagement: "Passive engagement",
  all: "All inquiries"
};
export const CATEGORIES = ["high_intent_return", "fresh_high_intent", "information_request", "passive_engagement"];
export const category = (name) => CATEGORY_LABELS[name] ?? name;
