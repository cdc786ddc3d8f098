import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** A sealed landing segment, named as raw_landing_segments records it: "<folder>/<file>". */
export interface SealedSegment {
  folder: string;
  relativePath: string;
  path: string;
  bytes: number;
}

/** Every sealed segment under the landing log, folder by folder, in landing order. */
export function sealedSegments(landingDir: string): SealedSegment[] {
  if (!existsSync(landingDir)) return [];
  return readdirSync(landingDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) =>
      readdirSync(join(landingDir, entry.name))
        .filter((name) => name.endsWith('.ndjson'))
        .sort()
        .map((name) => {
          const path = join(landingDir, entry.name, name);
          return { folder: entry.name, relativePath: `${entry.name}/${name}`, path, bytes: statSync(path).size };
        }),
    );
}
