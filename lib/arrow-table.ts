import {
  DuckDBDateValue,
  DuckDBDecimalType,
  DuckDBListType,
  DuckDBListValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBTypeId,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import { Bool, DateDay, Field, Float64, Int32, Int64, List, Table, TimestampMillisecond, Utf8, vectorFromArray, type DataType } from 'apache-arrow';
import { toJsonValue } from './result-values.ts';

/**
 * An Arrow table from DuckDB result columns (node-api values), typed from the DuckDB types:
 * integers, doubles, exact-enough decimals, booleans, dates and instants keep their type; lists of
 * those stay lists; anything else (structs, maps, times, intervals, wide decimals) travels as text
 * in the same form as the JSON output.
 */
export function arrowTable(names: string[], types: DuckDBType[], columns: DuckDBValue[][]): Table {
  const vectors = Object.fromEntries(
    names.map((name, index) => {
      const type = types[index]!;
      const arrowType = arrowTypeOf(type);
      // A result without rows has no chunks, and then getColumns() returns no columns at all.
      const values = columns[index] ?? [];
      return [name, vectorFromArray(values.map((value) => arrowValue(value, arrowType)), arrowType)];
    }),
  );
  return new Table(vectors);
}

function arrowTypeOf(type: DuckDBType): DataType {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return new Bool();
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
      return new Int32();
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UINTEGER:
      return new Int64();
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return new Float64();
    case DuckDBTypeId.DECIMAL:
      return (type as DuckDBDecimalType).width <= 15 ? new Float64() : new Utf8();
    case DuckDBTypeId.DATE:
      return new DateDay();
    case DuckDBTypeId.TIMESTAMP:
      return new TimestampMillisecond();
    case DuckDBTypeId.TIMESTAMP_TZ:
      return new TimestampMillisecond('UTC');
    case DuckDBTypeId.LIST:
      return new List(new Field('item', arrowTypeOf((type as DuckDBListType).valueType), true));
    default:
      return new Utf8();
  }
}

function arrowValue(value: DuckDBValue, arrowType: DataType): unknown {
  if (value === null || value === undefined) return null;
  if (arrowType instanceof List) {
    return (value as DuckDBListValue).items.map((item) => arrowValue(item, arrowType.children[0]!.type as DataType));
  }
  if (arrowType instanceof Int64) return BigInt(value as bigint | number);
  if (arrowType instanceof Int32 || arrowType instanceof Float64) return Number(String(value));
  if (arrowType instanceof DateDay) return new Date((value as DuckDBDateValue).days * 86_400_000);
  if (arrowType instanceof TimestampMillisecond) return Number((value as DuckDBTimestampTZValue | DuckDBTimestampValue).micros / 1000n);
  if (arrowType instanceof Bool) return value;
  const plain = toJsonValue(value);
  return typeof plain === 'string' ? plain : JSON.stringify(plain);
}
