import { mkdirSync } from 'node:fs';
import type { DataPaths } from '../lib/data-paths.ts';
import { acquirePipelineLock } from '../lib/pipeline-lock.ts';
import { contractFor } from '../ingest/contracts/contract-for.ts';
import { landFile, type LandResult } from '../ingest/landing/land-file.ts';
import { loadPendingSegments, type LoadSummary } from '../ingest/load-raw.ts';
import { sourceFormat } from '../ingest/read-source.ts';
import { describeAdded, reportLoad } from './reports.ts';

export interface IngestOutcome {
  results: LandResult[];
  /** Undefined with `landOnly`: the next build loads what was landed. */
  load: LoadSummary | undefined;
  /** Records quarantined by this run, when landing or when loading. */
  quarantined: number;
}

/**
 * Lands each file, then loads everything pending into raw.duckdb; prints what happened. With
 * `landOnly` it stops at the landing log, as the webhook receiver does, and the next
 * `replywatch build` loads it: a full rebuild is then one build over the whole log.
 */
export async function ingestFiles(paths: DataPaths, kind: string, files: string[], options: { landOnly?: boolean } = {}): Promise<IngestOutcome> {
  contractFor(kind);
  files.forEach(sourceFormat);
  mkdirSync(paths.root, { recursive: true });
  const release = await acquirePipelineLock(paths.lock, paths.leases, `replywatch ingest ${kind}`);
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
    if (options.landOnly) {
      const landed = results.reduce((sum, result) => sum + result.accepted, 0);
      process.stdout.write(`landing log: ${landed.toLocaleString('en-IN')} record(s) of ${kind}; \`replywatch build\` loads them\n`);
      return { results, load: undefined, quarantined: results.reduce((sum, result) => sum + result.quarantined, 0) };
    }
    const load = await loadPendingSegments(paths);
    reportLoad(load);
    process.stdout.write(`raw.duckdb: ${describeAdded(load.added)}\n`);
    return { results, load, quarantined: load.added.raw_quarantine };
  } finally {
    release();
  }
}
