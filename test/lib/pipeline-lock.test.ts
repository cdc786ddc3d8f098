import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquirePipelineLock } from '../../lib/pipeline-lock.ts';
import { REPO } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/** Another process that takes the lock, says so, and releases it after `holdMs`. */
function holdLockElsewhere(lock: string, holdMs: number): Promise<{ releasedAt: () => number }> {
  const script = `
    const { acquirePipelineLock } = await import(${JSON.stringify(join(REPO, 'lib', 'pipeline-lock.ts'))});
    const release = await acquirePipelineLock(${JSON.stringify(lock)}, 'replywatch build');
    console.log('locked');
    setTimeout(() => { release(); console.log('released'); }, ${holdMs});`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO });
  let releasedAt = 0;
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.includes('locked')) resolve({ releasedAt: () => releasedAt });
      if (chunk.includes('released')) releasedAt = Date.now();
    });
    child.on('error', reject);
  });
}

describe('the pipeline lock', () => {
  it('makes a second writer wait until the first releases', async () => {
    const lock = join(tempDir(), '.pipeline.lock');
    const holder = await holdLockElsewhere(lock, 800);
    const release = await acquirePipelineLock(lock, 'replywatch ingest');
    const acquiredAt = Date.now();
    release();
    expect(holder.releasedAt()).toBeGreaterThan(0);
    expect(acquiredAt).toBeGreaterThanOrEqual(holder.releasedAt());
    expect(existsSync(lock)).toBe(false);
  });

  it('takes over a lock left by a process that died', async () => {
    const lock = join(tempDir(), '.pipeline.lock');
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid;
    writeFileSync(lock, JSON.stringify({ pid: dead, purpose: 'replywatch build', since: '2026-11-27T00:00:00Z' }));
    const release = await acquirePipelineLock(lock, 'after a crash', { waitMs: 1000 });
    release();
    expect(existsSync(lock)).toBe(false);
  });

  it('gives up with a message naming the holder', async () => {
    const lock = join(tempDir(), '.pipeline.lock');
    await holdLockElsewhere(lock, 3000);
    await expect(acquirePipelineLock(lock, 'replywatch ingest', { waitMs: 300 })).rejects.toThrow(
      /gave up waiting for replywatch build \(pid \d+, since .*\) to release .*\.pipeline\.lock/,
    );
  });
});
