import { existsSync } from 'node:fs';
import type { DataPaths } from '../../lib/data-paths.ts';
import { openDatabase } from '../../lib/duckdb.ts';

/**
 * Roster agents by email (lower case), from the latest roster file loaded into raw.duckdb: how
 * a CRM record's owner becomes a replywatch agent. Call with the pipeline lock held.
 */
export async function rosterEmails(paths: DataPaths): Promise<Map<string, string>> {
  if (!existsSync(paths.raw)) return new Map();
  const database = await openDatabase(paths.raw, { readOnly: true });
  try {
    const rows = await database.connection.runAndReadAll(`
      select lower(trim(email)) as email, agent_id
      from raw_roster
      where roster_snapshot_id = (select arg_max(roster_snapshot_id, landed_at) from raw_roster)
        and nullif(trim(email), '') is not null`);
    return new Map(rows.getRows().map(([email, agentId]) => [String(email), String(agentId)]));
  } catch {
    return new Map(); // a raw.duckdb from before rosters had emails
  } finally {
    database.close();
  }
}

/**
 * The roster agent of a CRM owner's email. Owners that match nobody are collected for the report:
 * emails not on the roster, and owners the CRM gives no email for (or an id it does not know).
 */
export function ownerMatcher(emails: Map<string, string>) {
  const unmatched = new Set<string>();
  const withoutEmail = new Set<string>();
  return {
    agentFor(email: string | null | undefined): string | null {
      if (!email) return null;
      const agent = emails.get(email.trim().toLowerCase());
      if (!agent) unmatched.add(email.trim().toLowerCase());
      return agent ?? null;
    },
    /** An owner the CRM names but gives no email for, e.g. "HubSpot owner 103 (unknown id)". */
    noEmail(label: string): null {
      withoutEmail.add(label);
      return null;
    },
    unmatched: () => [...unmatched].sort(),
    withoutEmail: () => [...withoutEmail].sort(),
  };
}

export type OwnerMatcher = ReturnType<typeof ownerMatcher>;
