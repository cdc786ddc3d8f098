import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPendingSegments } from '../../ingest/load-raw.ts';
import { dataPaths } from '../../lib/data-paths.ts';
import { hostileText } from '../helpers/hostile-text.ts';
import { tempDir } from '../helpers/temp-dir.ts';

// Property tests of the normalize_phone macro of raw.duckdb (ingest/raw/schema.sql), which the dbt
// models and the CRM pull's match report call to turn a CRM phone into a WhatsApp id.

let instance: DuckDBInstance;
let connection: DuckDBConnection;

beforeAll(async () => {
  const paths = dataPaths(tempDir());
  await loadPendingSegments(paths, { quiet: true }); // creates raw.duckdb with its macros
  instance = await DuckDBInstance.create(paths.raw, { access_mode: 'READ_ONLY' });
  connection = await instance.connect();
});

afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

async function normalizePhone(phone: string | null, countryCode = '91'): Promise<string | null> {
  const reader = await connection.runAndReadAll('select normalize_phone($phone::varchar, $code) as wa_id', { phone, code: countryCode });
  return reader.getRowObjectsJS()[0]!.wa_id as string | null;
}

/** What surrounds a number in exports and copies: spaces, tabs, NBSP, and the direction marks WhatsApp puts around a copied number. */
const noise = fc.constantFrom('', ' ', '  ', '\t', '\u00a0', '\u200e', '\u200f', '\u202a', '\u202c', '\u2066', '\u2069', '\u200b');

const separator = fc.constantFrom('', ' ', '-', '.', ' - ', '\u00a0', '/');

/** Digits written in groups, with separators and sometimes parentheses around a group of two or more. */
function written(digits: string): fc.Arbitrary<string> {
  return fc
    .array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 6 })
    .chain((sizes) => {
      const groups: string[] = [];
      let at = 0;
      for (const size of sizes) {
        if (at >= digits.length) break;
        groups.push(digits.slice(at, at + size));
        at += size;
      }
      if (at < digits.length) groups.push(digits.slice(at));
      return fc.tuple(fc.constant(groups), fc.array(separator, { minLength: groups.length, maxLength: groups.length }), fc.array(fc.boolean(), { minLength: groups.length, maxLength: groups.length }));
    })
    .map(([groups, separators, parens]) =>
      groups.map((group, index) => `${index ? separators[index] : ''}${parens[index] && group.length >= 2 ? `(${group})` : group}`).join(''),
    );
}

const mobile = fc.tuple(fc.constantFrom('6', '7', '8', '9'), fc.stringMatching(/^\d{9}$/)).map(([first, rest]) => first + rest);

describe('normalize_phone, for any input', () => {
  it('returns digits only, or null when there are none; it never fails', async () => {
    await fc.assert(
      fc.asyncProperty(fc.option(fc.oneof(hostileText({ loneSurrogates: true }), fc.stringMatching(/^[+\d ()\-.]{0,24}$/)), { freq: 10 }), fc.constantFrom('91', '1', '44', '971'), async (phone, code) => {
        const waId = await normalizePhone(phone, code);
        expect(waId === null || /^\d+$/.test(waId)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('normalize_phone, for an Indian mobile number', () => {
  it('gives 91 and the ten digits, however the number is written', async () => {
    const prefix = fc.constantFrom('', '+91', '+91 ', '91', '91-', '0', '0091 ', '+91 (0) ', '(+91) ', '+(91) ', 'tel:+91');
    await fc.assert(
      fc.asyncProperty(mobile.chain((digits) => fc.tuple(fc.constant(digits), prefix, written(digits), noise, noise)), async ([digits, before, number, lead, trail]) => {
        expect(await normalizePhone(`${lead}${before}${number}${trail}`)).toBe(`91${digits}`);
      }),
      { numRuns: 200 },
    );
  });
});

describe('normalize_phone, for a number written with its country code', () => {
  it('keeps the number international, never adding the default country code, with + or 00 and whatever surrounds it', async () => {
    const international = fc.tuple(fc.stringMatching(/^[1-9]\d{0,2}$/), fc.stringMatching(/^[1-9]\d{3,11}$/));
    await fc.assert(
      fc.asyncProperty(
        international.chain(([code, national]) => fc.tuple(fc.constant(code + national), fc.constantFrom('+', '00', '+ ', '(+'), written(code), written(national), noise, noise)),
        async ([digits, plus, code, national, lead, trail]) => {
          const phone = `${lead}${plus}${code}${plus === '(+' ? ')' : ''} ${national}${trail}`;
          expect(await normalizePhone(phone)).toBe(digits);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('depends on the digits and the "+" alone, not on how they are grouped', async () => {
    const digits = fc.stringMatching(/^\d{1,15}$/);
    await fc.assert(
      fc.asyncProperty(
        digits.chain((value) => fc.tuple(fc.constantFrom('', '+'), written(value), written(value), noise, noise)),
        async ([plus, one, other, lead, trail]) => {
          expect(await normalizePhone(`${lead}${plus}${one}`)).toBe(await normalizePhone(`${plus}${other}${trail}`));
        },
      ),
      { numRuns: 200 },
    );
  });
});
