import { isUtf8 } from 'node:buffer';

/** Deeper nesting is left to JSON.parse. */
const MAX_DEPTH = 1024;
/** Per open container: 1 object, 2 list. */
const open = new Uint8Array(MAX_DEPTH);

const EXPECT_VALUE = 0;
const AFTER_VALUE = 1;
const EXPECT_KEY = 2;

const isSpace = (byte: number | undefined): boolean => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
const isDigit = (byte: number | undefined): boolean => byte !== undefined && byte >= 0x30 && byte <= 0x39;

/**
 * Checks that `bytes` are one JSON text, as JSON.parse would, without building its value: JSON.parse
 * builds a whole object graph of a webhook body that landing needs two fields of. Returns the
 * text's length as a JS string (UTF-16 code units), and sets `starts[i]` to the offset where the
 * value of top-level member `members[i]` starts (the last one, which JSON.parse keeps), else -1.
 *
 * Returns -1 when the bytes are not JSON, when their decoded text could differ from them (invalid
 * UTF-8; an escaped UTF-16 surrogate, which wellFormedJson may rewrite), or when it cannot tell (a
 * top-level key written with escapes; nesting past MAX_DEPTH): the caller then parses the text.
 */
export function scanJson(bytes: Uint8Array, members: readonly Uint8Array[], starts: Int32Array): number {
  const end = bytes.length;
  starts.fill(-1);
  let at = 0;
  let depth = 0;
  let state = EXPECT_VALUE;
  let member = -1;
  // Bytes past the first of each UTF-8 sequence, less one per 4-byte sequence (two UTF-16 units).
  let extra = 0;
  let high = false;
  while (at < end) {
    const byte = bytes[at] as number;
    if (isSpace(byte)) {
      at += 1;
      continue;
    }
    if (state === AFTER_VALUE) {
      if (depth === 0) return -1;
      const container = open[depth - 1];
      if (byte === 0x2c) state = container === 1 ? EXPECT_KEY : EXPECT_VALUE;
      else if (byte === (container === 1 ? 0x7d : 0x5d)) depth -= 1;
      else return -1;
      at += 1;
      continue;
    }
    if (state === EXPECT_KEY) {
      if (byte !== 0x22) return -1;
      const keyStart = at + 1;
      at = skipString(bytes, at);
      if (at < 0) return -1;
      extra += stringExtra;
      high ||= stringHigh;
      if (depth === 1) {
        if (stringEscaped) return -1;
        member = -1;
        for (let index = 0; index < members.length && member < 0; index += 1) {
          if (sameBytes(bytes, keyStart, at - 1, members[index] as Uint8Array)) member = index;
        }
      }
      while (isSpace(bytes[at])) at += 1;
      if (bytes[at] !== 0x3a) return -1;
      at += 1;
      state = EXPECT_VALUE;
      continue;
    }
    // EXPECT_VALUE
    if (member >= 0) {
      starts[member] = at;
      member = -1;
    }
    if (byte === 0x22) {
      at = skipString(bytes, at);
      if (at < 0) return -1;
      extra += stringExtra;
      high ||= stringHigh;
      state = AFTER_VALUE;
    } else if (byte === 0x7b || byte === 0x5b) {
      at += 1;
      while (isSpace(bytes[at])) at += 1;
      if (bytes[at] === byte + 2) {
        // {} or []: the closing bracket is two code points past the opening one.
        at += 1;
        state = AFTER_VALUE;
      } else {
        if (depth === MAX_DEPTH) return -1;
        open[depth] = byte === 0x7b ? 1 : 2;
        depth += 1;
        state = byte === 0x7b ? EXPECT_KEY : EXPECT_VALUE;
      }
    } else if (byte === 0x2d || isDigit(byte)) {
      at = skipNumber(bytes, at);
      if (at < 0) return -1;
      state = AFTER_VALUE;
    } else {
      const word = byte === 0x74 ? TRUE : byte === 0x66 ? FALSE : byte === 0x6e ? NULL : undefined;
      if (!word || !sameBytes(bytes, at, at + word.length, word)) return -1;
      at += word.length;
      state = AFTER_VALUE;
    }
  }
  if (state !== AFTER_VALUE || depth !== 0) return -1;
  if (high && !isUtf8(bytes)) return -1;
  return end - extra;
}

const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
const NULL = Buffer.from('null');

// Set by skipString for the string it skipped (module state, so no object per string).
let stringExtra = 0;
let stringHigh = false;
let stringEscaped = false;

/** The offset past the string that opens at `at`, or -1 when it is not a JSON string or needs rewriting. */
function skipString(bytes: Uint8Array, at: number): number {
  const end = bytes.length;
  let extra = 0;
  let high = false;
  let escaped = false;
  at += 1;
  for (;;) {
    if (at >= end) return -1;
    const byte = bytes[at] as number;
    at += 1;
    if (byte === 0x22) break;
    if (byte < 0x20) return -1;
    if (byte >= 0x80) {
      high = true;
      if (byte < 0xc0) extra += 1;
      else if (byte >= 0xf0) extra -= 1;
    } else if (byte === 0x5c) {
      escaped = true;
      const escape = bytes[at];
      at += 1;
      if (escape === 0x75) {
        if (at + 4 > end) return -1;
        for (let digit = 0; digit < 4; digit += 1) if (!isHex(bytes[at + digit] as number)) return -1;
        // \uD800–\uDFFF: wellFormedJson may rewrite it; the parsing path does that.
        if (isSurrogateEscape(bytes, at)) return -1;
        at += 4;
      } else if (!isSimpleEscape(escape)) return -1;
    }
  }
  stringExtra = extra;
  stringHigh = high;
  stringEscaped = escaped;
  return at;
}

function isHex(byte: number): boolean {
  const lower = byte | 0x20;
  return (byte >= 0x30 && byte <= 0x39) || (lower >= 0x61 && lower <= 0x66);
}

/** The four hex digits at `at` name U+D800–U+DFFF. */
function isSurrogateEscape(bytes: Uint8Array, at: number): boolean {
  if (((bytes[at] as number) | 0x20) !== 0x64) return false;
  const second = (bytes[at + 1] as number) | 0x20;
  return second === 0x38 || second === 0x39 || (second >= 0x61 && second <= 0x66);
}

/** \" \\ \/ \b \f \n \r \t */
function isSimpleEscape(byte: number | undefined): boolean {
  return byte === 0x22 || byte === 0x5c || byte === 0x2f || byte === 0x62 || byte === 0x66 || byte === 0x6e || byte === 0x72 || byte === 0x74;
}

/** The offset past the number that starts at `at`, or -1 when JSON would not read it as one. */
function skipNumber(bytes: Uint8Array, at: number): number {
  if (bytes[at] === 0x2d) at += 1;
  if (bytes[at] === 0x30) at += 1;
  else if (isDigit(bytes[at])) while (isDigit(bytes[at])) at += 1;
  else return -1;
  if (bytes[at] === 0x2e) {
    at += 1;
    if (!isDigit(bytes[at])) return -1;
    while (isDigit(bytes[at])) at += 1;
  }
  if (bytes[at] === 0x65 || bytes[at] === 0x45) {
    at += 1;
    if (bytes[at] === 0x2b || bytes[at] === 0x2d) at += 1;
    if (!isDigit(bytes[at])) return -1;
    while (isDigit(bytes[at])) at += 1;
  }
  return at;
}

function sameBytes(bytes: Uint8Array, start: number, end: number, name: Uint8Array): boolean {
  if (end - start !== name.length || end > bytes.length) return false;
  for (let index = 0; index < name.length; index += 1) if (bytes[start + index] !== name[index]) return false;
  return true;
}
