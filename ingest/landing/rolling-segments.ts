import { createSegmentWriter, newSegmentName, type SegmentWriter } from './segment-writer.ts';

/** Segments are sealed at about this size, so a load never has to take in a huge file at once. */
export const SEGMENT_BYTES = 64 << 20;
/** Lines are gathered up to about this many bytes per write. */
const FLUSH_BYTES = 1 << 20;

/** Text already encoded as UTF-8 (a record kept verbatim), with its length as a JS string. */
export interface Utf8Text {
  bytes: Uint8Array;
  chars: number;
}

/** Appends lines to a sequence of segments in one landing folder, sealing each when it is full. */
export interface RollingSegments {
  /**
   * Buffers one line: its parts in order, then a line break. Returns true when the caller must
   * `await flush()` before the next append. Synchronous, so a record costs no promise.
   */
  append(parts: ReadonlyArray<string | Utf8Text>): boolean;
  flush(): Promise<void>;
  /** Seals the open segment; returns the paths of every sealed segment. */
  seal(): Promise<string[]>;
  discard(): Promise<void>;
}

/**
 * A segment is sealed after the line that takes it to `segmentBytes`, counted in UTF-16 code units
 * of the lines as JS strings (as this has always measured them, so files split where they did).
 */
export function createRollingSegments(directory: string, token: string, segmentBytes = SEGMENT_BYTES): RollingSegments {
  const sealed: string[] = [];
  let current: SegmentWriter | undefined;
  let segmentChars = 0;
  let buffer: Buffer = Buffer.allocUnsafe(FLUSH_BYTES * 2);
  let used = 0;
  let lines = 0;
  // Writes and seals (fsync, rename) run in the background while the next lines gather: one write
  // at a time, from the other of two buffers; seals in order, each after its segment's last write.
  // They never reject: the first failure is kept, and thrown at the next flush or seal. A segment
  // full before a failure is still sealed, as when seals were awaited in line.
  let spare: Buffer | undefined;
  let writing: Promise<boolean> = Promise.resolve(true);
  let sealing: Promise<void> = Promise.resolve();
  let failure: { error: unknown } | undefined;
  const fail = (error: unknown): void => {
    failure ??= { error };
  };
  const throwIfFailed = (): void => {
    if (failure) throw failure.error;
  };

  const reserve = (bytes: number): void => {
    if (used + bytes <= buffer.length) return;
    const larger = Buffer.allocUnsafe(Math.max(buffer.length * 2, used + bytes));
    buffer.copy(larger, 0, 0, used);
    buffer = larger;
  };

  const flush = async (): Promise<void> => {
    throwIfFailed();
    if (lines > 0) {
      current ??= await createSegmentWriter(directory, newSegmentName(token));
      // The spare buffer is free once the write before is done.
      await writing;
      throwIfFailed();
      writing = current.write(buffer.subarray(0, used), lines).then(
        () => true,
        (error: unknown) => {
          fail(error);
          return false;
        },
      );
      // A huge record grew the buffer; do not keep that much for the rest of the file.
      const written = buffer.length > FLUSH_BYTES * 8 ? undefined : buffer;
      buffer = spare ?? Buffer.allocUnsafe(FLUSH_BYTES * 2);
      spare = written;
      used = 0;
      lines = 0;
    }
    if (current && segmentChars >= segmentBytes) {
      const full = current;
      const lastWrite = writing;
      // A segment whose last write failed is dropped: nothing in it was accepted.
      sealing = Promise.all([sealing, lastWrite])
        .then(([, written]) => (written ? full.seal() : full.discard()))
        .catch(fail);
      sealed.push(full.path);
      current = undefined;
      segmentChars = 0;
    }
  };

  return {
    append(parts) {
      if (segmentChars >= segmentBytes) throw new Error('append after a full segment: flush() first');
      for (const part of parts) {
        if (typeof part === 'string') {
          if (part === '') continue;
          // At most 3 bytes of UTF-8 per UTF-16 code unit.
          reserve(part.length * 3);
          used += buffer.write(part, used);
          segmentChars += part.length;
        } else {
          reserve(part.bytes.length);
          buffer.set(part.bytes, used);
          used += part.bytes.length;
          segmentChars += part.chars;
        }
      }
      reserve(1);
      buffer[used++] = 0x0a;
      segmentChars += 1;
      lines += 1;
      return used >= FLUSH_BYTES || segmentChars >= segmentBytes;
    },
    flush,
    async seal() {
      await flush();
      await writing;
      throwIfFailed();
      if (current) {
        await current.seal();
        sealed.push(current.path);
        current = undefined;
      }
      await sealing;
      throwIfFailed();
      return sealed;
    },
    async discard() {
      used = 0;
      lines = 0;
      await writing;
      await sealing;
      await current?.discard();
      current = undefined;
    },
  };
}
