import { DuckDBListType, DuckDBTypeId, type DuckDBType } from '@duckdb/node-api';
import {
  Bool,
  DateDay,
  Field,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  List,
  Table,
  TimestampMillisecond,
  Utf8,
  vectorFromArray,
  type DataType,
} from 'apache-arrow';
import { toJsonValue } from './result-values.ts';

/**
 * An Arrow table from DuckDB result columns, typed from the DuckDB types: integers, doubles,
 * booleans, dates and instants keep their type; lists of those stay lists; anything else
 * (structs, maps, JSON, intervals) travels as text.
 */
export function arrowTable(names: string[], types: DuckDBType[], columns: unknown[][]): Table {
  const vectors = Object.fromEntries(
    names.map((name, index) => {
      const type = types[index]!;
      const arrowType = arrowTypeOf(type);
      return [name, vectorFromArray(columns[index]!.map((value) => arrowValue(value, type, arrowType)), arrowType)];
    }),
  );
  return new Table(vectors);
}

function arrowTypeOf(type: DuckDBType): DataType {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return new Bool();
    case DuckDBTypeId.TINYINT:
      return new Int8();
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.UTINYINT:
      return new Int16();
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.USMALLINT:
      return new Int32();
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UINTEGER:
      return new Int64();
    case DuckDBTypeId.FLOAT:
      return new Float32();
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.DECIMAL:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UBIGINT:
      return new Float64();
    case DuckDBTypeId.DATE:
      return new DateDay();
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_NS:
      return new TimestampMillisecond();
    case DuckDBTypeId.TIMESTAMP_TZ:
      return new TimestampMillisecond('UTC');
    case DuckDBTypeId.LIST: {
      const child = arrowTypeOf((type as DuckDBListType).valueType);
      return new List(new Field('item', child, true));
    }
    default:
      return new Utf8();
  }
}

function arrowValue(value: unknown, type: DuckDBType, arrowType: DataType): unknown {
  if (value === null || value === undefined) return null;
  if (arrowType instanceof Utf8) {
    const plain = toJsonValue(value, type);
    return typeof plain === 'string' ? plain : JSON.stringify(plain);
  }
  if (arrowType instanceof Int64) return typeof value === 'bigint' ? value : BigInt(value as number);
  if (arrowType instanceof Float64 || arrowType instanceof Float32) return Number(value);
  if (arrowType instanceof Int8 || arrowType instanceof Int16 || arrowType instanceof Int32) return Number(value);
  if (arrowType instanceof TimestampMillisecond) return (value as Date).getTime();
  if (arrowType instanceof List) {
    const childType = (type as DuckDBListType).valueType;
    return (value as unknown[]).map((item) => arrowValue(item, childType, arrowTypeOf(childType)));
  }
  return value;
}
