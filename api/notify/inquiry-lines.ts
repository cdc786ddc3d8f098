import type { AlertKind, Severity } from '../alerts/alert.ts';
import type { AlertSummary } from './notification-types.ts';

/** One inquiry's alerts as one line of a notification: a supervisor acts on inquiries, not on alerts. */
export interface InquiryLine {
  inquiryId: string;
  contact: string;
  kinds: AlertKind[];
  severity: Severity;
  /** The latest of its alerts. */
  secondsLate: number;
  reasons: string[];
  action: string | null;
  link: string;
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

/** Lines most severe first, then latest first. */
export function inquiryLines(summaries: AlertSummary[]): InquiryLine[] {
  const lines = new Map<string, InquiryLine>();
  for (const summary of summaries) {
    const line = lines.get(summary.inquiry_id);
    if (!line) {
      lines.set(summary.inquiry_id, {
        inquiryId: summary.inquiry_id,
        contact: contactLabel(summary.contact),
        kinds: [summary.kind],
        severity: summary.severity,
        secondsLate: summary.seconds_late,
        reasons: [summary.reason],
        action: summary.action,
        link: summary.link,
      });
      continue;
    }
    if (!line.kinds.includes(summary.kind)) line.kinds.push(summary.kind);
    if (!line.reasons.includes(summary.reason)) line.reasons.push(summary.reason);
    if (SEVERITY_RANK[summary.severity] < SEVERITY_RANK[line.severity]) line.severity = summary.severity;
    line.secondsLate = Math.max(line.secondsLate, summary.seconds_late);
    line.action ??= summary.action;
  }
  return [...lines.values()].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || b.secondsLate - a.secondsLate);
}

export function kindLabel(kind: AlertKind): string {
  return kind.replaceAll('_', ' ');
}

/** "2h 5m late", "40s late"; "due in 5m" for an alert not yet due. */
export function lateness(seconds: number): string {
  return seconds < 0 ? `due in ${duration(-seconds)}` : `${duration(seconds)} late`;
}

function duration(totalSeconds: number): string {
  const seconds = Math.round(totalSeconds);
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  const [big, bigUnit, small, smallUnit] =
    seconds < 86_400 ? [Math.floor(seconds / 3600), 'h', Math.floor((seconds % 3600) / 60), 'm'] : [Math.floor(seconds / 86_400), 'd', Math.floor((seconds % 86_400) / 3600), 'h'];
  return small === 0 ? `${big}${bigUnit}` : `${big}${bigUnit} ${small}${smallUnit}`;
}

function contactLabel(contact: AlertSummary['contact']): string {
  if (contact.name?.trim()) return contact.name.trim();
  return contact.wa_id ? `+${contact.wa_id}` : contact.id;
}
