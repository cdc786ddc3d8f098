import { appendFileSync, existsSync, openSync, closeSync, fsyncSync, readFileSync } from 'node:fs';

/** What the landing log holds of one input file, so that landing the same file again adds nothing. */
export interface ManifestEntry {
  kind: string;
  sha256: string;
  source: string;
  segments: string[];
  quarantine_segments: string[];
  accepted: number;
  quarantined: number;
  landed_at: string;
}

export function findManifestEntry(manifestPath: string, kind: string, sha256: string): ManifestEntry | undefined {
  if (!existsSync(manifestPath)) return undefined;
  for (const line of readFileSync(manifestPath, 'utf8').split('\n')) {
    if (!line) continue;
    try {
      const entry = JSON.parse(line) as ManifestEntry;
      if (entry.kind === kind && entry.sha256 === sha256) return entry;
    } catch {
      // a torn last line from a crash: the file it describes simply lands again, and dedups in raw
    }
  }
  return undefined;
}

export function appendManifestEntry(manifestPath: string, entry: ManifestEntry): void {
  appendFileSync(manifestPath, `${JSON.stringify(entry)}\n`);
  const fd = openSync(manifestPath, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
