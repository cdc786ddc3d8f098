import { scanJson } from '../json-scan.ts';
import type { RecordContract } from './record-contract.ts';

const MEMBERS = [Buffer.from('object'), Buffer.from('entry')];
const ACCOUNT = Buffer.from('"whatsapp_business_account"');
const starts = new Int32Array(MEMBERS.length);

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
  // The same envelope as check(), read off the bytes: most of a body is messages landing keeps as is.
  acceptsVerbatim(bytes) {
    const chars = scanJson(bytes, MEMBERS, starts);
    if (chars < 0) return undefined;
    const object = starts[0] as number;
    const entry = starts[1] as number;
    const isAccount = object >= 0 && object + ACCOUNT.length <= bytes.length && ACCOUNT.compare(bytes, object, object + ACCOUNT.length) === 0;
    return isAccount && entry >= 0 && bytes[entry] === 0x5b ? chars : undefined;
  },
};
