import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../lib/config.ts';
import type { DataPaths } from '../../lib/data-paths.ts';
import { openDatabase } from '../../lib/duckdb.ts';
import { acquirePipelineLock } from '../../lib/pipeline-lock.ts';
import { UserError } from '../../lib/user-error.ts';
import { dbtVar } from '../../pipeline/dbt-vars.ts';
import { loadPendingSegments, type LoadSummary } from '../load-raw.ts';
import { createCrmLanding } from './crm-landing.ts';
import { createCursorStore } from './cursor-store.ts';
import { pullHubspot, type PullOptions } from './hubspot/pull-hubspot.ts';
import type { CrmPull } from './pull-summary.ts';
import { ownerMatcher, rosterEmails } from './roster-emails.ts';
import { pullZoho } from './zoho/pull-zoho.ts';

export const CRM_SOURCES = ['hubspot', 'zoho'] as const;
export type CrmSource = (typeof CRM_SOURCES)[number];

export interface PhoneMatch {
  withPhone: number;
  matched: number;
}

/**
 * An incremental pull from a CRM into the landing log, then the load into raw.duckdb. The pull
 * itself runs without the pipeline lock (it only appends to landing); the roster lookup and the
 * load take it. Pages landed before a failure stay landed and the cursor says where to resume.
 */
export async function pullCrm(
  paths: DataPaths,
  source: string,
  options: PullOptions & { configFile?: string },
): Promise<{ pull: CrmPull; load: LoadSummary; match: PhoneMatch }> {
  if (!(CRM_SOURCES as readonly string[]).includes(source)) {
    throw new UserError(`unknown CRM "${source}"; expected one of: ${CRM_SOURCES.join(', ')}`);
  }
  const config = loadConfig({ file: options.configFile });
  // Pulls share one cursor file and would race on it: a second pull waits for the first.
  mkdirSync(paths.state, { recursive: true });
  const releasePull = await acquirePipelineLock(join(paths.state, 'crm-pull.lock'), paths.leases, `a pull from ${source}`);
  try {
    return await pullWithCursors(paths, source, config, options);
  } finally {
    releasePull();
  }
}

async function pullWithCursors(
  paths: DataPaths,
  source: string,
  config: Config,
  options: PullOptions,
): Promise<{ pull: CrmPull; load: LoadSummary; match: PhoneMatch }> {
  const emails = await withLock(paths, `replywatch ingest crm ${source}`, () => rosterEmails(paths));
  const owners = ownerMatcher(emails);
  const landing = createCrmLanding(paths, source);
  const cursors = createCursorStore(join(paths.state, 'crm-cursors.json'));
  let pull: CrmPull;
  try {
    const pullFrom = source === 'hubspot' ? pullHubspot : pullZoho;
    pull = await pullFrom(config, { landing, cursors, owners }, options);
  } finally {
    await landing.close();
  }
  return withLock(paths, `replywatch ingest crm ${source}`, async () => {
    const load = await loadPendingSegments(paths);
    return { pull, load, match: await phoneMatch(paths) };
  });
}

async function withLock<T>(paths: DataPaths, purpose: string, work: () => Promise<T>): Promise<T> {
  const release = await acquirePipelineLock(paths.lock, paths.leases, purpose);
  try {
    return await work();
  } finally {
    release();
  }
}

/** Of the CRM contacts with a phone, how many match someone who wrote on WhatsApp. */
async function phoneMatch(paths: DataPaths): Promise<PhoneMatch> {
  const database = await openDatabase(paths.raw, { readOnly: true });
  try {
    const [row] = (
      await database.connection.runAndReadAll(`
        with crm as (
          select crm_contact_id, normalize_phone(arg_max(phone, updated_at), $country_code) as wa_id
          from raw_crm_contacts group by crm_contact_id
        ),
        whatsapp as (
          select from_wa_id as wa_id from raw_whatsapp_messages where direction = 'inbound'
          union
          select wa_id from raw_whatsapp_contacts
        )
        select count(*) as with_phone, count(*) filter (where wa_id in (select wa_id from whatsapp)) as matched
        from crm where wa_id is not null`,
        { country_code: dbtVar('default_country_code') },
      )
    ).getRows();
    return { withPhone: Number(row?.[0] ?? 0), matched: Number(row?.[1] ?? 0) };
  } finally {
    database.close();
  }
}
