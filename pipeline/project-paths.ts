import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: dbt_project.yml, profiles.yml, .venv. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The dbt project to build; REPLYWATCH_DBT_PROJECT points at a business's extended copy. */
export function dbtProjectDir(): string {
  return resolve(process.env.REPLYWATCH_DBT_PROJECT || PROJECT_ROOT);
}

export const VENV_BIN = join(PROJECT_ROOT, '.venv', 'bin');

export function venvTool(name: 'dbt' | 'duckdb' | 'python'): string | undefined {
  const path = join(VENV_BIN, name);
  return existsSync(path) ? path : undefined;
}

/** The Observable Framework site's source root (observablehq.config.ts: root). */
export const DASHBOARDS_ROOT = join(PROJECT_ROOT, 'dashboards');

/**
 * Where `dashboard build` writes the site and `serve` serves it from: REPLYWATCH_DASHBOARD_OUT
 * (relative to the working directory, like --data), else `dist` in the repository, wherever the
 * command runs from, so build and serve agree without flags.
 */
export function defaultDashboardDir(): string {
  const fromEnv = process.env.REPLYWATCH_DASHBOARD_OUT;
  return fromEnv ? resolve(fromEnv) : join(PROJECT_ROOT, 'dist');
}
