import pino from "pino";
import pretty from "pino-pretty";

/** The logging port the core and adapters use. pino's logger satisfies it; tests can pass their own. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
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
