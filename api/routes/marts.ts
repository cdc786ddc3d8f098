import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { tableToIPC } from 'apache-arrow';
import { arrowTable } from '../../lib/arrow-table.ts';
import { quoteIdentifier } from '../../lib/duckdb.ts';
import { requireRole } from '../auth/authenticate.ts';
import { ApiError, badRequest, errorResponses, notFound } from '../errors.ts';
import { jsonRows } from '../warehouse/json-rows.ts';
import type { WarehouseReader } from '../warehouse/warehouse-reader.ts';

export const ARROW_STREAM = 'application/vnd.apache.arrow.stream';
/** The models analysts read; intermediate and staging models are the pipeline's business. */
const MART_PREFIXES = ['fct_', 'dim_', 'rpt_', 'agg_', 'crm_', 'meta_'];
const OPERATORS = { eq: '=', ne: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;
type Operator = keyof typeof OPERATORS | 'in' | 'is_null';
const FILTER = /^filter\.([A-Za-z_][A-Za-z0-9_]*)(?:\.(eq|ne|gt|gte|lt|lte|in|is_null))?$/;

interface Filter {
  column: string;
  operator: Operator;
  value: string;
}

/**
 * GET /api/marts/:name - a mart as JSON or, with `Accept: application/vnd.apache.arrow.stream`, as
 * an Arrow IPC stream. Mart and column names are checked against the warehouse's catalog and
 * quoted; values are always bound parameters, cast to the column's type by DuckDB.
 */
export const martRoutes: FastifyPluginAsyncTypebox<{ warehouse: WarehouseReader }> = async (app, { warehouse }) => {
  app.get(
    '/marts',
    {
      schema: {
        summary: 'The marts and their columns',
        tags: ['analysts'],
        response: {
          200: Type.Object({ marts: Type.Array(Type.Object({ name: Type.String(), columns: Type.Array(Type.Object({ name: Type.String(), type: Type.String() })) })) }),
          ...errorResponses(401, 403),
        },
      },
    },
    async (request) => {
      requireRole(request, 'owner', 'analyst');
      const catalog = await martCatalog(warehouse);
      return { marts: [...catalog].map(([name, columns]) => ({ name, columns: [...columns].map(([column, type]) => ({ name: column, type })) })) };
    },
  );

  app.get(
    '/marts/:name',
    {
      schema: {
        summary: 'One mart as JSON or an Arrow IPC stream (Accept: application/vnd.apache.arrow.stream)',
        description:
          'columns=a,b selects columns; filter.<column>=v (or filter.<column>.ne|gt|gte|lt|lte=v, filter.<column>.in=a,b, filter.<column>.is_null=true|false) filters; limit and offset page, in the order of the first column.',
        tags: ['analysts'],
        params: Type.Object({ name: Type.String({ pattern: '^[a-z_][a-z0-9_]*$', maxLength: 100 }) }),
        querystring: Type.Object(
          {
            columns: Type.Optional(Type.String({ maxLength: 4000 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 100_000 })),
            offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
          },
          { additionalProperties: Type.String({ maxLength: 4000 }) },
        ),
        response: {
          200: {
            description: `The rows as JSON, or as an Arrow IPC stream`,
            content: {
              'application/json': { schema: Type.Object({ mart: Type.String(), rows: Type.Array(Type.Object({}, { additionalProperties: true })) }) },
              [ARROW_STREAM]: { schema: Type.String({ format: 'binary' }) },
            },
          },
          ...errorResponses(400, 401, 403, 404, 406, 503),
        },
      },
    },
    async (request, reply) => {
      requireRole(request, 'owner', 'analyst');
      const format = negotiate(request.headers.accept);
      const { name } = request.params;
      const { columns: columnList, limit, offset, ...rest } = request.query as Record<string, string> & { limit?: number; offset?: number };
      const catalog = await martCatalog(warehouse);
      const columns = catalog.get(name);
      if (!columns) throw notFound(`mart ${name} (GET /api/marts lists them)`);
      const selected = columnList === undefined ? [...columns.keys()] : columnList.split(',').map((column) => column.trim());
      for (const column of selected) if (!columns.has(column)) throw badRequest(`mart ${name} has no column "${column}"`);
      const filters = Object.entries(rest).map(([parameter, value]) => parseFilter(name, columns, parameter, value));

      const params: Record<string, string | number> = { limit: limit ?? 100_000, offset: offset ?? 0 };
      const conditions = filters.map((filter, index) => condition(filter, `p${index}`, columns.get(filter.column)!, params));
      const sql =
        `select ${selected.map(quoteIdentifier).join(', ')} from ${quoteIdentifier(name)}` +
        (conditions.length ? ` where ${conditions.join(' and ')}` : '') +
        ` order by ${quoteIdentifier([...columns.keys()][0]!)} limit $limit offset $offset`;
      const snapshot = await warehouse.snapshot();
      return warehouse.withConnection(snapshot, async (connection) => {
        const result = await connection.runAndReadAll(sql, params).catch((error: Error) => {
          // A value DuckDB cannot cast to the column's type: the caller's mistake, said in one line.
          if (/Conversion Error|Could not convert/i.test(error.message)) throw badRequest(error.message.split('\n')[0]!);
          throw error;
        });
        if (format === 'json') return { mart: name, rows: jsonRows(result) };
        const table = arrowTable(result.columnNames(), result.columnTypes(), result.getColumns());
        return reply.type(ARROW_STREAM).header('content-disposition', `attachment; filename="${name}.arrows"`).send(Buffer.from(tableToIPC(table, 'stream')));
      });
    },
  );
};

/** Arrow when asked for it, else JSON; an Accept that allows neither is 406. */
function negotiate(accept: string | undefined): 'arrow' | 'json' {
  if (!accept) return 'json';
  const types = accept.split(',').map((part) => part.split(';')[0]!.trim().toLowerCase());
  if (types.includes(ARROW_STREAM)) return 'arrow';
  if (types.some((type) => type === 'application/json' || type === 'application/*' || type === '*/*')) return 'json';
  throw new ApiError(406, 'not_acceptable', `marts come as application/json or ${ARROW_STREAM}`);
}

function parseFilter(mart: string, columns: Map<string, string>, parameter: string, value: string): Filter {
  const match = FILTER.exec(parameter);
  if (!match) throw badRequest(`unknown query parameter "${parameter}"; filters are filter.<column>[.<op>]=value`);
  const column = match[1]!;
  if (!columns.has(column)) throw badRequest(`mart ${mart} has no column "${column}"`);
  const operator = (match[2] ?? 'eq') as Operator;
  if (operator === 'is_null' && value !== 'true' && value !== 'false') throw badRequest(`${parameter} takes true or false`);
  return { column, operator, value };
}

function condition(filter: Filter, name: string, type: string, params: Record<string, string | number>): string {
  const column = quoteIdentifier(filter.column);
  if (filter.operator === 'is_null') return `${column} is ${filter.value === 'true' ? '' : 'not '}null`;
  if (filter.operator === 'in') {
    const values = filter.value.split(',');
    values.forEach((value, index) => (params[`${name}_${index}`] = value));
    return `${column} in (${values.map((_, index) => `cast($${name}_${index} as ${type})`).join(', ')})`;
  }
  params[name] = filter.value;
  return `${column} ${OPERATORS[filter.operator]} cast($${name} as ${type})`;
}

/** Mart → column → SQL type, from the warehouse's own catalog (so names are never taken on trust). */
async function martCatalog(warehouse: WarehouseReader): Promise<Map<string, Map<string, string>>> {
  const snapshot = await warehouse.snapshot();
  const rows = await warehouse.withConnection(snapshot, async (connection) =>
    (
      await connection.runAndReadAll(
        `select table_name, column_name, data_type from information_schema.columns
         where table_schema = current_schema() order by table_name, ordinal_position`,
      )
    ).getRowObjectsJS(),
  );
  const catalog = new Map<string, Map<string, string>>();
  for (const row of rows) {
    const table = String(row.table_name);
    if (!MART_PREFIXES.some((prefix) => table.startsWith(prefix))) continue;
    if (!catalog.has(table)) catalog.set(table, new Map());
    catalog.get(table)!.set(String(row.column_name), String(row.data_type));
  }
  return catalog;
}
