import { mkdirSync, openSync, closeSync, fsyncSync } from 'node:fs';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** An append-only NDJSON segment of the landing log, written under a `.part` name until sealed. */
export interface SegmentWriter {
  /** The sealed file's path. */
  path: string;
  lineCount(): number;
  append(line: string): Promise<void>;
  /** Writes `count` whole lines already encoded as UTF-8, after any appended before. */
  write(lines: Uint8Array, count: number): Promise<void>;
  /** Flushes, fsyncs and renames `.part` → `.ndjson`: only then are its records accepted. */
  seal(): Promise<void>;
  /** Drops the unsealed segment (nothing in it was accepted). */
  discard(): Promise<void>;
}

const FLUSH_BYTES = 1 << 20;
let counter = 0;

/**
 * A name that sorts in landing order and never collides between processes:
 * `<UTC stamp>-<lease token>-<n>.ndjson`. The token says which process owns it while it is open.
 */
export function newSegmentName(token: string, now = new Date()): string {
  counter += 1;
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('.', '');
  return `${stamp}-${token}-${counter}.ndjson`;
}

export async function createSegmentWriter(directory: string, name: string): Promise<SegmentWriter> {
  mkdirSync(directory, { recursive: true });
  const path = join(directory, name);
  const partPath = `${path}.part`;
  const handle: FileHandle = await open(partPath, 'wx');
  syncDirectory(directory);
  let buffered: string[] = [];
  let bufferedBytes = 0;
  let lines = 0;
  let finished = false;
  let position = 0;

  /** Every byte, looping over short writes (a nearly full disk). */
  const writeFully = async (data: Uint8Array): Promise<void> => {
    for (let written = 0; written < data.length; ) {
      const { bytesWritten } = await handle.write(data, written, data.length - written, position);
      if (bytesWritten === 0) throw Object.assign(new Error('no space left to append to the landing log'), { code: 'ENOSPC' });
      written += bytesWritten;
      position += bytesWritten;
    }
  };

  const flush = async (): Promise<void> => {
    if (!buffered.length) return;
    const text = buffered.join('');
    buffered = [];
    bufferedBytes = 0;
    await writeFully(Buffer.from(text));
  };

  return {
    path,
    lineCount: () => lines,
    async append(line) {
      buffered.push(line, '\n');
      bufferedBytes += line.length + 1;
      lines += 1;
      if (bufferedBytes >= FLUSH_BYTES) await flush();
    },
    async write(data, count) {
      await flush();
      await writeFully(data);
      lines += count;
    },
    async seal() {
      if (finished) return;
      finished = true;
      await flush();
      await handle.sync();
      await handle.close();
      await rename(partPath, path);
      syncDirectory(dirname(path));
    },
    async discard() {
      if (finished) return;
      finished = true;
      await handle.close();
      await rm(partPath, { force: true });
    },
  };
}

/** Makes a rename or a new file durable: fsync of the directory entry itself. */
export function syncDirectory(directory: string): void {
  const fd = openSync(directory, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
