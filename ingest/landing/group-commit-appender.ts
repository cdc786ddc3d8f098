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

export function createGroupCommitAppender(directory: string, segmentBytes = SEGMENT_BYTES): GroupCommitAppender {
  mkdirSync(directory, { recursive: true });
  let queue: Pending[] = [];
  let flushing: Promise<void> | undefined;
  let handle: FileHandle | undefined;
  let partPath = '';
  let bytes = 0;
  let lines = 0;
  let durable = 0;
  let closed = false;

  const sealOpenSegment = async (): Promise<void> => {
    if (!handle) return;
    const current = handle;
    handle = undefined;
    await current.close();
    await rename(partPath, partPath.replace(/\.part$/, ''));
    syncDirectory(directory);
  };

  const writeBatch = async (batch: Pending[]): Promise<void> => {
    if (!handle) {
      partPath = join(directory, `${newSegmentName()}.part`);
      handle = await open(partPath, 'wx');
      bytes = 0;
      lines = 0;
    }
    const first = lines + 1;
    const text = batch.map((pending, index) => `${pending.line(first + index)}\n`).join('');
    try {
      await handle.write(text);
      await handle.datasync();
    } catch (error) {
      // Cut whatever part of the batch reached the file, so the segment stays whole lines.
      await handle.truncate(bytes).catch(() => undefined);
      throw error;
    }
    bytes += Buffer.byteLength(text);
    lines += batch.length;
    durable += batch.length;
    if (bytes >= segmentBytes) await sealOpenSegment();
  };

  const flush = (): Promise<void> => {
    flushing ??= (async () => {
      while (queue.length) {
        const batch = queue;
        queue = [];
        try {
          await writeBatch(batch);
          for (const pending of batch) pending.resolve();
        } catch (error) {
          for (const pending of batch) pending.reject(error as Error);
        }
      }
      flushing = undefined;
    })();
    return flushing;
  };

  return {
    append(line) {
      if (closed) return Promise.reject(new Error('the landing log is closed'));
      return new Promise<void>((resolve, reject) => {
        queue.push({ line, resolve, reject });
        void flush();
      });
    },
    async seal() {
      await flush();
      await flushing;
      await sealOpenSegment();
    },
    async close() {
      closed = true;
      await this.seal();
    },
    durableCount: () => durable,
  };
}
