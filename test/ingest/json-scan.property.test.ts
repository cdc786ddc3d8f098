import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanJson } from '../../ingest/json-scan.ts';
import { wellFormedJson } from '../../ingest/well-formed-json.ts';
import { hostileText } from '../helpers/hostile-text.ts';

// Landing keeps a WhatsApp body it has only scanned, never parsed: the scan must never pass a line
// JSON.parse refuses, and what it reports must be what JSON.parse would read.

const MEMBERS = ['object', 'entry'];
const NAMES = MEMBERS.map((name) => Buffer.from(name));

/** Valid JSON bent at a few places with the characters that trip JSON readers. */
const bentJson = fc
  .tuple(
    fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.record({ object: fc.string(), entry: fc.jsonValue({ maxDepth: 2 }) })),
    fc.array(
      fc.tuple(
        fc.nat(),
        fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '\\', '\\u', 'd83d', '00e9', '0', '-', '.', 'e', '+', ' ', '\t', '\r', 'tru', 'nul', '"object"', '\u00e9', '\u2028', '\ufeff', '\u0000', '01', '\\x'),
        fc.boolean(),
      ),
      { maxLength: 3 },
    ),
  )
  .map(([value, edits]) => {
    let text = JSON.stringify(value) ?? 'null';
    for (const [at, piece, insert] of edits) {
      const index = at % (text.length + 1);
      text = text.slice(0, index) + piece + text.slice(index + (insert ? 0 : 1));
    }
    return Buffer.from(text);
  });
const anyBytes = fc.oneof(
  bentJson,
  fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes)),
  hostileText({ loneSurrogates: true }).map((text) => Buffer.from(JSON.stringify({ object: text, entry: [text] }))),
);

function parses(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

describe('scanning a line for JSON without parsing it', () => {
  it('passes only JSON that reads back as its own bytes, and finds the top-level members JSON.parse keeps', () => {
    const starts = new Int32Array(NAMES.length);
    fc.assert(
      fc.property(anyBytes, (bytes) => {
        const chars = scanJson(bytes, NAMES, starts);
        if (chars < 0) return;
        const text = bytes.toString('utf8');
        const parsed = parses(text);
        expect(parsed).toBeDefined();
        expect(Buffer.from(wellFormedJson(text)).equals(bytes)).toBe(true);
        expect(chars).toBe(text.length);
        const value = parsed?.value;
        MEMBERS.forEach((name, index) => {
          const start = starts[index] as number;
          const has = typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, name);
          expect(start >= 0).toBe(has);
          // The member's value is the JSON text that starts there, up to the next top-level comma or brace.
          if (has) expect(readsAs(bytes, start)).toContain(JSON.stringify((value as Record<string, unknown>)[name]));
        });
      }),
      { numRuns: 20_000 },
    );
  });

  it('passes plain JSON as JSON.stringify writes it, so most lines skip JSON.parse', () => {
    const starts = new Int32Array(NAMES.length);
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        const text = JSON.stringify(value);
        // Left to JSON.parse: a surrogate escape (wellFormedJson's), a top-level key with an escape
        // (named members are matched byte for byte).
        const keys = typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.keys(value) : [];
        fc.pre(!/\\u[dD][89a-fA-F]/.test(text) && !keys.some((key) => JSON.stringify(key).includes('\\')));
        expect(scanJson(Buffer.from(text), NAMES, starts)).toBe(text.length);
      }),
      { numRuns: 5_000 },
    );
  });

  it('refuses what JSON.parse refuses at the edges of the grammar', () => {
    const starts = new Int32Array(NAMES.length);
    for (const text of ['', ' ', '01', '1.', '.5', '-', '1e', '[1,]', '{"a":1,}', '{"a"}', '"\t"', '"\\x"', '"\\u12"', 'nul', 'truee', '{} {}', '\ufeff{}']) {
      expect([text, scanJson(Buffer.from(text), NAMES, starts)]).toEqual([text, -1]);
    }
    for (const text of ['0', '-0.5e+3', ' {"a" : [ ] } ', '"\\/\\b\\f\\n\\r\\t\\"\\\\"', '[true,false,null]']) {
      expect([text, scanJson(Buffer.from(text), NAMES, starts)]).toEqual([text, text.length]);
    }
  });
});

/** Every prefix of the bytes from `start` that parses as JSON, written back by JSON.stringify. */
function readsAs(bytes: Buffer, start: number): string[] {
  const found: string[] = [];
  for (let end = start + 1; end <= bytes.length; end += 1) {
    const parsed = parses(bytes.subarray(start, end).toString('utf8'));
    if (parsed) found.push(JSON.stringify(parsed.value));
  }
  return found;
}
