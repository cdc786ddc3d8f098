import { join } from 'node:path';
import type { DataPaths } from '../../lib/data-paths.ts';
import { processLease } from '../../lib/process-lease.ts';
import { contractFor } from '../contracts/contract-for.ts';
import { createGroupCommitAppender, type GroupCommitAppender } from '../landing/group-commit-appender.ts';

export interface CrmRecord {
  /** The record exactly as the CRM API returned it. */
  verbatim: unknown;
  /** The record in the input contract's shape (crm-contacts, crm-deals). */
  values: Record<string, unknown>;
}

/**
 * Lands pages of CRM records the way file ingest lands CSV rows: verbatim record plus contract
 * form, checked against the contract, bad ones quarantined with the reason. `landPage` resolves
 * only when every record of the page is fsynced, so a cursor saved after it never skips a record.
 */
export function createCrmLanding(paths: DataPaths, source: string) {
  const appenders = new Map<string, GroupCommitAppender>();
  const appenderFor = (folder: string): GroupCommitAppender => {
    let appender = appenders.get(folder);
    if (!appender) {
      appender = createGroupCommitAppender(join(paths.landing, folder), processLease(paths.leases));
      appenders.set(folder, appender);
    }
    return appender;
  };

  return {
    async landPage(kind: 'crm-contacts' | 'crm-deals', records: CrmRecord[]): Promise<{ accepted: number; quarantined: string[] }> {
      const contract = contractFor(kind);
      const at = new Date().toISOString();
      const quarantined: string[] = [];
      await Promise.all(
        records.map((record) => {
          const verdict = contract.check(record.values, false);
          const verbatim = JSON.stringify(record.verbatim);
          if (verdict.ok) {
            return appenderFor(kind).append(
              (seq) => `{"seq":${seq},"landed_at":"${at}","source":"${source}","source_line":null,"record":${verbatim},"values":${JSON.stringify(verdict.record)}}`,
            );
          }
          quarantined.push(`${source} ${kind} ${String(record.values.crm_contact_id ?? record.values.deal_id)}: ${verdict.reason}`);
          return appenderFor('quarantine').append((seq) =>
            JSON.stringify({ seq, quarantined_at: at, kind, source, source_line: null, reason: verdict.reason, record_text: verbatim }),
          );
        }),
      );
      return { accepted: records.length - quarantined.length, quarantined };
    },
    /** Seals what was landed so the load picks it up. */
    async close(): Promise<void> {
      for (const appender of appenders.values()) await appender.close();
    },
  };
}

export type CrmLanding = ReturnType<typeof createCrmLanding>;
