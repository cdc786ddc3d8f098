import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { isLeaseAlive, processLease } from './process-lease.ts';
import { UserError } from './user-error.ts';

interface LockHolder {
  token: string;
  pid: number;
  purpose: string;
  since: string;
}

const POLL_MS = 200;
const GUARD_EXPIRY_MS = 10_000;

/**
 * Serialises the writers of a data directory (ingest, build, the server's scheduled builds):
 * DuckDB allows one writer per file, and two builds at once would waste work and race on the swap.
 * The lock names its holder's lease (process-lease.ts); a lock whose lease is no longer renewed
 * belongs to a process that died and is taken over. Waiting stops when `signal` aborts.
 * Returns the release function.
 */
export async function acquirePipelineLock(
  lockPath: string,
  leasesDir: string,
  purpose: string,
  { waitMs = 10 * 60_000, signal }: { waitMs?: number; signal?: AbortSignal } = {},
): Promise<() => void> {
  const token = processLease(leasesDir);
  const deadline = Date.now() + waitMs;
  let announced = false;
  for (;;) {
    if (signal?.aborted) throw new UserError(`stopped while waiting for ${lockPath}`);
    if (tryCreate(lockPath, token, purpose)) return () => release(lockPath, token);
    const holder = readHolder(lockPath);
    if (holder?.token === token) {
      throw new UserError(`${lockPath} is already held by this process (${holder.purpose}); one pipeline step at a time`);
    }
    if (holder && !isLeaseAlive(leasesDir, holder.token) && takeOver(lockPath, holder)) continue;
    if (Date.now() > deadline) throw new UserError(`gave up waiting for ${describe(holder)} to release ${lockPath}`);
    if (!announced && holder) {
      process.stderr.write(`waiting for ${describe(holder)} to finish…\n`);
      announced = true;
    }
    await sleep(POLL_MS, undefined, { signal }).catch(() => undefined);
  }
}

function tryCreate(lockPath: string, token: string, purpose: string): boolean {
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  const holder: LockHolder = { token, pid: process.pid, purpose, since: new Date().toISOString() };
  try {
    writeSync(fd, JSON.stringify(holder));
  } catch (error) {
    // On a full disk the lock was created empty: it named no holder, so no later run could ever
    // take it over, and every build and ingest waited on it until someone deleted it by hand.
    closeSync(fd);
    rmSync(lockPath, { force: true });
    throw error;
  }
  closeSync(fd);
  return true;
}

/**
 * Removes a lock left by a dead process. Two processes can find the same dead holder at once, so
 * the removal happens under a second, exclusive guard file, and only when the lock still names
 * that holder: otherwise the later process would delete the lock the earlier one just took.
 */
function takeOver(lockPath: string, stale: LockHolder): boolean {
  const guard = `${lockPath}.takeover`;
  let fd: number;
  try {
    fd = openSync(guard, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // A guard older than a few seconds belongs to a process that died while taking over.
    const guardStat = statSync(guard, { throwIfNoEntry: false });
    if (guardStat && Date.now() - guardStat.mtimeMs > GUARD_EXPIRY_MS) rmSync(guard, { force: true });
    return false;
  }
  try {
    const current = readHolder(lockPath);
    if (current?.token === stale.token && current.since === stale.since) rmSync(lockPath, { force: true });
  } finally {
    closeSync(fd);
    rmSync(guard, { force: true });
  }
  return true;
}

function readHolder(lockPath: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(lockPath, 'utf8')) as LockHolder;
  } catch {
    return undefined; // being written or just removed: look again on the next poll
  }
}

function release(lockPath: string, token: string): void {
  if (readHolder(lockPath)?.token === token) rmSync(lockPath, { force: true });
}

function describe(holder: LockHolder | undefined): string {
  return holder ? `${holder.purpose} (pid ${holder.pid}, since ${holder.since})` : 'another pipeline run';
}
