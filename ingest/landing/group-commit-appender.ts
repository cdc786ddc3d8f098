import { mkdirSync } from 'node:fs';
import { open as openFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { SEGMENT_BYTES } from './rolling-segments.ts';
import { newSegmentName, syncDirectory } from './segment-writer.ts';

/**
 * Appends records to the landing log for a long-running process (the webhook receiver, a CRM
 * pull): each append resolves only once its line is on disk, and all appends that arrive while a
 * write is in flight share the next write and fsync (group commit), so throughput does not hang on
 * one fsync per request. The open segment is sealed when full, when `seal()` is called (before a
 * build), and on close; a segment left open by a crash is sealed by the next load
 * (recover-segments.ts).
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

/** The part of a file handle the appender uses; tests pass one that fails on purpose. */
export interface SegmentFile {
  write(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesWritten: number }>;
  datasync(): Promise<void>;
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
}

interface Pending {
  line: (seq: number) => string;
  resolve: () => void;
  reject: (error: Error) => void;
}

interface OpenSegment {
  file: SegmentFile;
  partPath: string;
  bytes: number;
  lines: number;
}

export function createGroupCommitAppender(
  directory: string,
  token: string,
  options: { segmentBytes?: number; open?: (path: string) => Promise<SegmentFile> } = {},
): GroupCommitAppender {
  const segmentBytes = options.segmentBytes ?? SEGMENT_BYTES;
  const open = options.open ?? ((path: string) => openFile(path, 'wx'));
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
    const { file, partPath, bytes } = segment;
    segment = undefined;
    // Only whole, durable lines stay: a failed write may have left part of a batch behind.
    await file.truncate(bytes).catch(() => undefined);
    await file.close();
    if (bytes === 0) {
      // Nothing durable in it (a write failed on a full disk): without this, every failed write
      // while the disk stayed full left one more empty .part file behind.
      await rm(partPath, { force: true });
      return;
    }
    await rename(partPath, partPath.replace(/\.part$/, ''));
    syncDirectory(directory);
  };

  /** Writes every byte at the segment's end, looping over short writes (a nearly full disk). */
  const writeFully = async (current: OpenSegment, data: Buffer): Promise<void> => {
    let written = 0;
    while (written < data.length) {
      const { bytesWritten } = await current.file.write(data, written, data.length - written, current.bytes + written);
      if (bytesWritten === 0) throw Object.assign(new Error('no space left to append to the landing log'), { code: 'ENOSPC' });
      written += bytesWritten;
    }
  };

  const writeQueued = async (): Promise<void> => {
    writeScheduled = false;
    const batch = queue;
    queue = [];
    if (!batch.length) return;
    try {
      if (!segment) {
        const partPath = join(directory, `${newSegmentName(token)}.part`);
        segment = { file: await open(partPath), partPath, bytes: 0, lines: 0 };
        syncDirectory(directory);
      }
      const current = segment;
      const data = Buffer.from(batch.map((pending, index) => `${pending.line(current.lines + 1 + index)}\n`).join(''));
      await writeFully(current, data);
      await current.file.datasync();
      current.bytes += data.length;
      current.lines += batch.length;
      durable += batch.length;
      for (const pending of batch) pending.resolve();
      if (current.bytes >= segmentBytes) await sealOpenSegment();
    } catch (error) {
      for (const pending of batch) pending.reject(error as Error);
      // Start afresh: the good lines are sealed, the next write opens a new segment.
      await sealOpenSegment().catch(() => undefined);
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
