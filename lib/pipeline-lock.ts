import { openSync, closeSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { UserError } from './user-error.ts';

interface LockHolder {
  pid: number;
  purpose: string;
  since: string;
}

const POLL_MS = 200;

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
    if (holder && !isAlive(holder.pid)) {
      rmSync(lockPath, { force: true });
      continue;
    }
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

function readHolder(lockPath: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(lockPath, 'utf8')) as LockHolder;
  } catch {
    return undefined; // being written or just removed: look again on the next poll
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function release(lockPath: string): void {
  const holder = readHolder(lockPath);
  if (holder?.pid === process.pid) rmSync(lockPath, { force: true });
}

function describe(holder: LockHolder | undefined): string {
  return holder ? `${holder.purpose} (pid ${holder.pid}, since ${holder.since})` : 'another pipeline run';
}
