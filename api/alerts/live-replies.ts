import { existsSync, readdirSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';

/** A person's message to a contact, seen in the landing log before any build has it. */
export interface LiveReply {
  phoneNumberId: string;
  contactWaId: string;
  sentAt: number;
  /** The roster id, or business_app for a reply typed in the WhatsApp Business app. */
  agentId: string;
  landedAt: number;
}

export interface LiveReplies {
  /**
   * Reads what landed at or after `sinceMs` (the build's clock) since the last call, in segments
   * written since shortly before it (all of them again if `sinceMs` went back). Reads in chunks,
   * yielding between them: the first call after a large ingest may pass over gigabytes of landing
   * log, and requests are answered meanwhile.
   */
  refresh(sinceMs: number): Promise<void>;
  /** Replies to this contact on this number that landed at or after `landedSince`, oldest first. */
  repliesTo(phoneNumberId: string, contactWaId: string, landedSince: number): LiveReply[];
  /** Replies read so far: unchanged means nothing new landed that could resolve an alert. */
  readonly seen: number;
}

/** Folders that carry replies: webhooks (Business-app echoes) and outbound records from the team's tool. */
const FOLDERS = ['whatsapp', 'outbound'] as const;
/**
 * Segments last written this long before the build's clock are passed over. Every line is stamped
 * landed_at before it is written, so on one host a segment last written before the clock holds
 * nothing that landed after it; the margin covers a landing folder on network storage, whose
 * server's clock sets the times. What the margin lets through costs a scan, not a parse.
 */
const LOOKBACK_MS = 10 * 60 * 1000;
/** Per-file read chunk; a segment is read incrementally from where the last refresh stopped. */
const CHUNK_BYTES = 1 << 20;

/**
 * Tails the landing log for replies by people (Business-app echoes in webhooks, outbound records
 * with author_kind agent), so an alert resolves as soon as its reply lands rather than at the next
 * build. Only segments written since shortly before the warehouse's clock are read, each from the
 * byte where the last read stopped, and only lines that landed since the clock are parsed; an open
 * segment (.part) is followed across its rename when it is sealed.
 */
export function createLiveReplies(landingDir: string): LiveReplies {
  const offsets = new Map<string, number>();
  const byContact = new Map<string, LiveReply[]>();
  const key = (phoneNumberId: string, contactWaId: string): string => `${phoneNumberId}|${contactWaId}`;

  let seen = 0;
  let lastSince = Number.NEGATIVE_INFINITY;
  const add = (reply: LiveReply): void => {
    seen += 1;
    const list = byContact.get(key(reply.phoneNumberId, reply.contactWaId)) ?? [];
    list.push(reply);
    byContact.set(key(reply.phoneNumberId, reply.contactWaId), list);
  };

  const readNew = async (folder: string, file: string, path: string, size: number, floor: number): Promise<void> => {
    const segment = `${folder}/${file.replace(/\.part$/, '')}`;
    let offset = offsets.get(segment) ?? 0;
    if (size <= offset) return;
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(CHUNK_BYTES);
      let carried = Buffer.alloc(0);
      let position = offset;
      while (position < size) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(CHUNK_BYTES, size - position), position);
        if (bytesRead <= 0) break;
        position += bytesRead;
        const chunk = carried.length ? Buffer.concat([carried, buffer.subarray(0, bytesRead)]) : buffer.subarray(0, bytesRead);
        let start = 0;
        for (let end = chunk.indexOf(NEWLINE); end >= 0; end = chunk.indexOf(NEWLINE, start)) {
          // Lines that landed before the build are the build's business: skipped unparsed.
          if (!(landedAtOf(chunk, start, end) < floor)) parseLine(folder, chunk.toString('utf8', start, end), add);
          start = end + 1;
        }
        // Only whole lines count: a line still being written is read on the next refresh.
        offset += start;
        carried = Buffer.from(chunk.subarray(start));
      }
    } finally {
      await handle.close();
    }
    offsets.set(segment, offset);
  };

  return {
    async refresh(sinceMs) {
      // Only when a build brings a new clock: this runs on every evaluation, several times a
      // second, and a long tail of replies makes a walk over every contact cost tens of ms.
      if (sinceMs !== lastSince) {
        if (sinceMs < lastSince) {
          // Lines before the clock were passed over for good; a clock set back (a build --as-of in
          // the past, another REPLYWATCH_NOW) needs them, so every segment is read again.
          offsets.clear();
          byContact.clear();
        }
        // What landed before the new build's clock is in the build.
        for (const [contact, replies] of byContact) {
          if (replies[replies.length - 1]!.landedAt < sinceMs) byContact.delete(contact);
        }
        lastSince = sinceMs;
      }
      const from = sinceMs - LOOKBACK_MS;
      for (const folder of FOLDERS) {
        const directory = join(landingDir, folder);
        if (!existsSync(directory)) continue;
        for (const file of readdirSync(directory)) {
          if (!file.endsWith('.ndjson') && !file.endsWith('.ndjson.part')) continue;
          const path = join(directory, file);
          try {
            const { mtimeMs, size } = statSync(path);
            if (mtimeMs < from) continue;
            await readNew(folder, file, path, size, sinceMs);
          } catch (error) {
            // Renamed (sealed) or removed between listing and reading: picked up on the next refresh.
            if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
          }
        }
      }
    },
    get seen() {
      return seen;
    },
    repliesTo(phoneNumberId, contactWaId, landedSince) {
      return (byContact.get(key(phoneNumberId, contactWaId)) ?? []).filter((reply) => reply.landedAt >= landedSince);
    },
  };
}

const NEWLINE = 0x0a;
const LANDED_AT = Buffer.from('"landed_at":"');

/** A landing line's landed_at, read from its envelope's first bytes without parsing the line; NaN if not there. */
function landedAtOf(chunk: Buffer, start: number, end: number): number {
  const at = chunk.subarray(start, Math.min(end, start + 64)).indexOf(LANDED_AT);
  if (at < 0) return Number.NaN;
  const from = start + at + LANDED_AT.length;
  const close = chunk.indexOf(0x22, from);
  return close < 0 || close > end ? Number.NaN : Date.parse(chunk.toString('latin1', from, close));
}

interface LandedLine {
  landed_at?: string;
  record?: unknown;
}

function parseLine(folder: string, line: string, add: (reply: LiveReply) => void): void {
  if (!line.trim()) return;
  let landed: LandedLine;
  try {
    landed = JSON.parse(line) as LandedLine;
  } catch {
    return; // A torn line: the loader quarantines it; it is no reply.
  }
  const landedAt = Date.parse(landed.landed_at ?? '');
  if (!Number.isFinite(landedAt) || typeof landed.record !== 'object' || landed.record === null) return;
  if (folder === 'outbound') outboundReply(landed.record as Record<string, unknown>, landedAt, add);
  else echoReplies(landed.record as WebhookBody, landedAt, add);
}

function outboundReply(record: Record<string, unknown>, landedAt: number, add: (reply: LiveReply) => void): void {
  if (record.author_kind !== 'agent' || typeof record.agent_id !== 'string') return;
  const sentAt = Date.parse(String(record.sent_at));
  if (typeof record.phone_number_id !== 'string' || typeof record.to !== 'string' || !Number.isFinite(sentAt)) return;
  add({ phoneNumberId: record.phone_number_id, contactWaId: record.to, sentAt, agentId: record.agent_id, landedAt });
}

interface WebhookBody {
  entry?: Array<{ changes?: Array<{ field?: string; value?: { metadata?: { phone_number_id?: string }; message_echoes?: Array<{ to?: string; timestamp?: string }> } }> }>;
}

/** Messages a person typed in the WhatsApp Business app reach the webhook as smb_message_echoes. */
function echoReplies(body: WebhookBody, landedAt: number, add: (reply: LiveReply) => void): void {
  for (const entry of body.entry ?? []) {
    for (const change of entry.changes ?? []) {
      if (change.field !== 'smb_message_echoes') continue;
      const phoneNumberId = change.value?.metadata?.phone_number_id;
      for (const echo of change.value?.message_echoes ?? []) {
        const sentAt = Number(echo.timestamp) * 1000;
        if (!phoneNumberId || !echo.to || !Number.isFinite(sentAt)) continue;
        add({ phoneNumberId, contactWaId: echo.to, sentAt, agentId: 'business_app', landedAt });
      }
    }
  }
}
