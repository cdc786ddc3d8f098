import { existsSync, readdirSync, renameSync, rmSync, statSync, openSync, closeSync, readSync, ftruncateSync, fsyncSync } from 'node:fs';
import { join } from 'node:path';
import { isLeaseAlive } from '../../lib/process-lease.ts';
import { syncDirectory } from './segment-writer.ts';

const PART = /^\d{8}T\d{9}Z-([0-9a-f]+)-\d+\.ndjson\.part$/;
const TAIL_BYTES = 1 << 20;

/**
 * Seals the segments a process left open when it died (`<stamp>-<token>-<n>.ndjson.part` whose
 * lease is no longer renewed): everything up to the last complete line is kept — each of those
 * lines was written, and the ones acknowledged were fsynced — and a torn last line is cut off.
 * Segments of live processes are left alone. Returns how many segments it sealed.
 */
export function recoverAbandonedSegments(landingDir: string, leasesDir: string): number {
  if (!existsSync(landingDir)) return 0;
  let recovered = 0;
  for (const folder of readdirSync(landingDir, { withFileTypes: true })) {
    if (!folder.isDirectory()) continue;
    const directory = join(landingDir, folder.name);
    for (const name of readdirSync(directory)) {
      const match = PART.exec(name);
      if (!match || isLeaseAlive(leasesDir, match[1]!)) continue;
      const path = join(directory, name);
      const keep = lastCompleteLineEnd(path);
      if (keep === 0) {
        rmSync(path);
      } else {
        const fd = openSync(path, 'r+');
        try {
          ftruncateSync(fd, keep);
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
        renameSync(path, path.slice(0, -'.part'.length));
        recovered += 1;
      }
      syncDirectory(directory);
    }
  }
  return recovered;
}

/** Byte offset just after the last newline (0 when there is none). */
function lastCompleteLineEnd(path: string): number {
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  try {
    for (let end = size; end > 0; end -= TAIL_BYTES) {
      const start = Math.max(0, end - TAIL_BYTES);
      const buffer = Buffer.alloc(end - start);
      readSync(fd, buffer, 0, buffer.length, start);
      const newline = buffer.lastIndexOf(0x0a);
      if (newline >= 0) return start + newline + 1;
    }
    return 0;
  } finally {
    closeSync(fd);
  }
}
