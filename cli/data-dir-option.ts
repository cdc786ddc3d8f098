import type { Command } from 'commander';
import { dataPaths, type DataPaths } from '../lib/data-paths.ts';

/** The data directory chosen with the global `--data` option. */
export function pathsFrom(command: Command): DataPaths {
  return dataPaths(command.optsWithGlobals<{ data: string }>().data);
}
