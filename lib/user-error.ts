/**
 * An error the user can fix (a missing file, a bad flag, a malformed header). The CLI prints its
 * message as one line and exits non-zero, never with a stack trace.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
