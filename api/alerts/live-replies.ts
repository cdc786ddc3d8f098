import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
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
  /** Reads what landed since the last call, in segments written since shortly before `sinceMs` (the build's clock). */
  refresh(sinceMs: number): void;
  /** Replies to this contact on this number that landed at or after `landedSince`, oldest first. */
  repliesTo(phoneNumberId: string, contactWaId: string, landedSince: number): LiveReply[];
  /** Replies read so far: unchanged means nothing new landed that could resolve an alert. */
  readonly seen: number;
}

/** Folders that carry replies: webhooks (Business-app echoes) and outbound records from the team's tool. */
const FOLDERS = ['whatsapp', 'outbound'] as const;
/** Segments last written this long before the build's clock may still hold replies it missed. */
const LOOKBACK_MS = 10 * 60 * 1000;
/** Per-file read chunk; a segment is read incrementally from where the last refresh stopped. */
const CHUNK_BYTES = 1 << 20;

/**
 * Tails the landing log for replies by people (Business-app echoes in webhooks, outbound records
 * with author_kind agent), so an alert resolves as soon as its reply lands rather than at the next
 * build. Only segments written since shortly before the warehouse's clock are read,
 * each from the byte where the last read stopped; an open segment (.part) is followed across its
 * rename when it is sealed.
 */
export function createLiveReplies(landingDir: string): LiveReplies {
  const offsets = new Map<string, number>();
  const byContact = new Map<string, LiveReply[]>();
  const key = (phoneNumberId: string, contactWaId: string): string => `${phoneNumberId}|${contactWaId}`;

  let seen = 0;
  const add = (reply: LiveReply): void => {
    seen += 1;
    const list = byContact.get(key(reply.phoneNumberId, reply.contactWaId)) ?? [];
    list.push(reply);
    byContact.set(key(reply.phoneNumberId, reply.contactWaId), list);
  };

  const readNew = (folder: string, file: string, path: string): void => {
    const segment = `${folder}/${file.replace(/\.part$/, '')}`;
    let offset = offsets.get(segment) ?? 0;
    const size = statSync(path).size;
    if (size <= offset) return;
    const fd = openSync(path, 'r');
    try {
      let pending = '';
      const buffer = Buffer.alloc(CHUNK_BYTES);
      let position = offset;
      while (position < size) {
        const read = readSync(fd, buffer, 0, Math.min(CHUNK_BYTES, size - position), position);
        if (read <= 0) break;
        position += read;
        pending += buffer.toString('utf8', 0, read);
        const lastNewline = pending.lastIndexOf('\n');
        if (lastNewline < 0) continue;
        for (const line of pending.slice(0, lastNewline).split('\n')) parseLine(folder, line, add);
        // Only whole lines count: a line still being written is read on the next refresh.
        offset += Buffer.byteLength(pending.slice(0, lastNewline + 1));
        pending = pending.slice(lastNewline + 1);
      }
    } finally {
      closeSync(fd);
    }
    offsets.set(segment, offset);
  };

  return {
    refresh(sinceMs) {
      const from = sinceMs - LOOKBACK_MS;
      for (const [contact, replies] of byContact) {
        if (replies[replies.length - 1]!.landedAt < from) byContact.delete(contact);
      }
      for (const folder of FOLDERS) {
        const directory = join(landingDir, folder);
        if (!existsSync(directory)) continue;
        for (const file of readdirSync(directory)) {
          if (!file.endsWith('.ndjson') && !file.endsWith('.ndjson.part')) continue;
          const path = join(directory, file);
          try {
            if (statSync(path).mtimeMs < from) continue;
            readNew(folder, file, path);
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
