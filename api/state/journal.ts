import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * An append-only NDJSON file of events, the API's own state (acknowledgements, silences,
 * notifications): replayed on start, each append fsync'd before it returns, so what the API
 * answered survives a crash or restart. A torn last line (a crash mid-write) is skipped on replay.
 */
export interface Journal<Event> {
  readonly path: string;
  /** Every event appended so far, oldest first. */
  replay(): Event[];
  append(event: Event): void;
  close(): void;
}

export function openJournal<Event>(path: string): Journal<Event> {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const existing = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const events: Event[] = [];
  for (const line of existing.split('\n')) {
    if (!line.trim()) continue;
    try {
      events.push(JSON.parse(line) as Event);
    } catch {
      // A torn last line from a crash mid-append: the event was never acknowledged to anyone.
    }
  }
  const fd = openSync(path, 'a', 0o600);
  // Starts on a fresh line if the file ends torn.
  if (existing.length > 0 && !existing.endsWith('\n')) writeSync(fd, '\n');
  let open = true;
  return {
    path,
    replay: () => events.slice(),
    append(event) {
      if (!open) throw new Error(`journal ${path} is closed`);
      writeSync(fd, `${JSON.stringify(event)}\n`);
      fsyncSync(fd);
      events.push(event);
    },
    close() {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}
