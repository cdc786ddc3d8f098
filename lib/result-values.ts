import { DuckDBTypeId, type DuckDBType } from '@duckdb/node-api';

type JsValue = unknown;

/**
 * A DuckDB value (as node-api's JS conversion gives it) in a JSON-safe form: integers stay numbers
 * where JSON can hold them exactly (else a string), instants become ISO 8601 in UTC, dates
 * YYYY-MM-DD, lists and structs recurse.
 */
export function toJsonValue(value: JsValue, type?: DuckDBType): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value.toString();
  }
  if (value instanceof Date) {
    if (type?.typeId === DuckDBTypeId.DATE) return value.toISOString().slice(0, 10);
    if (type?.typeId === DuckDBTypeId.TIMESTAMP) return value.toISOString().slice(0, -1);
    return value.toISOString();
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map((item) => toJsonValue(item));
  if (typeof value === 'object') {
    if (isInterval(value)) return intervalText(value);
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toJsonValue(item)]));
  }
  return value;
}

/** The value as text for tables and CSV: empty for null, JSON for lists and structs. */
export function toText(value: JsValue, type?: DuckDBType): string {
  const plain = toJsonValue(value, type);
  if (plain === null) return '';
  if (typeof plain === 'object') return JSON.stringify(plain);
  return String(plain);
}

interface Interval {
  months: number;
  days: number;
  micros: bigint;
}

function isInterval(value: object): value is Interval {
  return 'months' in value && 'days' in value && 'micros' in value;
}

/** ISO 8601 duration, e.g. P1DT1H30M. */
function intervalText({ months, days, micros }: Interval): string {
  const totalSeconds = Number(micros) / 1e6;
  const hours = Math.trunc(totalSeconds / 3600);
  const minutes = Math.trunc((totalSeconds % 3600) / 60);
  const seconds = +(totalSeconds % 60).toFixed(6);
  const date = `${months ? `${months}M` : ''}${days ? `${days}D` : ''}`;
  const time = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${seconds ? `${seconds}S` : ''}`;
  return `P${date}${time ? `T${time}` : date ? '' : 'T0S'}`;
}
