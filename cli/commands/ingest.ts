import type { Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { acquirePipelineLock } from '../../lib/pipeline-lock.ts';
import { contractFor, KINDS } from '../../ingest/contracts/contract-for.ts';
import { landFile, type LandResult } from '../../ingest/landing/land-file.ts';
import { loadPendingSegments, type RawCounts } from '../../ingest/load-raw.ts';
import { sourceFormat } from '../../ingest/read-source.ts';
import { pathsFrom } from '../data-dir-option.ts';
import type { DataPaths } from '../../lib/data-paths.ts';

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description(`append records to the landing log and load them into raw.duckdb (kinds: ${KINDS.join(', ')})`)
    .argument('<kind>', KINDS.join(' | '))
    .argument('<files...>', '.csv or .ndjson files, optionally gzipped')
    .action(async (kind: string, files: string[], _options: unknown, command: Command) => {
      await ingestFiles(pathsFrom(command), kind, files);
    });
}

/** Lands each file, then loads everything pending into raw.duckdb; prints what happened. */
export async function ingestFiles(paths: DataPaths, kind: string, files: string[]): Promise<LandResult[]> {
  contractFor(kind);
  files.forEach(sourceFormat);
  mkdirSync(paths.root, { recursive: true });
  const release = await acquirePipelineLock(paths.lock, `replywatch ingest ${kind}`);
  try {
    const results: LandResult[] = [];
    for (const file of files) {
      const result = await landFile(paths, kind, file);
      for (const problem of result.problems) process.stderr.write(`  quarantined ${problem}\n`);
      if (result.quarantined > result.problems.length) {
        process.stderr.write(`  … and ${result.quarantined - result.problems.length} more quarantined (see raw_quarantine)\n`);
      }
      results.push(result);
    }
    const summary = await loadPendingSegments(paths);
    process.stdout.write(`raw.duckdb: ${describeAdded(summary.added)}\n`);
    return results;
  } finally {
    release();
  }
}

export function describeAdded(added: RawCounts): string {
  const parts = Object.entries(added)
    .filter(([, count]) => count > 0)
    .map(([table, count]) => `+${count.toLocaleString('en-IN')} ${table}`);
  return parts.length ? parts.join(', ') : 'nothing new';
}
