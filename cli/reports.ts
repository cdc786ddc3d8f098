import { relative } from 'node:path';
import type { GenerateSummary } from '../ingest/demo/generate-demo.ts';
import type { LoadSummary, RawCounts } from '../ingest/load-raw.ts';

/** "+1,234 raw_outbound_messages, +2 raw_quarantine", or "nothing new". */
export function describeAdded(added: RawCounts): string {
  const parts = Object.entries(added)
    .filter(([, count]) => count > 0)
    .map(([table, count]) => `+${count.toLocaleString('en-IN')} ${table}`);
  return parts.length ? parts.join(', ') : 'nothing new';
}

/** What a load did, on stderr: records quarantined while loading and segments that failed. */
export function reportLoad(load: LoadSummary): void {
  for (const line of load.quarantined) process.stderr.write(`  quarantined ${line}\n`);
  for (const { segment, error } of load.failed) {
    process.stderr.write(`replywatch: could not load landing/${segment}: ${error} (it stays pending; the next load tries again)\n`);
  }
}

export function reportGenerated(summary: GenerateSummary): void {
  for (const [kind, file] of Object.entries(summary.files)) {
    process.stdout.write(`wrote ${relative(process.cwd(), file) || file} (${kind})\n`);
  }
}
