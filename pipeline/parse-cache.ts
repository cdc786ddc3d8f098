import { copyFileSync, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * dbt's parse of the project (about 4 s) is saved in each data directory's target as
 * partial_parse.msgpack, so the first build of every new data directory parsed the project in full.
 * The project's own target/ keeps the latest one for every data directory to start from. dbt
 * checks it against the project's files, its own version, the vars and the profile's values, and
 * parses again whatever changed, so a stale copy costs a parse and is never wrong. Best effort: a read-only project only
 * loses the head start.
 */
const FILE = 'partial_parse.msgpack';

/** Seeds a data directory's dbt target with the project's saved parse, unless it has its own. */
export function seedParse(projectDir: string, dbtTarget: string): void {
  const own = join(dbtTarget, FILE);
  const shared = join(projectDir, 'target', FILE);
  if (existsSync(own) || !existsSync(shared)) return;
  try {
    mkdirSync(dbtTarget, { recursive: true });
    copyFileSync(shared, own);
  } catch {
    // A parse from scratch, as without the cache.
  }
}

/** Keeps a data directory's parse as the project's, when it is newer; atomic for concurrent builds. */
export function shareParse(projectDir: string, dbtTarget: string): void {
  const own = join(dbtTarget, FILE);
  const shared = join(projectDir, 'target', FILE);
  try {
    if (!existsSync(own)) return;
    if (existsSync(shared) && statSync(shared).mtimeMs >= statSync(own).mtimeMs) return;
    mkdirSync(join(projectDir, 'target'), { recursive: true });
    const temporary = `${shared}.${process.pid}.tmp`;
    copyFileSync(own, temporary);
    renameSync(temporary, shared);
  } catch {
    // The next data directory parses in full, as without the cache.
  }
}
