/**
 * The one error type the core throws on purpose. `code` is stable for programs; `message` is written for the
 * person at the keyboard and says what went wrong and how to fix it. `cause` keeps the original error for logs.
 */
export class RegbotError extends Error {
  override readonly name = "RegbotError";

  constructor(
    /** Stable, machine-readable code, e.g. `DB_CORRUPT`, `NOT_FOUND`, `BAD_INPUT`. */
    readonly code: RegbotErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Codes of {@link RegbotError}. */
export type RegbotErrorCode =
  | "BAD_INPUT"
  | "NOT_FOUND"
  | "DB_OPEN"
  | "DB_CORRUPT"
  | "DB_READONLY"
  | "DB_FULL"
  | "DB_NEWER"
  | "IO";

/** True when `error` is a {@link RegbotError}, optionally with the given code. */
export function isRegbotError(error: unknown, code?: RegbotErrorCode): error is RegbotError {
  return error instanceof RegbotError && (code === undefined || error.code === code);
}
