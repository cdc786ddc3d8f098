import { describe, expect, it } from 'vitest';
import { contractFor } from '../../ingest/contracts/contract-for.ts';
import { OUTBOUND_RECORD } from '../helpers/outbound-record.ts';

// The shared well-formed record, with the template field the contract also knows.
const outbound = { ...OUTBOUND_RECORD, wamid: 'wamid.OUT1', template_name: null };

describe('input contracts', () => {
  it('accepts a well-formed outbound record as it is', () => {
    expect(contractFor('outbound').check(outbound, false)).toEqual({ ok: true, record: outbound });
  });

  it('names the field and value that break the contract', () => {
    expect(contractFor('outbound').check({ ...outbound, sent_at: '2026-11-27 10:00' }, false)).toEqual({
      ok: false,
      reason: 'sent_at "2026-11-27 10:00" is not an ISO 8601 time with an offset',
    });
    expect(contractFor('outbound').check({ ...outbound, wamid: undefined }, false)).toEqual({ ok: false, reason: 'wamid is missing' });
    const bot = contractFor('outbound').check({ ...outbound, author_kind: 'bot' }, false);
    expect(bot.ok).toBe(false);
  });

  it('requires the agent on a message sent by an agent', () => {
    expect(contractFor('outbound').check({ ...outbound, agent_id: null }, false)).toEqual({
      ok: false,
      reason: 'agent_id is missing on a message by an agent',
    });
    expect(contractFor('outbound').check({ ...outbound, author_kind: 'automation', agent_id: null }, false).ok).toBe(true);
  });

  it('requires the fields each inbox event type carries', () => {
    const event = { event_id: 'e1', type: 'disposition', at: '2026-11-27T10:00:00Z', phone_number_id: 'p', wa_id: '91981' };
    expect(contractFor('inbox').check({ ...event, agent_id: 'a1' }, false)).toEqual({
      ok: false,
      reason: 'disposition, next_action missing on a disposition event',
    });
    const complete = { ...event, agent_id: 'a1', disposition: 'won', next_action: 'none' };
    expect(contractFor('inbox').check(complete, false).ok).toBe(true);
    expect(contractFor('inbox').check({ ...complete, disposition: 'maybe' }, false).ok).toBe(false);
  });

  it('reads CSV text as the contract types, empty fields as missing', () => {
    const row = { agent_id: 'a1', name: 'Asha', role: 'Sales', team: 'sales', supervisor_id: '', capacity: '30', active: 'yes' };
    expect(contractFor('roster').check(row, true)).toEqual({
      ok: true,
      record: { agent_id: 'a1', name: 'Asha', role: 'sales', team: 'sales', supervisor_id: null, capacity: 30, active: true },
    });
    expect(contractFor('roster').check({ ...row, capacity: 'thirty' }, true)).toEqual({
      ok: false,
      reason: 'capacity "thirty": expected integer',
    });
  });

  it('reads rupee amounts written the Indian way', () => {
    const deal = { deal_id: 'd1', crm_contact_id: 'c1', name: 'JEE', amount_inr: '₹1,50,000', stage: 'won', owner_agent_id: '', created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-02T00:00:00Z', closed_at: '' };
    const verdict = contractFor('crm-deals').check(deal, true);
    expect(verdict.ok && verdict.record.amount_inr).toBe(150000);
    expect(contractFor('crm-deals').check({ ...deal, amount_inr: 'ten lakh' }, true).ok).toBe(false);
  });

  it('checks only the envelope of a WhatsApp webhook body', () => {
    expect(contractFor('whatsapp').check({ object: 'page', entry: [] }, false)).toEqual({
      ok: false,
      reason: 'object is "page", not "whatsapp_business_account"',
    });
    expect(contractFor('whatsapp').check({ object: 'whatsapp_business_account', entry: [] }, false).ok).toBe(true);
  });

  it('refuses an unknown kind with the list of kinds', () => {
    expect(() => contractFor('tickets')).toThrow('unknown kind "tickets"; expected one of: whatsapp, outbound, inbox, roster, crm-contacts, crm-deals');
  });
});
