import type { Alert } from '../../../api/alerts/alert.ts';

let sequence = 0;

/** A firing first-response breach for supervisor "priya", 30 minutes late; override what the case needs. */
export function makeAlert(overrides: Partial<Alert> = {}): Alert {
  sequence += 1;
  const inquiryId = overrides.inquiryId ?? `inq-${sequence}`;
  return {
    id: `alert-${sequence}`,
    kind: 'first_response_breach',
    severity: 'critical',
    status: 'firing',
    inquiryId,
    obligationId: `obl-${sequence}`,
    triageCategory: 'new_lead',
    contact: { id: `contact-${sequence}`, waId: '919811112222', name: `Customer ${sequence}` },
    ownerAgentId: 'agent-ravi',
    assigneeAgentId: null,
    team: 'sales',
    supervisorAgentId: 'priya',
    firesAt: '2026-11-27T06:00:00Z',
    // 30 minutes late at the harness's START (06:30 UTC).
    dueAt: '2026-11-27T06:00:00Z',
    dealValueInr: null,
    action: 'Reply with the price list',
    reason: 'No reply 30 minutes after the first message',
    requiresTemplate: false,
    acknowledgedBy: null,
    acknowledgedAt: null,
    snoozedUntil: null,
    silencedBy: null,
    links: { context: `/api/inquiries/${inquiryId}/context`, queue: '/api/queue' },
    ...overrides,
  };
}
