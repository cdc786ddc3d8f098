import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGroupCommitAppender } from '../../ingest/landing/group-commit-appender.ts';
import { tempDir } from '../helpers/temp-dir.ts';

describe('the group-commit appender', () => {
  it('keeps accepting appends around seals, numbering lines per segment', async () => {
    const dir = tempDir();
    const appender = createGroupCommitAppender(dir);
    await appender.seal(); // nothing open yet
    await Promise.all([1, 2, 3].map((n) => appender.append((seq) => JSON.stringify({ seq, n }))));
    const sealing = appender.seal();
    const during = appender.append((seq) => JSON.stringify({ seq, n: 4 }));
    await Promise.all([sealing, during]);
    await appender.append((seq) => JSON.stringify({ seq, n: 5 }));
    await appender.close();
    const segments = readdirSync(dir).sort();
    expect(segments.every((name) => name.endsWith('.ndjson'))).toBe(true);
    const lines = segments.flatMap((name) => readFileSync(join(dir, name), 'utf8').trim().split('\n').map((line) => JSON.parse(line)));
    expect(lines.map((line) => line.n).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(appender.durableCount()).toBe(5);
    for (const name of segments) {
      const seqs = readFileSync(join(dir, name), 'utf8').trim().split('\n').map((line) => JSON.parse(line).seq);
      expect(seqs).toEqual(seqs.map((_, index) => index + 1));
    }
  });

  it('rolls to a new segment when one is full, losing no line', async () => {
    const dir = tempDir();
    const appender = createGroupCommitAppender(dir, 200);
    for (let round = 0; round < 5; round += 1) {
      await Promise.all(Array.from({ length: 10 }, (_, n) => appender.append((seq) => JSON.stringify({ seq, n: round * 10 + n, pad: 'x'.repeat(20) }))));
    }
    await appender.close();
    const lines = readdirSync(dir).flatMap((name) => readFileSync(join(dir, name), 'utf8').trim().split('\n'));
    expect(lines).toHaveLength(50);
    expect(readdirSync(dir).length).toBeGreaterThan(1);
  });

  it('refuses appends after close', async () => {
    const appender = createGroupCommitAppender(tempDir());
    await appender.close();
    await expect(appender.append(() => '{}')).rejects.toThrow('the landing log is closed');
  });
});
