import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { DataPaths } from '../../lib/data-paths.ts';
import { fileError } from '../../lib/file-error.ts';
import { processLease } from '../../lib/process-lease.ts';
import { startProgress } from '../../lib/progress.ts';
import { UserError } from '../../lib/user-error.ts';
import { contractFor } from '../contracts/contract-for.ts';
import { ndjsonRecord, readNdjsonLines, readSource, sourceFormat, type SourceLine, type SourceRecord } from '../read-source.ts';
import { landingEnvelope } from './landing-envelope.ts';
import { appendManifestEntry, findManifestEntry } from './manifest.ts';
import { createRollingSegments } from './rolling-segments.ts';

export interface LandResult {
  kind: string;
  file: string;
  accepted: number;
  quarantined: number;
  /** A few "file:line: reason" lines for the quarantined records. */
  problems: string[];
  /** Set when the same content was landed before: nothing was added. */
  landedBefore?: string;
}

const PROBLEMS_SHOWN = 5;
/** Larger records are quarantined: Meta's biggest batches are a few MB, and DuckDB reads records whole. */
export const MAX_RECORD_BYTES = 16 << 20;

/**
 * Appends the good records of one input file to the landing log (`landing/<kind>/`), and the bad
 * ones, each with its reason, to `landing/quarantine/`. Every segment is fsynced and sealed before
 * this returns; loading them into raw.duckdb is a separate, idempotent step. A file whose content
 * was landed before (same kind, same SHA-256) adds nothing.
 */
export async function landFile(paths: DataPaths, kind: string, file: string): Promise<LandResult> {
  const contract = contractFor(kind);
  const format = sourceFormat(file);
  if (!contract.formats.includes(format)) {
    throw new UserError(`${file}: ${kind} records come as ${contract.formats.join(' or ')}, not ${format}`);
  }
  const sha256 = await hashOf(file);
  const before = findManifestEntry(paths.manifest, kind, sha256);
  if (before) {
    process.stderr.write(`landing ${file}: already landed on ${before.landed_at}; nothing new\n`);
    return { kind, file, accepted: before.accepted, quarantined: before.quarantined, problems: [], landedBefore: before.landed_at };
  }

  const source = resolve(file);
  const landedAt = new Date().toISOString();
  mkdirSync(paths.landing, { recursive: true });
  const token = processLease(paths.leases);
  const accepted = createRollingSegments(join(paths.landing, kind), token);
  const rejected = createRollingSegments(join(paths.landing, 'quarantine'), token);
  const result: LandResult = { kind, file, accepted: 0, quarantined: 0, problems: [] };
  const progress = startProgress(`landing ${file}`);

  const envelope = landingEnvelope(kind, format, landedAt, source);
  const fromCsv = format === 'csv';

  // Appends are synchronous; a caller awaits flushAll() when one asks for it.
  const reject = (record: SourceRecord, reason: string): boolean => {
    result.quarantined += 1;
    if (result.problems.length < PROBLEMS_SHOWN) result.problems.push(`${file}:${record.line}: ${reason}`);
    return rejected.append([
      JSON.stringify({
        seq: result.quarantined,
        quarantined_at: landedAt,
        kind,
        source,
        source_line: record.line,
        reason,
        record_text: record.text,
      }),
    ]);
  };
  const land = (record: SourceRecord): boolean => {
    if (record.error !== undefined) return reject(record, record.error);
    // Bytes, not characters: 6 M Devanagari characters are 18 MB, past what DuckDB reads whole.
    if (record.text.length > MAX_RECORD_BYTES / 3 && Buffer.byteLength(record.text) > MAX_RECORD_BYTES) {
      return reject({ ...record, text: record.text.slice(0, 1024) }, `record is larger than ${MAX_RECORD_BYTES >> 20} MiB`);
    }
    const verdict = contract.check(record.value, fromCsv);
    if (!verdict.ok) return reject(record, verdict.reason);
    result.accepted += 1;
    return accepted.append(envelope.record(result.accepted, record, verdict.record));
  };
  /** A line the contract accepts as the very bytes it came as: no decoding, parsing or encoding. */
  const landVerbatim = ({ line, bytes }: SourceLine): boolean | undefined => {
    const chars = bytes.length <= MAX_RECORD_BYTES ? contract.acceptsVerbatim?.(bytes) : undefined;
    if (chars === undefined) return undefined;
    result.accepted += 1;
    return accepted.append(envelope.verbatim(result.accepted, line, { bytes, chars }));
  };
  const flushAll = async (): Promise<void> => {
    await accepted.flush();
    await rejected.flush();
  };

  try {
    if (format === 'ndjson') {
      for await (const lines of readNdjsonLines(file)) {
        const before = result.accepted + result.quarantined;
        for (const line of lines) {
          let full = landVerbatim(line);
          if (full === undefined) {
            const record = ndjsonRecord(line);
            full = record !== undefined && land(record);
          }
          if (full) await flushAll();
        }
        progress.advance(result.accepted + result.quarantined - before);
      }
    } else {
      for await (const batch of readSource(file, format, contract.requiredColumns)) {
        for (const record of batch) if (land(record)) await flushAll();
        progress.advance(batch.length);
      }
    }
  } catch (error) {
    await accepted.discard();
    await rejected.discard();
    throw error instanceof UserError && !error.message.startsWith(file) ? new UserError(`${file}: ${error.message}`) : error;
  }

  appendManifestEntry(paths.manifest, {
    kind,
    sha256,
    source,
    segments: (await accepted.seal()).map((path) => relative(paths.landing, path)),
    quarantine_segments: (await rejected.seal()).map((path) => relative(paths.landing, path)),
    accepted: result.accepted,
    quarantined: result.quarantined,
    landed_at: landedAt,
  });
  progress.finish(`${result.accepted.toLocaleString('en-IN')} accepted, ${result.quarantined.toLocaleString('en-IN')} quarantined`);
  return result;
}

async function hashOf(file: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  } catch (error) {
    throw fileError(file, error);
  }
  return hash.digest('hex');
}
