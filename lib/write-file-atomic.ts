import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { syncDirectory } from '../ingest/landing/segment-writer.ts';

/**
 * Replaces `file` with `text` so a reader sees the old content or the new, never half of it, even
 * after a crash: a temp file beside it is written and fsync'd, renamed over it, and the directory
 * fsync'd so the rename itself is durable. `mode` is the new file's permission bits.
 */
export function writeFileAtomic(file: string, text: string | Uint8Array, mode = 0o644): void {
  const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(temporary, 'wx', mode);
  try {
    // writeFileSync on a descriptor writes until all is written; one writeSync may stop short.
    writeFileSync(fd, text);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temporary, file);
  syncDirectory(dirname(file));
}
