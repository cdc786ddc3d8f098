import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';

/**
 * When an untouched lease counts as abandoned (REPLYWATCH_LEASE_TTL_MS, default 30 s); a live
 * process touches its lease six times as often.
 */
function ttlMs(): number {
  const ttl = Number(process.env.REPLYWATCH_LEASE_TTL_MS);
  return Number.isFinite(ttl) && ttl >= 100 ? ttl : 30_000;
}

interface Lease {
  token: string;
  file: string;
}

const leases = new Map<string, Lease>();
let timer: NodeJS.Timeout | undefined;

/**
 * This process's lease in a data directory: a file named by a random token, touched every few
 * seconds while the process lives. Open landing segments and the pipeline lock carry the token,
 * so another process can tell whether their owner is alive even when process ids are reused
 * (a container's server is pid 1 after every restart) or belong to another pid namespace.
 */
export function processLease(leasesDir: string): string {
  let lease = leases.get(leasesDir);
  if (!lease) {
    mkdirSync(leasesDir, { recursive: true });
    lease = { token: randomBytes(6).toString('hex'), file: '' };
    lease.file = join(leasesDir, lease.token);
    closeSync(openSync(lease.file, 'w'));
    leases.set(leasesDir, lease);
    timer ??= setInterval(renewAll, ttlMs() / 6).unref();
  }
  return lease.token;
}

/** True when the token is ours, or its lease was renewed recently. */
export function isLeaseAlive(leasesDir: string, token: string): boolean {
  if (leases.get(leasesDir)?.token === token) return true;
  const stat = statSync(join(leasesDir, token), { throwIfNoEntry: false });
  return stat !== undefined && Date.now() - stat.mtimeMs < ttlMs();
}

function renewAll(): void {
  const now = new Date();
  for (const lease of leases.values()) {
    try {
      utimesSync(lease.file, now, now);
    } catch {
      try {
        closeSync(openSync(lease.file, 'w')); // removed under us: recreate it
      } catch {
        // Its whole directory is gone (the data directory was removed): renewed once it is back.
        // Throwing from a timer would kill the process.
      }
    }
  }
}

process.once('exit', () => {
  for (const lease of leases.values()) rmSync(lease.file, { force: true });
});
