import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseEnv } from "node:util";
import { z } from "zod";
import { quoteInput, RegbotError } from "./errors.js";

/** The folder that holds regbot's package.json: defaults (the database, the bundled corpus) live below it. */
export const PACKAGE_ROOT = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));

function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (fs.existsSync(file) && (JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string }).name === "regbot") return dir;
    if (path.dirname(dir) === dir) return process.cwd();
  }
}

/** pino's levels, most verbose first; `silent` logs nothing. */
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Settings read from the environment (and `.env`, and CLI flags), validated by {@link readConfig}. */
export interface Config {
  /** SQLite file. `--db` beats `REGBOT_DB` beats `data/regbot.db`. */
  readonly db: string;
  readonly bundledDir: string;
  readonly telegramToken: string | undefined;
  readonly discordToken: string | undefined;
  readonly maxCitations: number;
  readonly discordApplicationId: string | undefined;
  /** Another Discord REST API root (and so gateway), for tests. */
  readonly discordApiRoot: string | undefined;
  /** Another Telegram Bot API server (self-hosted, or a fake one in tests). */
  readonly telegramApiRoot: string | undefined;
  /** Questions one user may ask per minute before the bot asks them to slow down. */
  readonly floodLimit: number;
  /** Webhook mode for Telegram, when TELEGRAM_WEBHOOK_URL is set. */
  readonly telegramWebhook: { url: string; port: number; host: string; secret: string | undefined } | undefined;
  /** Minutes between polls of each news feed (REGBOT_FEED_INTERVAL). */
  readonly feedIntervalMinutes: number;
  /** How much the logger writes to standard error (LOG_LEVEL). */
  readonly logLevel: LogLevel;
  /** Where the health and metrics endpoint listens; `undefined` (HEALTH_PORT unset) serves none. */
  readonly health: { port: number; host: string } | undefined;
  /** Days warning evidence (the quoted message) is kept; 0 keeps it forever (REGBOT_EVIDENCE_DAYS). */
  readonly evidenceDays: number;
}

/** Reads an environment variable; the empty string (or only spaces) counts as unset. */
export function env(name: string, source: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = source[name];
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

let appliedFromDotEnv: ReadonlySet<string> = new Set();

/**
 * Loads `.env` from the working folder into `process.env` when it exists. A variable already set wins; one set
 * to the empty string counts as unset (as everywhere in regbot), so the file's value applies. Returns the names
 * it applied, which {@link dotEnvNames} also remembers (so `regbot config` can say a value came from `.env`).
 */
export function loadDotEnv(file = path.resolve(".env")): ReadonlySet<string> {
  let values: Record<string, string>;
  try {
    values = parseEnv(fs.readFileSync(file, "utf8")) as Record<string, string>;
  } catch {
    // A missing or unreadable .env is treated as none; settings then come from the environment alone.
    return (appliedFromDotEnv = new Set());
  }
  const applied = new Set<string>();
  for (const [name, value] of Object.entries(values)) {
    if (env(name) !== undefined) continue;
    process.env[name] = value;
    applied.add(name);
  }
  return (appliedFromDotEnv = applied);
}

/** The names the last {@link loadDotEnv} applied from the file. */
export function dotEnvNames(): ReadonlySet<string> {
  return appliedFromDotEnv;
}

// ---------------------------------------------------------------------------------------------------------------------
// The settings: what each accepts (a zod schema) and, registered beside it, how `regbot config` shows it and the
// one sentence that names the problem and the fix.

interface SettingInfo {
  /** The value used when unset, as `regbot config` shows it; absent when unset means "off". */
  readonly fallback?: string;
  /** Shows a secret without giving it away. */
  readonly mask?: (value: string) => string;
  /** The problem with `raw` (already trimmed), naming the setting and the fix. Never echo a secret here. */
  readonly problem: (name: string, raw: string) => string;
}

const SETTINGS = z.registry<SettingInfo>();

const DEFAULT_DB = path.join(PACKAGE_ROOT, "data", "regbot.db");
const TELEGRAM_TOKEN = /^\d+:[A-Za-z0-9_-]{20,}$/;
const DISCORD_TOKEN = /^[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}$/;
const HOST = /^[A-Za-z0-9._:-]+$/;
const SECRET = "set (****)";

const text = () => z.string().optional();

const quoted = (raw: string) => `“${quoteInput(raw)}”`;

const wholeNumber = (min: number, max: number) => z.string().regex(/^\d+$/).transform(Number).pipe(z.number().min(min).max(max));

/** The sentence for a bad whole number; `unit` and `note` read " of minutes", ", 0 keeping it forever"; `unset` says what unsetting does. */
const numberProblem = (min: number, max: number, unset: string, unit = "", note = "") => (name: string, raw: string) =>
  `${name} must be a whole number${unit} from ${min} to ${max}${note} (it is ${quoted(raw)}); unset it ${unset}.`;

function count(min: number, max: number, fallback: number, unit?: string, note?: string) {
  return wholeNumber(min, max).default(fallback).register(SETTINGS, { fallback: String(fallback), problem: numberProblem(min, max, `for the default, ${fallback}`, unit, note) });
}

/** Hides what in an address may be a secret: a password, a bot token or a long random path part (webhook paths often are). */
const maskUrl = (url: string) => url.replace(/\/\/[^/@\s]*@/, "//****@").replace(/\d+:[A-Za-z0-9_-]{20,}|[A-Za-z0-9_-]{32,}/g, "****");

function httpUrl(what: string, unset: string) {
  return text()
    .refine((raw) => raw === undefined || (URL.canParse(raw) && /^https?:$/.test(new URL(raw).protocol)))
    .register(SETTINGS, { mask: maskUrl, problem: (name, raw) => `${name} must be the http(s) address of ${what} (it is ${quoted(maskUrl(raw))}); unset it ${unset}.` });
}

function host(fallback: string) {
  return z
    .string()
    .regex(HOST)
    .default(fallback)
    .register(SETTINGS, { fallback, problem: (name, raw) => `${name} must be a host name or IP address to listen on, e.g. 127.0.0.1 or 0.0.0.0 (it is ${quoted(raw)}); unset it for the default, ${fallback}.` });
}

const SCHEMA = z.object({
  REGBOT_DB: z.string().default(DEFAULT_DB).register(SETTINGS, { fallback: DEFAULT_DB, problem: (name) => `${name} must be a file path.` }),
  REGBOT_MAX_CITATIONS: count(1, 10, 3),
  REGBOT_FLOOD_LIMIT: count(1, 1000, 5),
  REGBOT_FEED_INTERVAL: count(1, 1440, 15, " of minutes"),
  REGBOT_EVIDENCE_DAYS: count(0, 3650, 365, " of days", ", 0 keeping evidence forever"),
  LOG_LEVEL: z
    .string()
    .transform((raw) => raw.toLowerCase())
    .pipe(z.enum(LOG_LEVELS))
    .default("warn")
    .register(SETTINGS, { fallback: "warn", problem: (name, raw) => `${name} must be one of ${LOG_LEVELS.join(", ")} (it is ${quoted(raw)}); unset it for the default, warn.` }),
  HEALTH_PORT: wholeNumber(1, 65535)
    .optional()
    .register(SETTINGS, { problem: numberProblem(1, 65535, "to serve no health endpoint") }),
  HEALTH_HOST: host("127.0.0.1"),
  TELEGRAM_BOT_TOKEN: text()
    .refine((raw) => raw === undefined || TELEGRAM_TOKEN.test(raw))
    .register(SETTINGS, {
      mask: (token) => (/^\d+:/.test(token) ? `${token.slice(0, token.indexOf(":"))}:****` : SECRET),
      problem: (name) => `${name} does not look like a bot token (digits, a colon, then the secret from @BotFather); copy it again from @BotFather, or unset it to run without Telegram.`,
    }),
  TELEGRAM_API_ROOT: httpUrl("a Telegram Bot API server, e.g. http://localhost:8081", "to use https://api.telegram.org"),
  TELEGRAM_WEBHOOK_URL: text()
    .refine((raw) => raw === undefined || /^https:\/\/[^/\s]+/i.test(raw))
    // Not echoed: webhook paths often carry a secret.
    .register(SETTINGS, { mask: maskUrl, problem: (name) => `${name} must be the public https:// address Telegram posts updates to (e.g. https://bot.example.org/telegram); unset it to use long polling.` }),
  TELEGRAM_WEBHOOK_PORT: count(1, 65535, 8443),
  TELEGRAM_WEBHOOK_HOST: host("0.0.0.0"),
  TELEGRAM_WEBHOOK_SECRET: text()
    .refine((raw) => raw === undefined || /^[A-Za-z0-9_-]{1,256}$/.test(raw))
    .register(SETTINGS, {
      mask: () => SECRET,
      problem: (name) => `${name} may hold only letters, digits, _ and - (1 to 256 of them), as Telegram requires; choose another, or unset it to accept updates without one.`,
    }),
  DISCORD_TOKEN: text()
    .refine((raw) => raw === undefined || DISCORD_TOKEN.test(raw))
    .register(SETTINGS, {
      mask: () => SECRET,
      problem: (name) => `${name} does not look like a bot token (three parts separated by dots, from the Developer Portal → Bot → Reset Token); copy it again, without a “Bot ” prefix, or unset it to run without Discord.`,
    }),
  DISCORD_APPLICATION_ID: text()
    .refine((raw) => raw === undefined || /^\d{17,20}$/.test(raw))
    .register(SETTINGS, { problem: (name, raw) => `${name} must be the application id, 17 to 20 digits from the Developer Portal → General Information (it is ${quoted(raw)}); unset it to have regbot look it up.` }),
  DISCORD_API_ROOT: httpUrl("a Discord REST API, e.g. https://discord.com/api", "to use Discord's own"),
});

/** The name of one setting (an environment variable). */
export type SettingName = keyof typeof SCHEMA.shape;

/** Every setting regbot reads, in the order `regbot config` lists them. */
export const SETTING_NAMES = Object.keys(SCHEMA.shape) as readonly SettingName[];

/** Where a setting's value came from; a flag beats the environment, which beats `.env`, which beats the default. */
export type SettingSource = "flag" | "environment" | ".env" | "default";

/** Flags that stand for a setting. */
export interface ConfigFlags {
  readonly db?: string | undefined;
}

type Validated = { ok: true; settings: z.output<typeof SCHEMA> } | { ok: false; problems: string[] };

function validate(raw: Record<SettingName, string | undefined>): Validated {
  const result = SCHEMA.safeParse(raw);
  if (result.success) return { ok: true, settings: result.data };
  const failed = new Set(result.error.issues.map((issue) => issue.path[0]));
  const problems = SETTING_NAMES.filter((name) => failed.has(name)).map((name) => SETTINGS.get(SCHEMA.shape[name])!.problem(name, raw[name] ?? ""));
  return { ok: false, problems };
}

function rawSettings(flags: ConfigFlags, source: NodeJS.ProcessEnv): Record<SettingName, string | undefined> {
  const raw = Object.fromEntries(SETTING_NAMES.map((name) => [name, env(name, source)])) as Record<SettingName, string | undefined>;
  return { ...raw, REGBOT_DB: flags.db?.trim() || raw.REGBOT_DB };
}

/** The one message that lists every problem, one per line. */
export function formatProblems(problems: readonly string[]): string {
  return ["Configuration problems:", ...problems.map((p) => `- ${p}`)].join("\n");
}

/**
 * Builds the configuration from the environment and CLI flags, checking every setting at once. Throws a
 * `BAD_INPUT` {@link RegbotError} listing every problem, one per line, each naming the setting and the fix.
 */
export function readConfig(flags: ConfigFlags = {}, source: NodeJS.ProcessEnv = process.env): Config {
  const result = validate(rawSettings(flags, source));
  if (!result.ok) throw new RegbotError("BAD_INPUT", formatProblems(result.problems));
  const s = result.settings;
  return {
    db: s.REGBOT_DB,
    bundledDir: path.join(PACKAGE_ROOT, "data", "articles"),
    telegramToken: s.TELEGRAM_BOT_TOKEN,
    discordToken: s.DISCORD_TOKEN,
    maxCitations: s.REGBOT_MAX_CITATIONS,
    telegramApiRoot: s.TELEGRAM_API_ROOT,
    discordApplicationId: s.DISCORD_APPLICATION_ID,
    discordApiRoot: s.DISCORD_API_ROOT,
    floodLimit: s.REGBOT_FLOOD_LIMIT,
    telegramWebhook: s.TELEGRAM_WEBHOOK_URL
      ? { url: s.TELEGRAM_WEBHOOK_URL, port: s.TELEGRAM_WEBHOOK_PORT, host: s.TELEGRAM_WEBHOOK_HOST, secret: s.TELEGRAM_WEBHOOK_SECRET }
      : undefined,
    feedIntervalMinutes: s.REGBOT_FEED_INTERVAL,
    logLevel: s.LOG_LEVEL,
    health: s.HEALTH_PORT === undefined ? undefined : { port: s.HEALTH_PORT, host: s.HEALTH_HOST },
    evidenceDays: s.REGBOT_EVIDENCE_DAYS,
  };
}

/** One setting as `regbot config` shows it: secrets masked, `null` when unset with no default. */
export interface SettingReport {
  readonly name: SettingName;
  readonly value: string | null;
  readonly source: SettingSource;
}

/**
 * The effective configuration for `regbot config`: each setting, its shown value and where it came from, and
 * every problem (never thrown). `fromDotEnv` names the variables `.env` supplied.
 */
export function inspectConfig(flags: ConfigFlags = {}, source: NodeJS.ProcessEnv = process.env, fromDotEnv: ReadonlySet<string> = dotEnvNames()): { settings: SettingReport[]; problems: string[] } {
  const raw = rawSettings(flags, source);
  const settings = SETTING_NAMES.map((name): SettingReport => {
    const info = SETTINGS.get(SCHEMA.shape[name])!;
    const value = raw[name];
    if (value === undefined) return { name, value: info.fallback ?? null, source: "default" };
    const from: SettingSource = name === "REGBOT_DB" && flags.db?.trim() ? "flag" : fromDotEnv.has(name) ? ".env" : "environment";
    return { name, value: info.mask ? info.mask(value) : value, source: from };
  });
  const result = validate(raw);
  return { settings, problems: result.ok ? [] : result.problems };
}
