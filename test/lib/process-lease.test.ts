import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { tempDir } from '../helpers/temp-dir.ts';

describe('a process lease', () => {
  it('outlives the removal of its data directory and is renewed once the directory is back', async () => {
    vi.stubEnv('REPLYWATCH_LEASE_TTL_MS', '300'); // renewed every 50 ms
    vi.resetModules();
    const { isLeaseAlive, processLease } = await import('../../lib/process-lease.ts');
    const leases = join(tempDir(), 'leases');
    const token = processLease(leases);
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', record);
    try {
      rmSync(leases, { recursive: true, force: true });
      await sleep(200); // several renewals with the directory gone
      expect(uncaught).toEqual([]);
      mkdirSync(leases);
      await sleep(200);
      expect(existsSync(join(leases, token))).toBe(true);
      expect(isLeaseAlive(leases, token)).toBe(true);
    } finally {
      process.off('uncaughtException', record);
      vi.unstubAllEnvs();
    }
  });
});
