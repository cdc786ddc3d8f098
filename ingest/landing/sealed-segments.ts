import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** A sealed landing segment, named as raw_landing_segments records it: "<folder>/<file>". */
export interface SealedSegment {
  folder: string;
  relativePath: string;
  path: string;
  bytes: number;
}

/**
 * Every sealed segment under the landing log, folder by folder, in landing order; `skip` leaves
 * out segments before they are looked at (the loaded ones, of which there can be many).
 */
export function sealedSegments(landingDir: string, skip: (relativePath: string) => boolean = () => false): SealedSegment[] {
  if (!existsSync(landingDir)) return [];
  return readdirSync(landingDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) =>
      readdirSync(join(landingDir, entry.name))
        .filter((name) => name.endsWith('.ndjson') && !skip(`${entry.name}/${name}`))
        .sort()
        .map((name) => {
          const path = join(landingDir, entry.name, name);
          return { folder: entry.name, relativePath: `${entry.name}/${name}`, path, bytes: statSync(path).size };
        }),
    );
}
