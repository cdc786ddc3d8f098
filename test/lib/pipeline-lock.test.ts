import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquirePipelineLock } from '../../lib/pipeline-lock.ts';
import { REPO } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/**
 * Another process that takes the lock, says so, and releases it after `holdMs`. `released` is when
 * it began releasing, by its own clock (read just before the release), whenever its message arrives.
 */
function holdLockElsewhere(dir: string, holdMs: number): Promise<{ released: Promise<number> }> {
  const script = `
    const { acquirePipelineLock } = await import(${JSON.stringify(join(REPO, 'lib', 'pipeline-lock.ts'))});
    const release = await acquirePipelineLock(${JSON.stringify(join(dir, '.pipeline.lock'))}, ${JSON.stringify(join(dir, '.leases'))}, 'replywatch build');
    console.log('locked');
    setTimeout(() => { const at = Date.now(); release(); console.log('released ' + at); }, ${holdMs});`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO });
  let output = '';
  let onReleased: (at: number) => void = () => undefined;
  const released = new Promise<number>((resolve) => (onReleased = resolve));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('locked')) resolve({ released });
      const at = /released (\d+)/.exec(output);
      if (at) onReleased(Number(at[1]));
    });
    child.on('error', reject);
  });
}

function staleLock(dir: string, pid: number): void {
  mkdirSync(join(dir, '.leases'), { recursive: true });
  // The holder's lease file is gone: the process died (its pid may well be reused by now).
  writeFileSync(join(dir, '.pipeline.lock'), JSON.stringify({ token: '0123456789ab', pid, purpose: 'replywatch build', since: '2026-11-27T00:00:00Z' }));
}

describe('the pipeline lock', () => {
  it('makes a second writer wait until the first releases', async () => {
    const dir = tempDir();
    const holder = await holdLockElsewhere(dir, 800);
    const release = await acquirePipelineLock(join(dir, '.pipeline.lock'), join(dir, '.leases'), 'replywatch ingest');
    const acquiredAt = Date.now();
    release();
    // The holder's message can arrive after this process already took the lock: wait for it.
    const releasedAt = await holder.released;
    expect(releasedAt).toBeGreaterThan(0);
    expect(acquiredAt).toBeGreaterThanOrEqual(releasedAt);
    expect(existsSync(join(dir, '.pipeline.lock'))).toBe(false);
  });

  it('takes over a lock whose holder stopped renewing its lease, even when its pid is alive (reused)', async () => {
    const dir = tempDir();
    staleLock(dir, 1);
    const release = await acquirePipelineLock(join(dir, '.pipeline.lock'), join(dir, '.leases'), 'after a crash', { waitMs: 1000 });
    release();
    expect(existsSync(join(dir, '.pipeline.lock'))).toBe(false);
  });

  it('gives up with a message naming the holder', async () => {
    const dir = tempDir();
    await holdLockElsewhere(dir, 3000);
    await expect(acquirePipelineLock(join(dir, '.pipeline.lock'), join(dir, '.leases'), 'replywatch ingest', { waitMs: 300 })).rejects.toThrow(
      /gave up waiting for replywatch build \(pid \d+, since .*\) to release .*\.pipeline\.lock/,
    );
  });

  it('stops waiting when told to (a server shutting down)', async () => {
    const dir = tempDir();
    await holdLockElsewhere(dir, 5000);
    const controller = new AbortController();
    const waiting = acquirePipelineLock(join(dir, '.pipeline.lock'), join(dir, '.leases'), 'scheduled build', { signal: controller.signal });
    setTimeout(() => controller.abort(), 300);
    await expect(waiting).rejects.toThrow('stopped while waiting for');
  });

  it('refuses to take a lock this process already holds, in one line', async () => {
    const dir = tempDir();
    const release = await acquirePipelineLock(join(dir, '.pipeline.lock'), join(dir, '.leases'), 'replywatch build');
    await expect(acquirePipelineLock(join(dir, '.pipeline.lock'), join(dir, '.leases'), 'replywatch ingest')).rejects.toThrow(
      'is already held by this process (replywatch build); one pipeline step at a time',
    );
    release();
  });
});
