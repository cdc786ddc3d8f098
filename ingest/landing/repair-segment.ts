import { createReadStream } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { wellFormedJson } from '../well-formed-json.ts';
import { createSegmentWriter, newSegmentName } from './segment-writer.ts';

export interface RepairResult {
  good: number;
  bad: number;
}

export const REPAIRED_SUFFIX = '-repaired.ndjson';

/**
 * Splits a landing segment DuckDB could not read into its whole JSON lines, written to a sealed
 * `<name>-repaired.ndjson` beside it, and the lines that are not JSON (a torn or partial write),
 * quarantined with their reason. The original stays as it was: the landing log is never rewritten.
 */
export async function repairSegment(path: string, quarantineDir: string, token: string, folder: string): Promise<RepairResult> {
  const repaired = await createSegmentWriter(dirname(path), basename(path).replace(/\.ndjson$/, REPAIRED_SUFFIX));
  const quarantine = await createSegmentWriter(quarantineDir, newSegmentName(token));
  const result: RepairResult = { good: 0, bad: 0 };
  const at = new Date().toISOString();
  let line = 0;
  for await (const text of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    line += 1;
    if (text.trim() === '') continue;
    try {
      JSON.parse(text);
      // Segments landed before lone surrogate escapes were replaced at landing still hold some.
      await repaired.append(wellFormedJson(text));
      result.good += 1;
    } catch {
      result.bad += 1;
      await quarantine.append(
        JSON.stringify({
          seq: result.bad,
          quarantined_at: at,
          kind: folder,
          source: join('landing', folder, basename(path)),
          source_line: line,
          reason: 'landing line is not valid JSON (a torn or partial write)',
          record_text: text.slice(0, 4096),
        }),
      );
    }
  }
  await (result.good ? repaired.seal() : repaired.discard());
  await (result.bad ? quarantine.seal() : quarantine.discard());
  return result;
}
