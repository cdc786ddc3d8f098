import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataPaths, type DataPaths } from '../../lib/data-paths.ts';
import { landFile } from '../../ingest/landing/land-file.ts';
import { loadPendingSegments } from '../../ingest/load-raw.ts';
import { queryFile } from '../helpers/read-db.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'whatsapp');

describe('WhatsApp webhook bodies flattened into raw tables', () => {
  let paths: DataPaths;
  const rows = (sql: string) => queryFile(paths.raw, sql);

  beforeAll(async () => {
    paths = dataPaths(tempDir());
    for (const fixture of ['every-message-type', 'statuses-out-of-order', 'value-level-error', 'batch-with-bad-updates']) {
      await landFile(paths, 'whatsapp', join(FIXTURES, `${fixture}.ndjson`));
    }
    await loadPendingSegments(paths);
  });

  it('keeps every message type, each with the fields of its type', async () => {
    const messages = await rows('select wamid, message_type from raw_whatsapp_messages order by wamid');
    expect(messages.map((message) => message.message_type).sort()).toEqual(
      [
        'audio', 'button', 'document', 'edit', 'image', 'interactive', 'interactive', 'location', 'order', 'reaction',
        'revoke', 'sticker', 'system', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'unsupported',
      ].sort(),
    );
    const [image] = await rows("select caption, media_id, media_mime_type from raw_whatsapp_messages where wamid = 'wamid.IMAGE1'");
    expect(image).toEqual({ caption: 'this one', media_id: '55501', media_mime_type: 'image/jpeg' });
    const [list] = await rows("select reply_id, reply_title, context_message_id from raw_whatsapp_messages where wamid = 'wamid.LISTREPLY1'");
    expect(list).toEqual({ reply_id: 'neet', reply_title: 'NEET', context_message_id: 'wamid.OUT1' });
    const [tap] = await rows("select reply_id, reply_title, context_message_id from raw_whatsapp_messages where wamid = 'wamid.TEMPLATEBUTTON1'");
    expect(tap).toEqual({ reply_id: 'INTERESTED', reply_title: 'Interested', context_message_id: 'wamid.CAMPAIGN1' });
    const [voice] = await rows("select is_voice from raw_whatsapp_messages where wamid = 'wamid.VOICE1'");
    expect(voice?.is_voice).toBe(true);
    const [unsupported] = await rows("select error_code, error_title from raw_whatsapp_messages where wamid = 'wamid.UNSUPPORTED1'");
    expect(unsupported).toEqual({ error_code: 131051, error_title: 'Message type unknown' });
    const [edit] = await rows("select edited_message_id from raw_whatsapp_messages where wamid = 'wamid.EDIT1'");
    expect(edit?.edited_message_id).toBe('wamid.TEXT1');
  });

  it('keeps context, forwarding, catalog products and click-to-WhatsApp referrals', async () => {
    const [ad] = await rows(
      "select referral_source_type, referral_source_id, referral_headline, referral_ctwa_clid from raw_whatsapp_messages where wamid = 'wamid.ADCLICK1'",
    );
    expect(ad).toEqual({ referral_source_type: 'ad', referral_source_id: '120200001', referral_headline: 'JEE 2027', referral_ctwa_clid: 'ARAclick1' });
    const [forwarded] = await rows("select is_forwarded from raw_whatsapp_messages where wamid = 'wamid.FORWARDED1'");
    expect(forwarded?.is_forwarded).toBe(true);
    const [product] = await rows(
      "select referred_product_catalog_id, referred_product_retailer_id from raw_whatsapp_messages where wamid = 'wamid.PRODUCT1'",
    );
    expect(product).toEqual({ referred_product_catalog_id: 'cat1', referred_product_retailer_id: 'neet_repeater' });
  });

  it('turns Unix-second timestamps into instants, and the landing_id of its webhook finds the verbatim body', async () => {
    const [text] = await rows(`
      select epoch(sent_at) as seconds, landing_id from raw_whatsapp_messages join raw_whatsapp_webhooks using (webhook_id)
      where wamid = 'wamid.TEXT1'`);
    expect(text?.seconds).toBe(1751400000);
    // The query the README gives analysts: landing_id is whatsapp/<segment>#<seq>.
    const [segment, seq] = String(text?.landing_id).split('#');
    const [landed] = await rows(
      `select record from read_json('${join(paths.landing, segment!)}', columns = {seq: 'BIGINT', record: 'JSON'}) where seq = ${Number(seq)}`,
    );
    const body = JSON.parse(String(landed?.record)) as { entry: Array<{ changes: Array<{ value: { messages?: Array<{ id: string; text?: unknown }> } }> }> };
    const messages = body.entry.flatMap((entry) => entry.changes.flatMap((change) => change.value.messages ?? []));
    expect(messages.find((message) => message.id === 'wamid.TEXT1')?.text).toEqual({ body: 'Price for the JEE 2 year course?' });
  });

  it('keeps a contact known only by username and business-scoped id', async () => {
    const [bsuid] = await rows("select from_wa_id, from_user_id from raw_whatsapp_messages where wamid = 'wamid.BSUID1'");
    expect(bsuid).toEqual({ from_wa_id: null, from_user_id: 'IN.1234567890' });
    const contacts = await rows("select wa_id, user_id, username, profile_name from raw_whatsapp_contacts where user_id = 'IN.1234567890'");
    expect(contacts).toEqual([{ wa_id: null, user_id: 'IN.1234567890', username: 'meera.k', profile_name: 'Username Only' }]);
  });

  it('keeps one row per status, whatever the order or the retries', async () => {
    const statuses = await rows("select status, epoch(status_at) as seconds from raw_whatsapp_statuses where wamid = 'wamid.OUT1' order by seconds");
    expect(statuses).toEqual([
      { status: 'sent', seconds: 1751400060 },
      { status: 'delivered', seconds: 1751400070 },
      { status: 'read', seconds: 1751400090 },
    ]);
    const [sent] = await rows(
      "select pricing_model, pricing_type, pricing_category, conversation_id, conversation_origin_type from raw_whatsapp_statuses where wamid = 'wamid.OUT1' and status = 'sent'",
    );
    expect(sent).toEqual({ pricing_model: 'PMP', pricing_type: 'free_customer_service', pricing_category: 'service', conversation_id: 'conv1', conversation_origin_type: 'service' });
    const [failed] = await rows("select error_code, error_details from raw_whatsapp_statuses where wamid = 'wamid.OUT0'");
    expect(failed?.error_code).toBe(131047);
    expect(String(failed?.error_details)).toContain('24 hours');
  });

  it('keeps errors sent at webhook level', async () => {
    expect(await rows('select error_code, error_title from raw_whatsapp_errors')).toEqual([{ error_code: 130429, error_title: 'Rate limit hit' }]);
  });

  it('quarantines a bad update in a batch and loads the rest of the batch', async () => {
    const good = await rows("select wamid from raw_whatsapp_messages where wamid in ('wamid.GOOD1', 'wamid.GOOD2') order by wamid");
    expect(good.map((row) => row.wamid)).toEqual(['wamid.GOOD1', 'wamid.GOOD2']);
    const reasons = (await rows("select reason from raw_quarantine where kind = 'whatsapp' order by reason")).map((row) => row.reason);
    expect(reasons).toEqual([
      'message wamid.BADTIME1 timestamp "yesterday" is not Unix seconds',
      'message without an id',
      'status without a message id',
    ]);
  });

  it('keeps each distinct body once, verbatim', async () => {
    // 17 + 6 (one retried) + 1 + 1 lines; the retry is the same body.
    expect(await rows('select count(*) as n from raw_whatsapp_webhooks')).toEqual([{ n: 24 }]);
  });
});
