import pino from "pino";
import pretty from "pino-pretty";

/** The logging port the core and adapters use. pino's logger satisfies it; tests can pass their own. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * A logger that adds `fields` to every line (e.g. `{ platform: "telegram" }`), so each adapter's lines say where
 * they come from without every call repeating it.
 */
export function withFields(logger: Logger, fields: Readonly<Record<string, unknown>>): Logger {
  return {
    debug: (obj, msg) => logger.debug({ ...fields, ...obj }, msg),
    info: (obj, msg) => logger.info({ ...fields, ...obj }, msg),
    warn: (obj, msg) => logger.warn({ ...fields, ...obj }, msg),
    error: (obj, msg) => logger.error({ ...fields, ...obj }, msg),
  };
}

/** A logger that drops everything. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Creates the process logger: JSON lines on standard error, or readable lines when standard error is a terminal.
 * Standard output stays free for answers and `--json` output.
 */
export function createLogger(options: { level?: string | undefined } = {}): Logger {
  const level = options.level ?? "warn";
  const destination = process.stderr.isTTY
    ? pretty({ destination: 2, sync: true, colorize: !process.env.NO_COLOR, ignore: "pid,hostname" })
    : pino.destination({ dest: 2, sync: true });
  return pino({ level, base: undefined, redact: { paths: ["token", "*.token", "headers.authorization"], censor: "[secret]" } }, destination);
}
