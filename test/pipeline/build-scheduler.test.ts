import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { dataPaths } from '../../lib/data-paths.ts';
import { processLease } from '../../lib/process-lease.ts';
import { createGroupCommitAppender } from '../../ingest/landing/group-commit-appender.ts';
import { sealedSegments } from '../../ingest/landing/sealed-segments.ts';
import { startBuildScheduler, type BuildScheduler } from '../../pipeline/build-scheduler.ts';
import { tempDir } from '../helpers/temp-dir.ts';

describe('the build scheduler with scheduled builds off (--build-every 0)', () => {
  let scheduler: BuildScheduler | undefined;
  afterEach(async () => scheduler?.stop());

  it('still seals what landed, so a build run from cron picks it up', async () => {
    const paths = dataPaths(tempDir());
    const landing = createGroupCommitAppender(join(paths.landing, 'whatsapp'), processLease(paths.leases));
    const logged: string[] = [];
    scheduler = startBuildScheduler({ paths, everySeconds: 0, landing, log: (level, message) => logged.push(`${level}: ${message}`), sealEveryMs: 20 });
    await landing.append((seq) => `{"seq":${seq}}`);
    expect(sealedSegments(paths.landing)).toHaveLength(0);
    for (let waited = 0; sealedSegments(paths.landing).length === 0 && waited < 5000; waited += 20) await sleep(20);
    expect(sealedSegments(paths.landing).map((segment) => segment.folder)).toEqual(['whatsapp']);
    // Nothing new: no empty segments pile up, and nothing was built.
    await sleep(100);
    expect(sealedSegments(paths.landing)).toHaveLength(1);
    expect(logged).toEqual([]);
    await landing.close();
  });
});
