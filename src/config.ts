import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseEnv } from "node:util";
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

/** Settings read from the environment. */
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
}

/** Reads an environment variable; the empty string (or only spaces) counts as unset. */
export function env(name: string, source: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = source[name];
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

/**
 * Loads `.env` from the working folder into `process.env` when it exists. A variable already set wins; one set
 * to the empty string counts as unset (as everywhere in regbot), so the file's value applies.
 */
export function loadDotEnv(file = path.resolve(".env")): void {
  let values: Record<string, string>;
  try {
    values = parseEnv(fs.readFileSync(file, "utf8")) as Record<string, string>;
  } catch {
    // A missing or unreadable .env is treated as none; settings then come from the environment alone.
    return;
  }
  for (const [name, value] of Object.entries(values)) if (env(name) === undefined) process.env[name] = value;
}

/** Builds the configuration from the environment and CLI flags. */
export function readConfig(flags: { db?: string | undefined } = {}, source: NodeJS.ProcessEnv = process.env): Config {
  const maxCitations = wholeNumber(source, "REGBOT_MAX_CITATIONS", 3, 1, 10);
  return {
    db: flags.db?.trim() || env("REGBOT_DB", source) || path.join(PACKAGE_ROOT, "data", "regbot.db"),
    bundledDir: path.join(PACKAGE_ROOT, "data", "articles"),
    telegramToken: env("TELEGRAM_BOT_TOKEN", source),
    discordToken: env("DISCORD_TOKEN", source),
    maxCitations,
    telegramApiRoot: env("TELEGRAM_API_ROOT", source),
    discordApplicationId: env("DISCORD_APPLICATION_ID", source),
    discordApiRoot: env("DISCORD_API_ROOT", source),
    floodLimit: wholeNumber(source, "REGBOT_FLOOD_LIMIT", 5, 1, 1000),
    telegramWebhook: webhook(source),
    feedIntervalMinutes: wholeNumber(source, "REGBOT_FEED_INTERVAL", 15, 1, 1440),
  };
}

/** Reads a whole-number setting, refusing anything outside `min`..`max` with a message that names the setting. */
function wholeNumber(source: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env(name, source);
  const value = Number(raw ?? fallback);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RegbotError("BAD_INPUT", `${name} must be a whole number from ${min} to ${max} (it is “${quoteInput(raw ?? "")}”). Fix it or unset it for the default, ${fallback}.`);
  }
  return value;
}

function webhook(source: NodeJS.ProcessEnv): Config["telegramWebhook"] {
  const url = env("TELEGRAM_WEBHOOK_URL", source);
  if (!url) return undefined;
  if (!/^https:\/\/[^/\s]+/i.test(url)) {
    throw new RegbotError("BAD_INPUT", "TELEGRAM_WEBHOOK_URL must be the public https:// address Telegram posts updates to (e.g. https://bot.example.org/telegram).");
  }
  const secret = env("TELEGRAM_WEBHOOK_SECRET", source);
  if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) {
    throw new RegbotError("BAD_INPUT", "TELEGRAM_WEBHOOK_SECRET may hold only letters, digits, _ and - (1 to 256 of them), as Telegram requires.");
  }
  return { url, port: wholeNumber(source, "TELEGRAM_WEBHOOK_PORT", 8443, 1, 65535), host: env("TELEGRAM_WEBHOOK_HOST", source) ?? "0.0.0.0", secret };
}
