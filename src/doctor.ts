import fs from "node:fs";
import path from "node:path";
import { createArticleStore, type ArticleStore } from "./articles/store.js";
import { readConfig } from "./config.js";
import { createCore } from "./core.js";
import { isRegbotError } from "./errors.js";
import { savedIndexes } from "./search/saved-index.js";
import { silentLogger, type Logger } from "./logger.js";
import { integrityProblems } from "./storage/backup.js";
import { openDatabase, type Db } from "./storage/database.js";
import { migrations } from "./storage/migrations.js";
import { formatBytes } from "./units.js";

/** One finding of {@link runDoctor}: `detail` says what was found and, when `ok` is false, what to do. */
export interface DoctorCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** What {@link runDoctor} checks. */
export interface DoctorOptions {
  /** The database file (as `--db` or REGBOT_DB name it). */
  readonly dbFile: string;
  /** Where settings are read from. Default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Free space below this near the database is a problem. Default 100 MB. */
  readonly minFreeBytes?: number;
  readonly logger?: Logger;
}

/** Below this much free space a growing database (and its WAL) may fill the disk. */
export const MIN_FREE_BYTES = 100 * 1024 * 1024;

/** Settings whose values must never be shown, not even inside an error message. */
const SECRET_SETTINGS = ["TELEGRAM_BOT_TOKEN", "DISCORD_TOKEN", "TELEGRAM_WEBHOOK_SECRET"] as const;

/**
 * Checks that regbot can run: the database opens and is intact, its schema and article count, that the saved search
 * index matches the store (rebuilding it when it does not), that the configuration loads, and the free disk space.
 * What it can fix (the index) it fixes and reports as ok; every other problem says what to do.
 */
export function runDoctor(options: DoctorOptions): DoctorCheck[] {
  const env = options.env ?? process.env;
  const checks: DoctorCheck[] = [...checkDatabase(options.dbFile, options.logger ?? silentLogger)];
  checks.push(checkConfig(options.dbFile, env));
  checks.push(checkDiskSpace(options.dbFile, options.minFreeBytes ?? MIN_FREE_BYTES));
  return checks;
}

function checkDatabase(file: string, logger: Logger): DoctorCheck[] {
  if (!fs.existsSync(file)) {
    return [problem("database", `there is no database at ${file} yet. \`regbot start\` (or any command, e.g. \`regbot latest\`) creates it with the bundled articles; if you expected one there, check --db or REGBOT_DB.`)];
  }
  let db: Db;
  let readonly = false;
  try {
    db = openDatabase(file);
  } catch (error) {
    if (!isRegbotError(error, "DB_READONLY")) return [problem("database", describe(error))];
    try {
      db = openDatabase(file, { readonly: true });
      readonly = true;
    } catch (again) {
      return [problem("database", describe(again))];
    }
  }
  try {
    const checks = [ok("database", readonly ? `${file} opens read-only: the bot answers from it but saves nothing (fix its permissions to let it write)` : `${file} opens`)];
    const integrity = checkIntegrity(db);
    checks.push(integrity);
    // A damaged database gives wrong answers to the checks below, and rebuilding the index would write into it.
    if (!integrity.ok) return checks;
    checks.push(checkSchema(db));
    const store = createArticleStore(db, { file });
    checks.push(checkArticles(store));
    checks.push(checkIndex(store, readonly, logger));
    return checks;
  } finally {
    db.close();
  }
}

function checkIntegrity(db: Db): DoctorCheck {
  const advice = "Restore a backup (`regbot restore FILE`); to keep what is still readable, back it up first (`regbot backup FILE`).";
  try {
    const problems = integrityProblems(db);
    if (problems.length === 0) return ok("integrity", "PRAGMA integrity_check: ok");
    return problem("integrity", `PRAGMA integrity_check found ${problems.length} problem${problems.length === 1 ? "" : "s"}, first: ${problems[0]}. ${advice}`);
  } catch (error) {
    return problem("integrity", `PRAGMA integrity_check failed: ${describe(error)}. ${advice}`);
  }
}

function checkSchema(db: Db): DoctorCheck {
  const version = db.pragma("user_version", { simple: true }) as number;
  const known = migrations.length;
  if (version === known) return ok("schema", `version ${version} (current)`);
  if (version > known) return problem("schema", `version ${version}, written by a newer regbot (this one knows ${known}). Upgrade regbot.`);
  // Only a read-only database stays behind: openDatabase upgrades every other one.
  return ok("schema", `version ${version} of ${known}: upgraded when regbot can write to the database`);
}

function checkArticles(store: ArticleStore): DoctorCheck {
  const { count, newest } = store.stats();
  if (count === 0) return problem("articles", "none stored, so no question can be answered. `regbot latest` stores the bundled articles; `regbot ingest PATH` adds your own.");
  return ok("articles", `${count.toLocaleString("en")} stored${newest ? `, newest published ${newest}` : ""}`);
}

/** The saved search index reflects the store when it was saved at the store's current version, and its file is the one saved. */
function checkIndex(store: ArticleStore, readonly: boolean, logger: Logger): DoctorCheck {
  const saved = savedIndexes(store.db, store.file);
  /** What is wrong with the index saved for the store as it is now, or `undefined` when it can be used. */
  const unusable = (): string | undefined => {
    const version = store.version();
    const savedAt = saved.savedVersion();
    if (savedAt === undefined) return "was missing";
    if (savedAt !== version) return `was out of date (saved at store version ${savedAt}, the store is at ${version})`;
    try {
      saved.load(version);
      return undefined;
    } catch (error) {
      return `could not be read (${describe(error)})`;
    }
  };
  const was = unusable();
  if (was === undefined) return ok("search index", `matches the store (version ${store.version()})`);
  if (readonly) return problem("search index", `${was}; in a read-only database it is rebuilt in memory at every start. Let regbot write to the database to save it.`);
  try {
    // Answering a question builds the index from the store and saves it, as the bot does at start.
    createCore({ store, logger }).ask("crypto regulation");
  } catch (error) {
    return problem("search index", `${was}, and rebuilding it failed: ${describe(error)}`);
  }
  if (unusable() !== undefined) {
    return problem("search index", `${was}, and the rebuilt index could not be saved (the bot rebuilds it at every start). Check the disk space and the permissions of the database and its folder.`);
  }
  return ok("search index", `${was}: rebuilt`);
}

function checkConfig(dbFile: string, env: NodeJS.ProcessEnv): DoctorCheck {
  try {
    const config = readConfig({ db: dbFile }, env);
    const bots = [config.telegramToken && `Telegram${config.telegramWebhook ? " (webhook)" : ""}`, config.discordToken && "Discord"].filter(Boolean);
    return ok("configuration", bots.length ? `loads; bots configured: ${bots.join(", ")}` : "loads; no bot token set (TELEGRAM_BOT_TOKEN, DISCORD_TOKEN), so `regbot start` opens the terminal chat");
  } catch (error) {
    return problem("configuration", hideSecrets(describe(error), env));
  }
}

function checkDiskSpace(dbFile: string, minFree: number): DoctorCheck {
  // The database's folder may not exist yet: measure the disk it will be created on.
  let dir = path.dirname(path.resolve(dbFile));
  while (!fs.existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  let free: number;
  try {
    const stats = fs.statfsSync(dir);
    free = stats.bavail * stats.bsize;
  } catch (error) {
    return ok("disk space", `could not be measured in ${dir}: ${describe(error)}`);
  }
  if (free < minFree) {
    return problem("disk space", `only ${formatBytes(free)} free in ${dir} (under ${formatBytes(minFree)}): a full disk stops the bot saving articles. Free some space, or move the database (--db, REGBOT_DB).`);
  }
  return ok("disk space", `${formatBytes(free)} free in ${dir}`);
}


function hideSecrets(text: string, env: NodeJS.ProcessEnv): string {
  let shown = text;
  for (const name of SECRET_SETTINGS) {
    const value = env[name]?.trim();
    if (value && value.length >= 4) shown = shown.split(value).join("[secret]");
  }
  return shown;
}

// One line each: a message listing several problems (the configuration's) is joined up.
const oneLine = (text: string) => text.split("\n").map((line) => line.trim()).filter(Boolean).join(" ");
const ok = (name: string, detail: string): DoctorCheck => ({ name, ok: true, detail: oneLine(detail) });
const problem = (name: string, detail: string): DoctorCheck => ({ name, ok: false, detail: oneLine(detail) });

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
