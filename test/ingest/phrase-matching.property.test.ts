import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostileText } from '../helpers/hostile-text.ts';
import { REPO } from '../helpers/run-cli.ts';

// Property tests of the phrase matching the triage reads (macros normalize_words, contains_phrase
// and longest_word in macros/phrase_matching.sql). The macros are rendered by Jinja from the
// project's venv, as dbt renders them, and the SQL runs in DuckDB: the real text, not a copy.

let instance: DuckDBInstance;
let connection: DuckDBConnection;
let matchSql: string;

/** The SQL of `{{ call }}` rendered from the macro file with the Jinja dbt uses. */
function renderMacros(calls: string[]): string[] {
  const script = [
    'import jinja2, json, sys',
    "source = open(sys.argv[1], encoding='utf-8').read()",
    'calls = json.loads(sys.argv[2])',
    "print(json.dumps([jinja2.Environment().from_string(source + '{{ ' + call + ' }}').render().strip() for call in calls]))",
  ].join('\n');
  const result = spawnSync(join(REPO, '.venv', 'bin', 'python'), ['-c', script, join(REPO, 'macros', 'phrase_matching.sql'), JSON.stringify(calls)], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`rendering the phrase macros failed (is .venv installed? npm test installs it):\n${result.stderr}`);
  return JSON.parse(result.stdout) as string[];
}

beforeAll(async () => {
  const [words, phrase, hit, key] = renderMacros([
    "normalize_words('message_text')",
    "normalize_words('phrase_text')",
    "contains_phrase('words', 'phrase_words')",
    "longest_word('phrase_words')",
  ]);
  // has_key: whether the phrase's join key is one of the message's words, as int_message_phrase_matches joins them.
  matchSql = `
    with input as (select $text::varchar as message_text, $phrase::varchar as phrase_text),
    normalized as (select ${words} as words, ${phrase} as phrase_words from input)
    select words, phrase_words, ${hit} as hit, list_contains(string_split(words, ' '), ${key}) as has_key from normalized`;
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
});

afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

interface Match {
  words: string | null;
  phrase_words: string;
  hit: boolean | null;
  has_key: boolean | null;
}

async function match(text: string | null, phrase: string): Promise<Match> {
  const reader = await connection.runAndReadAll(matchSql, { text, phrase });
  return reader.getRowObjectsJS()[0] as unknown as Match;
}

/** Words of the kinds the phrase seeds hold: English, Hinglish, digits, Devanagari. A small set, so phrases often nearly match. */
const VOCABULARY = ['fee', 'fees', 'jee', '2', 'year', 'admission', 'lena', 'hai', 'ok', 'k', 'फीस', 'नमस्ते', 'कितनी', 'है'];
/** What comes between words: spaces, punctuation, emoji, the danda, direction marks, line breaks. */
const SEPARATORS = [' ', '  ', ', ', '.', '?', '!', ' - ', '/', '\n', '\r\n', '\t', ' 👍 ', '🙏🏽', '\u200e', '\u200f', '\u202e', '।', ' ॥ ', '"', "'", '₹', '\u00a0', '…', ':)', '_', '\u2028'];

const word = fc.constantFrom(...VOCABULARY);
/** Latin letters in either case: matching ignores case. */
const cased = (text: string) => fc.array(fc.boolean(), { minLength: text.length, maxLength: text.length }).map((upper) => [...text].map((char, index) => (upper[index] ? char.toUpperCase() : char)).join(''));
const separator = fc.constantFrom(...SEPARATORS);

/** Words written out with separators between them (and maybe before and after), in any case. */
function writtenOut(words: string[]): fc.Arbitrary<string> {
  return fc
    .tuple(fc.tuple(...words.map(cased)), fc.array(separator, { minLength: words.length + 1, maxLength: words.length + 1 }), fc.boolean(), fc.boolean())
    .map(([casedWords, separators, lead, trail]) => {
      const body = casedWords.map((text, index) => (index ? separators[index] : '') + text).join('');
      return (lead ? separators[0] : '') + body + (trail ? separators[words.length] : '');
    });
}

function occursIn(words: string[], phrase: string[]): boolean {
  for (let start = 0; start + phrase.length <= words.length; start += 1) {
    if (phrase.every((item, offset) => words[start + offset] === item)) return true;
  }
  return false;
}

describe('normalize_words, for any text', () => {
  it('gives lower-case words of Latin letters, digits or Devanagari, single-spaced, and is stable when applied again', async () => {
    await fc.assert(
      fc.asyncProperty(hostileText({ loneSurrogates: true }), async (text) => {
        const { words } = await match(text, 'x');
        expect(words).toMatch(/^(?:[a-z0-9\u0900-\u0963\u0966-\u097f]+(?: [a-z0-9\u0900-\u0963\u0966-\u097f]+)*)?$/);
        expect((await match(words, 'x')).words).toBe(words);
      }),
      { numRuns: 300 },
    );
  });
});

describe('contains_phrase over normalized words', () => {
  it('matches exactly when the phrase’s words occur together and in order in the message, however either is written', async () => {
    const input = fc.record({
      message: fc.array(word, { minLength: 1, maxLength: 8 }),
      phrase: fc.array(word, { minLength: 1, maxLength: 3 }),
      // Often take the phrase from the message itself, so both answers are tried.
      fromMessage: fc.boolean(),
      at: fc.nat(),
    });
    let hits = 0;
    await fc.assert(
      fc.asyncProperty(
        input.chain(({ message, phrase, fromMessage, at }) => {
          const start = at % message.length;
          const chosen = fromMessage ? message.slice(start, start + phrase.length) : phrase;
          return fc.tuple(fc.constant(message), fc.constant(chosen), writtenOut(message), writtenOut(chosen));
        }),
        async ([messageWords, phraseWords, text, phrase]) => {
          const result = await match(text, phrase);
          expect(result.words).toBe(messageWords.join(' '));
          expect(result.phrase_words).toBe(phraseWords.join(' '));
          expect(result.hit).toBe(occursIn(messageWords, phraseWords));
          if (result.hit) hits += 1;
        },
      ),
      { numRuns: 300 },
    );
    expect(hits).toBeGreaterThan(30);
  });

  it('matches nothing in a message without text', async () => {
    expect((await match(null, 'fees')).hit).toBe(null);
    expect((await match('👍🙏 ?!', 'fees')).hit).toBe(false);
  });
});

describe('longest_word, the key int_message_phrase_matches joins a message’s words and the phrases on', () => {
  it('is one of the message’s words whenever the phrase matches, so the join misses no match', async () => {
    const input = fc.record({
      message: fc.array(word, { maxLength: 8 }),
      phrase: fc.array(word, { maxLength: 3 }),
      fromMessage: fc.boolean(),
      at: fc.nat(),
    });
    const written = input.chain(({ message, phrase, fromMessage, at }) => {
      const start = message.length ? at % message.length : 0;
      return fc.tuple(writtenOut(message), writtenOut(fromMessage ? message.slice(start, start + Math.max(phrase.length, 1)) : phrase));
    });
    // Also texts and phrases without any word ("👍"), which match each other, and any text at all.
    const wordless = fc.constantFrom('', '👍', '🙏🏽 ?!', '…', ' - ');
    const anyText = fc.oneof(hostileText(), wordless);
    let hits = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(written, fc.tuple(anyText, anyText), fc.tuple(hostileText(), wordless)), async ([text, phrase]) => {
        const result = await match(text, phrase);
        if (result.hit) {
          hits += 1;
          expect(result.has_key).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
    expect(hits).toBeGreaterThan(50);
  });

  it('pairs a message without words with a phrase without words, and with no other', async () => {
    expect(await match('👍🙏 ?!', '🙏')).toMatchObject({ words: '', phrase_words: '', hit: true, has_key: true });
    expect(await match('👍🙏 ?!', 'fees')).toMatchObject({ hit: false, has_key: false });
    expect(await match('fees?', '👍')).toMatchObject({ hit: false, has_key: false });
  });
});
