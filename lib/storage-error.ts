/**
 * True for a failed write the user must fix, not a bug: the disk is full (or over quota) or the
 * data directory is read-only. Node's fs errors carry the code; DuckDB's and dbt's only the words.
 */
export function isStorageError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EROFS') return true;
  const message = error instanceof Error ? error.message : String(error);
  return /No space left on device|Disk quota exceeded|Read-only file system/i.test(message);
}
