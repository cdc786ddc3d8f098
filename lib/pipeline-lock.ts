import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { isProcessAlive } from './is-process-alive.ts';
import { UserError } from './user-error.ts';

interface LockHolder {
  pid: number;
  purpose: string;
  since: string;
}

const POLL_MS = 200;
const GUARD_EXPIRY_MS = 10_000;

/**
 * Serialises the writers of a data directory (ingest, build, the server's scheduled builds):
 * DuckDB allows one writer per file, and two builds at once would waste work and race on the swap.
 * A lock left by a dead process is taken over. Returns the release function.
 */
export async function acquirePipelineLock(
  lockPath: string,
  purpose: string,
  { waitMs = 10 * 60_000 }: { waitMs?: number } = {},
): Promise<() => void> {
  const deadline = Date.now() + waitMs;
  let announced = false;
  for (;;) {
    if (tryCreate(lockPath, purpose)) return () => release(lockPath);
    const holder = readHolder(lockPath);
    if (holder && holder.pid !== process.pid && !isProcessAlive(holder.pid) && takeOver(lockPath, holder)) continue;
    if (holder && holder.pid === process.pid) {
      throw new Error(`pipeline lock ${lockPath} is already held by this process (${holder.purpose})`);
    }
    if (Date.now() > deadline) {
      throw new UserError(`gave up waiting for ${describe(holder)} to release ${lockPath}`);
    }
    if (!announced && holder) {
      process.stderr.write(`waiting for ${describe(holder)} to finish…\n`);
      announced = true;
    }
    await sleep(POLL_MS);
  }
}

function tryCreate(lockPath: string, purpose: string): boolean {
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  const holder: LockHolder = { pid: process.pid, purpose, since: new Date().toISOString() };
  writeSync(fd, JSON.stringify(holder));
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
    if (current?.pid === stale.pid && current.since === stale.since) rmSync(lockPath, { force: true });
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

function release(lockPath: string): void {
  const holder = readHolder(lockPath);
  if (holder?.pid === process.pid) rmSync(lockPath, { force: true });
}

function describe(holder: LockHolder | undefined): string {
  return holder ? `${holder.purpose} (pid ${holder.pid}, since ${holder.since})` : 'another pipeline run';
}
