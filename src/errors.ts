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
  | "IO"
  | "PLATFORM";

/** True when `error` is a {@link RegbotError}, optionally with the given code. */
export function isRegbotError(error: unknown, code?: RegbotErrorCode): error is RegbotError {
  return error instanceof RegbotError && (code === undefined || error.code === code);
}

/**
 * Quotes what a user typed inside a message: control characters (terminal escapes among them) and bidi
 * overrides removed, and cut to `max` characters, so echoing input can neither restyle a terminal nor flood a chat.
 */
export function quoteInput(text: string, max = 40): string {
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "").trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
