import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedParse, shareParse } from '../../pipeline/parse-cache.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/** A project with a target/ and a data directory's dbt target, without running dbt. */
function setUp(): { project: string; dbtTarget: string; own: string; shared: () => string | undefined } {
  const project = tempDir('replywatch-project-');
  const dbtTarget = join(tempDir(), '.dbt', 'target');
  const shared = (): string | undefined => {
    const target = join(project, 'target');
    const name = existsSync(target) ? readdirSync(target).find((file) => file.endsWith('.msgpack')) : undefined;
    return name && join(target, name);
  };
  return { project, dbtTarget, own: join(dbtTarget, 'partial_parse.msgpack'), shared };
}

function writeAged(file: string, text: string, secondsAgo: number): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
  const at = Date.now() / 1000 - secondsAgo;
  utimesSync(file, at, at);
}

describe('the saved dbt parse', () => {
  it("is kept when newer than the project's, seeds a data directory without one, and never replaces a data directory's own", () => {
    const { project, dbtTarget, own, shared } = setUp();
    writeAged(own, 'first directory', 60);
    shareParse(project, dbtTarget);
    expect(readFileSync(shared()!, 'utf8')).toBe('first directory');

    // An older parse does not replace a newer saved one.
    writeAged(own, 'older', 3600);
    shareParse(project, dbtTarget);
    expect(readFileSync(shared()!, 'utf8')).toBe('first directory');

    // A data directory with its own parse keeps it; one without starts from the saved parse.
    seedParse(project, dbtTarget);
    expect(readFileSync(own, 'utf8')).toBe('older');
    const fresh = join(tempDir(), '.dbt', 'target');
    seedParse(project, fresh);
    expect(readFileSync(join(fresh, 'partial_parse.msgpack'), 'utf8')).toBe('first directory');
  });
});
