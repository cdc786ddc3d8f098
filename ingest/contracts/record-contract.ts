import { FormatRegistry, Type, type TLiteral, type TSchema, type TUnion } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import { isIsoInstant } from '../../lib/clock.ts';

FormatRegistry.Set('iso-instant', isIsoInstant);

/** An ISO 8601 instant with an offset; the contract for every time in every input kind. */
export const Instant = Type.String({ format: 'iso-instant' });
export const Id = Type.String({ minLength: 1 });
export const Nullable = <T extends TSchema>(schema: T) => Type.Optional(Type.Union([schema, Type.Null()]));
type Literals<V extends readonly string[]> = { -readonly [K in keyof V]: TLiteral<V[K]> };
/** One of a fixed list of strings (an enum in the input contract). */
export function OneOf<const V extends readonly string[]>(values: V): TUnion<Literals<V>> {
  return Type.Union(values.map((value) => Type.Literal(value))) as never;
}

export type Verdict = { ok: true; record: Record<string, unknown> } | { ok: false; reason: string };

/**
 * The contract of one input kind: its schema (the single source of its fields and types), the
 * CSV header it needs, and the checks a schema cannot say (fields required by event type).
 */
export interface RecordContract {
  kind: string;
  formats: ReadonlyArray<'csv' | 'ndjson'>;
  /** Columns a CSV file of this kind must have in its header. */
  requiredColumns: readonly string[];
  check(value: unknown, fromCsv: boolean): Verdict;
  /**
   * For a kind landed verbatim: the length as a JS string of an NDJSON line this contract accepts
   * as the very bytes it came as (JSON whose text is those bytes), found without parsing it; else
   * undefined, and the line is decoded, parsed and checked.
   */
  acceptsVerbatim?(bytes: Uint8Array): number | undefined;
}

export function schemaContract(options: {
  kind: string;
  schema: TSchema;
  formats?: ReadonlyArray<'csv' | 'ndjson'>;
  /** Normalises values that real exports spell in several ways (₹1,50,000; yes/no). */
  prepare?: (record: Record<string, unknown>) => void;
  /** Rules across fields; returns a reason when the record breaks one. */
  rules?: (record: Record<string, unknown>) => string | undefined;
}): RecordContract {
  const compiled: TypeCheck<TSchema> = TypeCompiler.Compile(options.schema);
  const fields = Object.keys((options.schema as unknown as { properties: object }).properties);
  const required = new Set((options.schema as unknown as { required?: string[] }).required ?? []);
  return {
    kind: options.kind,
    formats: options.formats ?? ['csv', 'ndjson'],
    requiredColumns: fields.filter((field) => required.has(field)),
    check(value, fromCsv) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return { ok: false, reason: 'record is not a JSON object' };
      }
      const record: Record<string, unknown> = {};
      for (const field of fields) {
        const raw = (value as Record<string, unknown>)[field];
        if (raw === undefined) continue;
        // Every field of every contract is a single value. Refused here, before Convert or an error
        // message walks it: a value nested thousands deep would overflow the stack.
        if (typeof raw === 'object' && raw !== null) {
          return { ok: false, reason: `${field} is a JSON ${Array.isArray(raw) ? 'list' : 'object'}, not a single value` };
        }
        record[field] = fromCsv && raw === '' ? null : raw;
      }
      options.prepare?.(record);
      const valid = compiled.Check(record);
      const candidate = valid ? record : (Value.Convert(options.schema, record) as Record<string, unknown>);
      // Errors() walks the whole record again, allocating as it goes: only for a record that fails.
      const error = valid || compiled.Check(candidate) ? undefined : compiled.Errors(candidate).First();
      if (error) return { ok: false, reason: describeError(error.path, error.message, error.value) };
      // A number where the contract wants text (an id or a phone number without quotes) is kept as
      // its digits; past 2^53 they are no longer the digits in the file, and two ids could become one.
      const given = value as Record<string, unknown>;
      const inexact = fields.find(
        (field) => typeof given[field] === 'number' && typeof candidate[field] === 'string' && !(Math.abs(given[field] as number) <= Number.MAX_SAFE_INTEGER),
      );
      if (inexact) return { ok: false, reason: `${inexact} ${String(given[inexact])} is a number too large to keep exactly; write it as a string` };
      const broken = options.rules?.(candidate);
      return broken ? { ok: false, reason: broken } : { ok: true, record: candidate };
    },
  };
}

function describeError(path: string, message: string, value: unknown): string {
  const field = path.replace(/^\//, '') || 'record';
  if (value === undefined) return `${field} is missing`;
  const shown = JSON.stringify(value)?.slice(0, 60);
  if (message.includes("'iso-instant'")) return `${field} ${shown} is not an ISO 8601 time with an offset`;
  if (message.includes('union') && value === null) return `${field} is empty`;
  return `${field} ${shown}: ${message.toLowerCase()}`;
}
