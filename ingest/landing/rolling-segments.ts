import { createSegmentWriter, newSegmentName, type SegmentWriter } from './segment-writer.ts';

/** Segments are sealed at about this size, so a load never has to take in a huge file at once. */
export const SEGMENT_BYTES = 64 << 20;

/** Appends lines to a sequence of segments in one landing folder, sealing each when it is full. */
export interface RollingSegments {
  append(line: string): Promise<number>;
  /** Seals the open segment; returns the paths of every sealed segment. */
  seal(): Promise<string[]>;
  discard(): Promise<void>;
}

export function createRollingSegments(directory: string, token: string, segmentBytes = SEGMENT_BYTES): RollingSegments {
  const sealed: string[] = [];
  let current: SegmentWriter | undefined;
  let bytes = 0;
  let total = 0;
  return {
    async append(line) {
      if (current && bytes >= segmentBytes) {
        await current.seal();
        sealed.push(current.path);
        current = undefined;
      }
      if (!current) {
        current = await createSegmentWriter(directory, newSegmentName(token));
        bytes = 0;
      }
      await current.append(line);
      bytes += line.length + 1;
      total += 1;
      return total;
    },
    async seal() {
      if (current) {
        await current.seal();
        sealed.push(current.path);
        current = undefined;
      }
      return sealed;
    },
    async discard() {
      await current?.discard();
      current = undefined;
    },
  };
}
