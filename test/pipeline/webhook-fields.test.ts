import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataPaths, type DataPaths } from '../../lib/data-paths.ts';
import { queryFile } from '../helpers/read-db.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'whatsapp', 'echoes-history-and-usernames.ndjson');

describe('Business-app echoes, the history sync and username-only contacts, through the models', () => {
  let paths: DataPaths;
  const warehouse = (sql: string) => queryFile(paths.warehouse, sql);

  beforeAll(async () => {
    paths = dataPaths(tempDir());
    const ingest = await runCli(['--data', paths.root, 'ingest', 'whatsapp', FIXTURE]);
    expect(ingest.code, ingest.stderr).toBe(0);
    const build = await runCli(['--data', paths.root, 'build', '--as-of', '2025-07-03T00:00:00Z']);
    expect(build.code, build.stderr).toBe(0);
  });

  it('counts a reply typed in the WhatsApp Business app as a human response, attributed to the app', async () => {
    expect(await warehouse("select first_response_seconds, first_response_agent_id from fct_inquiries where contact_id = '919811112222'")).toEqual([
      { first_response_seconds: 300, first_response_agent_id: 'business_app' },
    ]);
    expect(await warehouse("select agent_name from dim_agents where agent_id = 'business_app'")).toEqual([{ agent_name: 'WhatsApp Business app' }]);
  });

  it('loads the history sync as history, in message order whatever the chunk order', async () => {
    const [inquiry] = await warehouse("select is_history, inbound_message_count, first_response_seconds from fct_inquiries where contact_id = '919844445555'");
    expect(inquiry).toEqual({ is_history: true, inbound_message_count: 1, first_response_seconds: 600 });
    expect(await queryFile(paths.raw, "select wamid, direction, history_chunk_order, history_status from raw_whatsapp_messages where change_field = 'history' order by wamid")).toEqual([
      { wamid: 'wamid.HIST1', direction: 'inbound', history_chunk_order: 1, history_status: 'READ' },
      { wamid: 'wamid.HIST2', direction: 'outbound', history_chunk_order: 2, history_status: 'READ' },
    ]);
  });

  it('keeps a contact who first wrote without a WhatsApp id as one contact', async () => {
    expect(await warehouse("select contact_id, contact_wa_id, contact_user_id, username, inbound_message_count from dim_contacts where contact_user_id = 'IN.9990001'")).toEqual([
      { contact_id: '919855556666', contact_wa_id: '919855556666', contact_user_id: 'IN.9990001', username: 'meera.k', inbound_message_count: 2 },
    ]);
    expect(await warehouse("select count(*) as inquiries, sum(inbound_message_count) as messages from fct_inquiries where contact_id = '919855556666'")).toEqual([
      { inquiries: 1, messages: 2 },
    ]);
    expect(await warehouse("select contact_id from int_messages_unified where message_id = 'wamid.TOBSUID'")).toEqual([{ contact_id: '919855556666' }]);
  });
});
