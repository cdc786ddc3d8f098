import { UserError } from './user-error.ts';

/** A file-system error on an input file as a one-line user error naming the file; others unchanged. */
export function fileError(path: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new UserError(`${path}: no such file`);
  if (code === 'EISDIR') return new UserError(`${path}: is a directory, not a file`);
  if (code === 'EACCES') return new UserError(`${path}: permission denied`);
  return error;
}
