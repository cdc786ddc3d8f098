import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../lib/user-error.ts';
import { dbtProjectDir } from './project-paths.ts';

/**
 * A scalar var of dbt_project.yml (`vars:` block), for the few places outside dbt that must agree
 * with the models, like the country code the CRM pull's match report assumes for local numbers.
 */
export function dbtVar(name: string): string {
  const file = join(dbtProjectDir(), 'dbt_project.yml');
  const text = readFileSync(file, 'utf8');
  const vars = /^vars:\n((?:[ \t]+.*\n|[ \t]*\n)*)/m.exec(text)?.[1] ?? '';
  const match = new RegExp(`^[ \\t]+${name}:[ \\t]*(?:"([^"]*)"|'([^']*)'|([^#\\s]+))`, 'm').exec(vars);
  if (!match) throw new UserError(`${file}: vars.${name} is missing`);
  return match[1] ?? match[2] ?? match[3]!;
}
