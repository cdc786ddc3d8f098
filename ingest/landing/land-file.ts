import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { DataPaths } from '../../lib/data-paths.ts';
import { startProgress } from '../../lib/progress.ts';
import { UserError } from '../../lib/user-error.ts';
import { contractFor } from '../contracts/contract-for.ts';
import { readSource, sourceFormat, type SourceRecord } from '../read-source.ts';
import { appendManifestEntry, findManifestEntry } from './manifest.ts';
import { createSegmentWriter, newSegmentName, type SegmentWriter } from './segment-writer.ts';

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

/**
 * Appends the good records of one input file to the landing log (`landing/<kind>/`), and the bad
 * ones, each with its reason, to `landing/quarantine/`. Both segments are fsynced and sealed before
 * this returns; loading them into raw.duckdb is a separate, idempotent step.
 */
export async function landFile(paths: DataPaths, kind: string, file: string): Promise<LandResult> {
  const contract = contractFor(kind);
  const format = sourceFormat(file);
  if (!contract.formats.includes(format)) {
    throw new UserError(`${file}: ${kind} records come as ${contract.formats.join(' or ')}, not ${format}`);
  }
  const source = resolve(file);
  const landedAt = new Date().toISOString();
  const hash = createHash('sha256');
  mkdirSync(paths.landing, { recursive: true });
  const segmentName = newSegmentName();
  const segment = await createSegmentWriter(join(paths.landing, kind), segmentName);
  let quarantine: SegmentWriter | undefined;
  const result: LandResult = { kind, file, accepted: 0, quarantined: 0, problems: [] };
  const progress = startProgress(`landing ${relative(process.cwd(), source) || source}`);

  const reject = async (record: SourceRecord, reason: string): Promise<void> => {
    quarantine ??= await createSegmentWriter(join(paths.landing, 'quarantine'), segmentName);
    result.quarantined += 1;
    if (result.problems.length < PROBLEMS_SHOWN) result.problems.push(`${file}:${record.line}: ${reason}`);
    await quarantine.append(
      JSON.stringify({
        seq: quarantine.lineCount() + 1,
        quarantined_at: landedAt,
        kind,
        source,
        source_line: record.line,
        reason,
        record_text: record.text,
      }),
    );
  };

  try {
    for await (const batch of readSource(file, format, contract.requiredColumns, (chunk) => hash.update(chunk))) {
      for (const record of batch) {
        if (record.error !== undefined) {
          await reject(record, record.error);
          continue;
        }
        const verdict = contract.check(record.value, format === 'csv');
        if (!verdict.ok) {
          await reject(record, verdict.reason);
          continue;
        }
        // WhatsApp bodies stay byte-for-byte as received; other kinds land in their contract form.
        const text = kind === 'whatsapp' ? record.text : JSON.stringify(verdict.record);
        const seq = segment.lineCount() + 1;
        await segment.append(
          `{"seq":${seq},"landed_at":"${landedAt}","source":${JSON.stringify(source)},"source_line":${record.line},"record":${text}}`,
        );
        result.accepted += 1;
      }
      progress.advance(batch.length);
    }
  } catch (error) {
    await segment.discard();
    await quarantine?.discard();
    throw error instanceof UserError && !error.message.startsWith(file) ? new UserError(`${file}: ${error.message}`) : error;
  }

  const sha256 = hash.digest('hex');
  const before = findManifestEntry(paths.manifest, kind, sha256);
  if (before) {
    await segment.discard();
    await quarantine?.discard();
    progress.finish(`already landed on ${before.landed_at}; nothing new`);
    return { ...result, accepted: before.accepted, quarantined: before.quarantined, landedBefore: before.landed_at };
  }
  await sealOrDrop(segment);
  if (quarantine) await sealOrDrop(quarantine);
  appendManifestEntry(paths.manifest, {
    kind,
    sha256,
    source,
    segment: result.accepted ? relative(paths.landing, segment.path) : null,
    quarantine_segment: quarantine ? relative(paths.landing, quarantine.path) : null,
    accepted: result.accepted,
    quarantined: result.quarantined,
    landed_at: landedAt,
  });
  progress.finish(`${result.accepted.toLocaleString('en-IN')} accepted, ${result.quarantined.toLocaleString('en-IN')} quarantined`);
  return result;
}

async function sealOrDrop(writer: SegmentWriter): Promise<void> {
  if (writer.lineCount() === 0) await writer.discard();
  else await writer.seal();
}
