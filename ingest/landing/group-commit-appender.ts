import { mkdirSync } from 'node:fs';
import { open, rename, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { SEGMENT_BYTES } from './rolling-segments.ts';
import { newSegmentName, syncDirectory } from './segment-writer.ts';

/**
 * Appends records to the landing log for a long-running process (the webhook receiver): each
 * append resolves only once its line is on disk, and all appends that arrive while a write is in
 * flight share the next write and fsync (group commit), so throughput does not hang on one fsync
 * per request. The open segment is sealed when full, when `seal()` is called (before a build), and
 * on close; a segment left open by a crash is sealed by the next load (see recover-segments.ts).
 */
export interface GroupCommitAppender {
  /**
   * Resolves when the line is durable; rejects when the write or fsync failed. The line is built
   * when it is written, from its 1-based position in its segment (the landing `seq`).
   */
  append(line: (seq: number) => string): Promise<void>;
  /** Seals the open segment so a load can pick it up; resolves after pending appends are durable. */
  seal(): Promise<void>;
  close(): Promise<void>;
  /** Lines made durable so far. */
  durableCount(): number;
}

interface Pending {
  line: (seq: number) => string;
  resolve: () => void;
  reject: (error: Error) => void;
}

interface OpenSegment {
  handle: FileHandle;
  partPath: string;
  bytes: number;
  lines: number;
}

export function createGroupCommitAppender(directory: string, segmentBytes = SEGMENT_BYTES): GroupCommitAppender {
  mkdirSync(directory, { recursive: true });
  let queue: Pending[] = [];
  let writeScheduled = false;
  let segment: OpenSegment | undefined;
  let durable = 0;
  let closed = false;
  // Every file operation runs on this chain, one after another: writes never interleave with a seal.
  let chain: Promise<void> = Promise.resolve();
  const serialize = (operation: () => Promise<void>): Promise<void> => {
    const done = chain.then(operation);
    chain = done.catch(() => undefined);
    return done;
  };

  const sealOpenSegment = async (): Promise<void> => {
    if (!segment) return;
    const { handle, partPath } = segment;
    segment = undefined;
    await handle.close();
    await rename(partPath, partPath.replace(/\.part$/, ''));
    syncDirectory(directory);
  };

  const writeQueued = async (): Promise<void> => {
    writeScheduled = false;
    const batch = queue;
    queue = [];
    if (!batch.length) return;
    try {
      if (!segment) {
        const partPath = join(directory, `${newSegmentName()}.part`);
        segment = { handle: await open(partPath, 'wx'), partPath, bytes: 0, lines: 0 };
      }
      const current = segment;
      const text = batch.map((pending, index) => `${pending.line(current.lines + 1 + index)}\n`).join('');
      try {
        await current.handle.write(text);
        await current.handle.datasync();
      } catch (error) {
        // Cut whatever part of the batch reached the file, so the segment stays whole lines.
        await current.handle.truncate(current.bytes).catch(() => undefined);
        throw error;
      }
      current.bytes += Buffer.byteLength(text);
      current.lines += batch.length;
      durable += batch.length;
      for (const pending of batch) pending.resolve();
      if (current.bytes >= segmentBytes) await sealOpenSegment();
    } catch (error) {
      for (const pending of batch) pending.reject(error as Error);
    }
  };

  return {
    append(line) {
      if (closed) return Promise.reject(new Error('the landing log is closed'));
      return new Promise<void>((resolve, reject) => {
        queue.push({ line, resolve, reject });
        if (!writeScheduled) {
          writeScheduled = true;
          void serialize(writeQueued);
        }
      });
    },
    seal() {
      return serialize(async () => {
        await writeQueued();
        await sealOpenSegment();
      });
    },
    async close() {
      closed = true;
      await this.seal();
    },
    durableCount: () => durable,
  };
}
