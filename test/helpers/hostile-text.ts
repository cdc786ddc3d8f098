import fc from 'fast-check';

/** Characters that have broken text handling somewhere: direction marks, joiners, a BOM, NUL, quotes, separators. */
export const AWKWARD_CHARACTERS = [
  '\u200e', // left-to-right mark
  '\u200f', // right-to-left mark
  '\u202e', // right-to-left override
  '\u2066', // left-to-right isolate
  '\u200d', // zero-width joiner
  '\ufeff', // byte-order mark
  '\u0000',
  '\u2028', // line separator (a line break for some JSON readers)
  '"',
  "'",
  '\\',
  ',',
  ';',
  '\t',
  '\r',
  '\n',
  '\r\n',
  '{',
  '}',
  '%',
  '_',
  '₹',
  'नमस्ते',
  '👍🏽',
  '👨‍👩‍👧',
  '🇮🇳',
  'ﷺ',
  'é', // e + combining acute
] as const;

/**
 * Text a contact, an agent or a CRM export might send: any Unicode, mixed with the awkward
 * characters above. Optionally lone UTF-16 surrogates (half an emoji), which only JSON escapes and
 * JavaScript strings can hold.
 */
export function hostileText(options: { minLength?: number; loneSurrogates?: boolean } = {}): fc.Arbitrary<string> {
  const pieces: Array<fc.Arbitrary<string>> = [
    fc.string({ unit: 'grapheme', maxLength: 8 }),
    fc.string({ unit: 'binary', maxLength: 8 }),
    fc.constantFrom(...AWKWARD_CHARACTERS),
  ];
  if (options.loneSurrogates) pieces.push(fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)));
  return fc
    .array(fc.oneof(...pieces), { maxLength: 6 })
    .map((parts) => parts.join(''))
    .filter((text) => text.length >= (options.minLength ?? 0));
}

/** What a string becomes once written as UTF-8: a lone surrogate turns into U+FFFD. */
export function asUtf8(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}
