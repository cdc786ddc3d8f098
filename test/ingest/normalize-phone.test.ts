import { describe, expect, it } from 'vitest';
import { dataPaths } from '../../lib/data-paths.ts';
import { loadPendingSegments } from '../../ingest/load-raw.ts';
import { queryFile } from '../helpers/read-db.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/** How Indian phone numbers are written in CRMs and exports, and the WhatsApp id each must match. */
const CASES: Array<[string | null, string | null]> = [
  ['+91 98111 12222', '919811112222'],
  ['+919811112222', '919811112222'],
  ['919811112222', '919811112222'],
  ['098111-12222', '919811112222'],
  ['09811112222', '919811112222'],
  ['98111 12222', '919811112222'],
  ['9811112222', '919811112222'],
  ['0091 98111 12222', '919811112222'],
  ['+91 (0) 98111 12222', '919811112222'],
  ['91-98111-12222', '919811112222'],
  ['(+91) 981-111-2222', '919811112222'],
  ['+44 20 7946 0958', '442079460958'],
  ['+1 (415) 555-0100', '14155550100'],
  // International numbers of ten digits or fewer must not be taken for local ones.
  ['+65 9123 4567', '6591234567'],
  ['0065 9123 4567', '6591234567'],
  [' +971 50 123 4567', '971501234567'],
  ['', null],
  ['n/a', null],
  [null, null],
];

describe('phone normalisation (the normalize_phone macro of raw.duckdb)', () => {
  it('turns every way of writing an Indian mobile number into its WhatsApp id, and leaves foreign numbers international', async () => {
    const paths = dataPaths(tempDir());
    await loadPendingSegments(paths); // creates raw.duckdb with its macros
    const values = CASES.map(([phone], index) => `(${index}, ${phone === null ? 'null' : `'${phone}'`})`).join(', ');
    const rows = await queryFile(paths.raw, `select normalize_phone(phone, '91') as wa_id from (values ${values}) as cases(position, phone) order by position`);
    expect(rows.map((row) => row.wa_id)).toEqual(CASES.map(([, expected]) => expected));
  });
});
