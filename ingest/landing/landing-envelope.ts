import { hash } from 'node:crypto';
import type { SourceRecord } from '../read-source.ts';
import type { Utf8Text } from './rolling-segments.ts';

/** The parts of one landing line, for RollingSegments.append. */
export type LandingLine = Array<string | Utf8Text>;

export interface LandingEnvelope {
  /** A record as it came, with the contract form the loader reads (`values`) for kinds other than whatsapp. */
  record(seq: number, record: SourceRecord, values: Record<string, unknown>): LandingLine;
  /** A WhatsApp body that landing copies byte for byte without decoding it. */
  verbatim(seq: number, line: number, body: Utf8Text): LandingLine;
}

/**
 * The envelope of each landing line. The record is kept as it came (a WhatsApp body byte for byte,
 * with the SHA-256 of those bytes as its identity; a CSV row as its columns); other kinds also carry
 * the contract form the loader reads, so a later contract can still be rebuilt from the verbatim
 * record. The record goes in as its own part: it is not copied into a longer string first.
 */
export function landingEnvelope(kind: string, format: 'csv' | 'ndjson', landedAt: string, source: string): LandingEnvelope {
  // The same for every line of a file.
  const middle = `,"landed_at":"${landedAt}","source":${JSON.stringify(source)},"source_line":`;
  const head = (seq: number, line: number): string => `{"seq":${seq}${middle}${line}`;
  const webhook = (seq: number, line: number, body: string | Utf8Text): LandingLine => {
    const sha256 = hash('sha256', typeof body === 'string' ? body : body.bytes, 'hex');
    return [`${head(seq, line)},"record_sha256":"${sha256}","record":`, body, '}'];
  };
  return {
    record(seq, record, values) {
      const text = record.bytes ? { bytes: record.bytes, chars: record.text.length } : record.text;
      if (kind === 'whatsapp') return webhook(seq, record.line, text);
      const verbatim = format === 'csv' ? JSON.stringify(record.value) : text;
      return [`${head(seq, record.line)},"record":`, verbatim, `,"values":${JSON.stringify(values)}}`];
    },
    verbatim: webhook,
  };
}
