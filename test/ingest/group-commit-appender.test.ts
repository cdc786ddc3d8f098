import { readdirSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGroupCommitAppender, type SegmentFile } from '../../ingest/landing/group-commit-appender.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const TOKEN = 'test0token01';

function segmentLines(dir: string): Array<{ name: string; lines: Array<Record<string, unknown>> }> {
  return readdirSync(dir)
    .sort()
    .map((name) => ({ name, lines: readFileSync(join(dir, name), 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line)) }));
}

/** A real file whose writes misbehave on cue: short writes, then a failure. */
function flakyOpen(plan: { shortWritesFrom?: number; failWrite?: number }) {
  let writes = 0;
  return async (path: string): Promise<SegmentFile> => {
    const handle = await open(path, 'wx');
    return {
      async write(buffer, offset, length, position) {
        writes += 1;
        if (writes === plan.failWrite) {
          await handle.write(buffer, offset, Math.floor(length / 2), position); // half reaches the disk
          throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        }
        const size = plan.shortWritesFrom !== undefined && writes >= plan.shortWritesFrom ? Math.min(length, 7) : length;
        return handle.write(buffer, offset, size, position);
      },
      datasync: () => handle.datasync(),
      truncate: (length) => handle.truncate(length),
      close: () => handle.close(),
    };
  };
}

describe('the group-commit appender', () => {
  it('keeps accepting appends around seals, numbering lines per segment', async () => {
    const dir = tempDir();
    const appender = createGroupCommitAppender(dir, TOKEN);
    await appender.seal(); // nothing open yet
    await Promise.all([1, 2, 3].map((n) => appender.append((seq) => JSON.stringify({ seq, n }))));
    const sealing = appender.seal();
    const during = appender.append((seq) => JSON.stringify({ seq, n: 4 }));
    await Promise.all([sealing, during]);
    await appender.append((seq) => JSON.stringify({ seq, n: 5 }));
    await appender.close();
    const segments = segmentLines(dir);
    expect(segments.every(({ name }) => name.endsWith('.ndjson') && name.includes(TOKEN))).toBe(true);
    expect(segments.flatMap(({ lines }) => lines.map((line) => line.n)).sort()).toEqual([1, 2, 3, 4, 5]);
    for (const { lines } of segments) expect(lines.map((line) => line.seq)).toEqual(lines.map((_, index) => index + 1));
    expect(appender.durableCount()).toBe(5);
  });

  it('rolls to a new segment when one is full, losing no line', async () => {
    const dir = tempDir();
    const appender = createGroupCommitAppender(dir, TOKEN, { segmentBytes: 200 });
    for (let round = 0; round < 5; round += 1) {
      await Promise.all(Array.from({ length: 10 }, (_, n) => appender.append((seq) => JSON.stringify({ seq, n: round * 10 + n, pad: 'x'.repeat(20) }))));
    }
    await appender.close();
    const segments = segmentLines(dir);
    expect(segments.flatMap(({ lines }) => lines)).toHaveLength(50);
    expect(segments.length).toBeGreaterThan(1);
  });

  it('finishes short writes instead of taking them for success', async () => {
    const dir = tempDir();
    const appender = createGroupCommitAppender(dir, TOKEN, { open: flakyOpen({ shortWritesFrom: 1 }) });
    await Promise.all(['a', 'b'].map((n) => appender.append((seq) => JSON.stringify({ seq, n, text: 'x'.repeat(100) }))));
    await appender.close();
    expect(segmentLines(dir).flatMap(({ lines }) => lines.map((line) => line.n))).toEqual(['a', 'b']);
  });

  it('rejects the appends of a failed write, keeps the segment whole, and writes the next ones to a new segment', async () => {
    const dir = tempDir();
    const appender = createGroupCommitAppender(dir, TOKEN, { open: flakyOpen({ failWrite: 2 }) });
    await appender.append((seq) => JSON.stringify({ seq, n: 'before' }));
    await expect(appender.append((seq) => JSON.stringify({ seq, n: 'lost' }))).rejects.toThrow('ENOSPC');
    await appender.append((seq) => JSON.stringify({ seq, n: 'after' }));
    await appender.close();
    const segments = segmentLines(dir);
    expect(segments.map(({ lines }) => lines.map((line) => line.n))).toEqual([['before'], ['after']]);
  });

  it('refuses appends after close', async () => {
    const appender = createGroupCommitAppender(tempDir(), TOKEN);
    await appender.close();
    await expect(appender.append(() => '{}')).rejects.toThrow('the landing log is closed');
  });
});
