import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from '../../lib/user-error.ts';
import { syncDirectory } from '../landing/segment-writer.ts';

/** Where an incremental pull of one CRM object stopped: the last modified time landed and, for HubSpot, the id within it. */
export interface PullCursor {
  watermark: string;
  /** Where within the records sharing the watermark the pull stopped (a HubSpot object id), if it did. */
  position: string | null;
  updated_at: string;
}

/**
 * The pull cursors of a data directory (`state/crm-cursors.json`). A cursor moves only after the
 * page it covers is durably landed, and the file is replaced atomically, so a crash at any point
 * resumes at a page that was already landed: re-landed records dedupe, none are skipped.
 */
export function createCursorStore(file: string) {
  const read = (): Record<string, PullCursor> => {
    if (!existsSync(file)) return {};
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Record<string, PullCursor>;
    } catch (error) {
      // Written atomically, so only a hand edit or a damaged disk gets here: say which file and what to do.
      throw new UserError(`${file} is not valid JSON (${(error as Error).message}); fix it, or delete it to pull everything again (records already landed are not doubled)`);
    }
  };
  return {
    get(key: string): PullCursor | undefined {
      return read()[key];
    },
    set(key: string, cursor: Omit<PullCursor, 'updated_at'>): void {
      const all = read();
      all[key] = { ...cursor, updated_at: new Date().toISOString() };
      mkdirSync(dirname(file), { recursive: true });
      const temporary = `${file}.${process.pid}.tmp`;
      const fd = openSync(temporary, 'w');
      try {
        writeSync(fd, `${JSON.stringify(all, null, 2)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temporary, file);
      syncDirectory(dirname(file));
    },
  };
}

export type CursorStore = ReturnType<typeof createCursorStore>;
