import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../lib/write-file-atomic.ts';

/**
 * dbt's parse of the project (about 4 s) is saved in each data directory's target as
 * partial_parse.msgpack, so the first build of every new data directory parsed the project in full.
 * The project's own target/ keeps the latest one for every data directory to start from. dbt
 * checks it against the project's files, its own version, the vars and the profile's values, and
 * parses again whatever changed, so a stale copy costs a parse. It does not check where the project
 * is, and a parse records absolute paths (dbt reads seeds from them), so the saved parse is named
 * for the project's real path: a copied or moved project starts from scratch, never from the
 * original's files. Best effort: a read-only project only loses the head start.
 */
const OWN = 'partial_parse.msgpack';

function sharedParse(projectDir: string): string {
  const where = createHash('sha256').update(realpathSync(projectDir)).digest('hex').slice(0, 16);
  return join(projectDir, 'target', `replywatch-parse-${where}.msgpack`);
}

/** Seeds a data directory's dbt target with the project's saved parse, unless it has its own. */
export function seedParse(projectDir: string, dbtTarget: string): void {
  const own = join(dbtTarget, OWN);
  try {
    const shared = sharedParse(projectDir);
    if (existsSync(own) || !existsSync(shared)) return;
    mkdirSync(dbtTarget, { recursive: true });
    copyFileSync(shared, own);
  } catch {
    // A parse from scratch, as without the cache.
  }
}

/** Keeps a data directory's parse as the project's, when it is newer; atomic for concurrent builds. */
export function shareParse(projectDir: string, dbtTarget: string): void {
  const own = join(dbtTarget, OWN);
  try {
    const shared = sharedParse(projectDir);
    if (!existsSync(own)) return;
    if (existsSync(shared) && statSync(shared).mtimeMs >= statSync(own).mtimeMs) return;
    mkdirSync(join(projectDir, 'target'), { recursive: true });
    writeFileAtomic(shared, readFileSync(own));
  } catch {
    // The next data directory parses in full, as without the cache.
  }
}
