import type { RecordContract } from './record-contract.ts';

/**
 * A WhatsApp Cloud API webhook body, kept verbatim. Only the envelope is checked here; the body is
 * flattened at load time, where a bad message or status is quarantined on its own and the rest of
 * the body still loads.
 */
export const whatsappContract: RecordContract = {
  kind: 'whatsapp',
  formats: ['ndjson'],
  requiredColumns: [],
  check(value) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return { ok: false, reason: 'webhook body is not a JSON object' };
    }
    const body = value as Record<string, unknown>;
    if (body.object !== 'whatsapp_business_account') {
      return { ok: false, reason: `object is ${JSON.stringify(body.object)}, not "whatsapp_business_account"` };
    }
    if (!Array.isArray(body.entry)) return { ok: false, reason: 'entry is not a list' };
    return { ok: true, record: body };
  },
};
