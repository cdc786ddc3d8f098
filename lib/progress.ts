/**
 * Progress on stderr for anything that takes more than a few seconds. On a terminal it redraws one
 * line; elsewhere (CI, pipes) it prints a line every few seconds so logs stay short.
 */
export interface Progress {
  advance(count?: number): void;
  finish(summary?: string): void;
}

const REDRAW_MS = 100;
const LOG_EVERY_MS = 5000;

const SILENT: Progress = { advance() {}, finish() {} };

export function startProgress(label: string, options: { total?: number; unit?: string; silent?: boolean } = {}): Progress {
  if (options.silent) return SILENT;
  const stream = process.stderr;
  const interactive = stream.isTTY === true;
  const unit = options.unit ?? 'records';
  const amount = (n: number): string => (unit === 'bytes' ? `${(n / 1e6).toFixed(0)} MB` : n.toLocaleString('en-IN'));
  const startedAt = Date.now();
  let done = 0;
  let lastDrawn = 0;

  const describe = (): string => {
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    const count = amount(done);
    const shownUnit = unit === 'bytes' ? '' : ` ${unit}`;
    if (!options.total) return `${label}: ${count}${shownUnit} (${seconds}s)`;
    const share = Math.min(1, done / options.total);
    const bar = '#'.repeat(Math.round(share * 20)).padEnd(20, '.');
    return `${label}: [${bar}] ${Math.floor(share * 100)}% ${count}/${amount(options.total)}${shownUnit} (${seconds}s)`;
  };

  const draw = (force: boolean): void => {
    const now = Date.now();
    if (!force && now - lastDrawn < (interactive ? REDRAW_MS : LOG_EVERY_MS)) return;
    lastDrawn = now;
    stream.write(interactive ? `\r\x1b[2K${describe()}` : `${describe()}\n`);
  };
  if (!interactive) lastDrawn = startedAt;

  return {
    advance(count = 1) {
      done += count;
      draw(false);
    },
    finish(summary) {
      const line = summary ? `${label}: ${summary}` : describe();
      stream.write(interactive ? `\r\x1b[2K${line}\n` : `${line}\n`);
    },
  };
}
