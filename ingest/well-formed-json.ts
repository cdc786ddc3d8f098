/** A surrogate pair escape (kept), a lone surrogate escape (replaced), or any other escape (kept, so `\\ud800` stays text). */
const ESCAPES = /\\(?:u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|u[dD][89a-fA-F][0-9a-fA-F]{2}|[^])/g;

/**
 * JSON text with every lone UTF-16 surrogate escape (`\ud83d` without its other half, as a
 * truncated emoji leaves) replaced by `\ufffd`. JSON.parse accepts a lone surrogate, but DuckDB's
 * reader refuses the whole landing segment holding one, which would hold back every record landed
 * beside it. Invalid UTF-8 bytes in a file get the same U+FFFD when the file is decoded.
 */
export function wellFormedJson(text: string): string {
  if (!/\\u[dD][89a-fA-F]/.test(text)) return text;
  return text.replace(ESCAPES, (escape) => (escape.length === 6 ? '\\ufffd' : escape));
}
