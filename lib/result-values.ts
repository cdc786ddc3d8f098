import {
  DuckDBArrayValue,
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBIntervalValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  type DuckDBValue,
} from '@duckdb/node-api';

/** Digits a double holds exactly; a decimal with more stays text so no digit is lost. */
const EXACT_DIGITS = 15;

/**
 * A DuckDB value (as node-api reads it) in a JSON-safe form: numbers stay numbers where a double
 * holds them exactly (else a string), instants become ISO 8601 in UTC, dates YYYY-MM-DD, local
 * timestamps ISO without an offset, times HH:MM:SS, intervals ISO 8601 durations; lists, structs
 * and maps recurse.
 */
export function toJsonValue(value: DuckDBValue): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'boolean':
    case 'string':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value.toString();
  }
  if (value instanceof DuckDBDecimalValue) {
    const text = value.toString();
    return text.replace(/[^0-9]/g, '').replace(/^0+/, '').length <= EXACT_DIGITS ? Number(text) : text;
  }
  if (value instanceof DuckDBTimestampTZValue) return value.isFinite ? new Date(Number(value.micros / 1000n)).toISOString() : value.toString();
  if (value instanceof DuckDBTimestampValue) return value.toString().replace(' ', 'T');
  if (value instanceof DuckDBDateValue) return value.toString();
  if (value instanceof DuckDBIntervalValue) return isoDuration(value);
  if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue) return value.items.map(toJsonValue);
  if (value instanceof DuckDBStructValue) {
    return Object.fromEntries(Object.entries(value.entries).map(([key, item]) => [key, toJsonValue(item)]));
  }
  if (value instanceof DuckDBMapValue) return value.entries.map(({ key, value: item }) => ({ key: toJsonValue(key), value: toJsonValue(item) }));
  if (value instanceof DuckDBBlobValue) return Buffer.from(value.bytes).toString('base64');
  return String(value);
}

/** The value as text for tables and CSV: empty for null, JSON for lists, structs and maps. */
export function toText(value: DuckDBValue): string {
  const plain = toJsonValue(value);
  if (plain === null) return '';
  if (typeof plain === 'object') return JSON.stringify(plain);
  return String(plain);
}

/** ISO 8601 duration, e.g. P1DT1H30M. */
function isoDuration({ months, days, micros }: DuckDBIntervalValue): string {
  const totalSeconds = Number(micros) / 1e6;
  const hours = Math.trunc(totalSeconds / 3600);
  const minutes = Math.trunc((totalSeconds % 3600) / 60);
  const seconds = +(totalSeconds % 60).toFixed(6);
  const date = `${months ? `${months}M` : ''}${days ? `${days}D` : ''}`;
  const time = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${seconds ? `${seconds}S` : ''}`;
  return `P${date}${time ? `T${time}` : date ? '' : 'T0S'}`;
}
