import { tableToIPC, type Table } from 'apache-arrow';
import { arrowTable } from '../lib/arrow-table.ts';
import { openDatabase } from '../lib/duckdb.ts';
import { UserError } from '../lib/user-error.ts';
import { DATASET_COLUMNS } from './dataset-columns.ts';
import { DATASETS, type DatasetName } from './datasets.ts';

/** One dataset of the dashboards as an Arrow table, read from the warehouse opened read-only. */
export async function loadDataset(warehousePath: string, name: DatasetName): Promise<Table> {
  const database = await openDatabase(warehousePath, { readOnly: true });
  try {
    const reader = await database.connection.runAndReadAll(DATASETS[name]).catch((error: Error) => {
      throw new UserError(`dashboard data "${name}": ${error.message.split('\n')[0]} (is ${warehousePath} from this version? run replywatch build)`);
    });
    const missing = DATASET_COLUMNS[name].filter((column) => !reader.columnNames().includes(column));
    if (missing.length > 0) {
      throw new UserError(`dashboard data "${name}": no column ${missing.join(', ')} in ${warehousePath} (is it from this version? run replywatch build)`);
    }
    return arrowTable(reader.columnNames(), reader.columnTypes(), reader.getColumns());
  } finally {
    database.close();
  }
}

/**
 * The body of a data loader: writes the dataset as an Arrow IPC stream to stdout, or says in one
 * line on stderr why it cannot and exits non-zero, which fails the dashboard build.
 */
export async function emitDataset(name: DatasetName): Promise<void> {
  const { dataPaths, defaultDataDir } = await import('../lib/data-paths.ts');
  try {
    const table = await loadDataset(dataPaths(defaultDataDir()).warehouse, name);
    process.stdout.write(tableToIPC(table, 'stream'));
  } catch (error) {
    process.stderr.write(`replywatch dashboard: ${(error as Error).message.split('\n')[0]}\n`);
    process.exitCode = 1;
  }
}
