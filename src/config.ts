import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
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
}

/** Reads an environment variable; the empty string (or only spaces) counts as unset. */
export function env(name: string, source: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = source[name];
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

/** Loads `.env` from the working folder into `process.env` when it exists; variables already set win. */
export function loadDotEnv(file = path.resolve(".env")): void {
  if (!fs.existsSync(file)) return;
  try {
    process.loadEnvFile(file);
  } catch {
    // An unreadable .env is treated like a missing one; settings then come from the environment alone.
  }
}

/** Builds the configuration from the environment and CLI flags. */
export function readConfig(flags: { db?: string | undefined } = {}, source: NodeJS.ProcessEnv = process.env): Config {
  const rawCitations = env("REGBOT_MAX_CITATIONS", source);
  const maxCitations = Number(rawCitations ?? 3);
  if (!Number.isInteger(maxCitations) || maxCitations < 1 || maxCitations > 10) {
    throw new RegbotError("BAD_INPUT", `REGBOT_MAX_CITATIONS must be a whole number from 1 to 10 (it is “${quoteInput(rawCitations ?? "")}”). Fix it or unset it for the default, 3.`);
  }
  return {
    db: flags.db?.trim() || env("REGBOT_DB", source) || path.join(PACKAGE_ROOT, "data", "regbot.db"),
    bundledDir: path.join(PACKAGE_ROOT, "data", "articles"),
    telegramToken: env("TELEGRAM_BOT_TOKEN", source),
    discordToken: env("DISCORD_TOKEN", source),
    maxCitations,
  };
}
