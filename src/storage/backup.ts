import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { RegbotError } from "../errors.js";
import { openDatabase, translateSqliteError, type Db } from "./database.js";
import { migrations } from "./migrations.js";
import { acquireRunLock } from "./run-lock.js";

/** What {@link backupDatabase} wrote. */
export interface BackupReport {
  /** The backup file, as an absolute path. */
  readonly file: string;
  readonly bytes: number;
  /** Live (not retracted) articles in the backup. */
  readonly articles: number;
}

/** What {@link restoreDatabase} did. */
export interface RestoreReport {
  /** The database file now holding the backup, as an absolute path. */
  readonly file: string;
  /** Live (not retracted) articles restored. */
  readonly articles: number;
  /** The backup's schema version; below {@link migrations}.length it is upgraded when regbot next opens it. */
  readonly schema: number;
  /** Where the replaced database was moved, or `null` when there was none. */
  readonly replaced: string | null;
}

/** The first 16 bytes of every SQLite 3 database file. */
const SQLITE_HEADER = "SQLite format 3\0";

/** The files SQLite keeps beside a database: a WAL or rollback journal holds committed data; -shm is only an index. */
const JOURNALS = ["-wal", "-journal"] as const;

/**
 * Copies the database `dbFile` to `target` with SQLite's online backup, which reads one consistent snapshot while
 * another process (a running bot) goes on writing. The copy is written beside `target` under a temporary name and
 * renamed when complete, so a half-written backup never has the final name. Refuses an existing `target` unless
 * `force`.
 */
export async function backupDatabase(dbFile: string, target: string, options: { force?: boolean } = {}): Promise<BackupReport> {
  const source = path.resolve(dbFile);
  const file = path.resolve(target);
  if (!fs.existsSync(source)) throw new RegbotError("NOT_FOUND", `There is no database at ${source} to back up. Check --db or REGBOT_DB.`);
  if (file === source) throw new RegbotError("BAD_INPUT", `${file} is the database itself. Give the backup another file name.`);
  const existing = statOrUndefined(file);
  if (existing?.isDirectory()) throw new RegbotError("BAD_INPUT", `${file} is a folder. Give a file name for the backup, e.g. ${path.join(file, "regbot-backup.db")}`);
  if (existing && !options.force) throw new RegbotError("BAD_INPUT", `${file} already exists. Choose another file name, or add --force to replace it.`);
  if (!fs.existsSync(path.dirname(file))) throw new RegbotError("NOT_FOUND", `The folder ${path.dirname(file)} does not exist. Create it, or choose another place for the backup.`);

  const partial = `${file}.partial-${process.pid}`;
  const db = openDatabase(source, { readonly: true });
  try {
    await copyDatabase(db, partial);
    const articles = settle(partial, "DELETE");
    // A journal left beside the target by an earlier copy would be read as part of the new file.
    for (const suffix of [...JOURNALS, "-shm"]) fs.rmSync(`${file}${suffix}`, { force: true });
    fs.renameSync(partial, file);
    syncFolder(file);
    return { file, bytes: fs.statSync(file).size, articles };
  } catch (error) {
    throw copyFailed(error, { from: source, to: file, damaged: "no backup was written. `regbot doctor` says more; restore an earlier backup" });
  } finally {
    db.close();
    removeWithCompanions(partial);
  }
}

/**
 * Puts the backup `backupFile` back as the database `dbFile`. Refuses while regbot runs on `dbFile` (its run lock is
 * held) and refuses a file that is not a sound regbot database of a schema this regbot knows; nothing is changed
 * then. The replaced database is kept, with its journal, as `<db>.before-restore-<timestamp>`. Where the file system
 * has hard links, the database file holds either the old or the restored database at every moment.
 */
export async function restoreDatabase(dbFile: string, backupFile: string, options: { now?: () => Date } = {}): Promise<RestoreReport> {
  const file = path.resolve(dbFile);
  const backup = path.resolve(backupFile);
  if (backup === file) throw new RegbotError("BAD_INPUT", `${backup} is the database itself. Give the backup file to restore.`);
  const release = acquireRunLock(file);
  const restoring = `${file}.restoring-${process.pid}`;
  try {
    const { db, schema } = openBackup(backup);
    let articles: number;
    try {
      await copyDatabase(db, restoring);
      articles = settle(restoring, "WAL");
    } catch (error) {
      throw copyFailed(error, { from: backup, to: file, damaged: "nothing was changed. Restore another backup" });
    } finally {
      db.close();
    }
    try {
      const old = statOrUndefined(file);
      if (old) fs.chmodSync(restoring, old.mode & 0o777);
      const replaced = old ? keepReplaced(file, options.now?.() ?? new Date()) : null;
      // Journals with no database beside them belong to nothing, and would be read as part of the restored file.
      for (const suffix of [...JOURNALS, "-shm"]) fs.rmSync(`${file}${suffix}`, { force: true });
      fs.renameSync(restoring, file);
      syncFolder(file);
      return { file, articles, schema, replaced };
    } catch (error) {
      throw new RegbotError("IO", `Cannot put the restored database in place at ${file}: ${describe(error)}. Check that the folder ${path.dirname(file)} is writable, then try again.`, { cause: error });
    }
  } finally {
    removeWithCompanions(restoring);
    release();
  }
}

/**
 * Opens a backup to restore, read-only, after checking that it is an intact regbot database of a schema this
 * regbot knows. Each refusal says that nothing was changed and what to do.
 */
function openBackup(backup: string): { db: Db; schema: number } {
  const stat = statOrUndefined(backup);
  if (!stat) throw new RegbotError("NOT_FOUND", `There is no backup at ${backup}. Give the file \`regbot backup\` wrote.`);
  if (!stat.isFile()) throw new RegbotError("BAD_INPUT", `${backup} is not a file. Give the file \`regbot backup\` wrote.`);
  if (!hasSqliteHeader(backup)) {
    throw new RegbotError("DB_CORRUPT", `${backup} is not a SQLite database, so it cannot be a regbot backup. Nothing was changed. Give the file \`regbot backup\` wrote.`);
  }
  let db: Db;
  try {
    db = openDatabase(backup, { readonly: true });
  } catch (error) {
    // openDatabase words its errors for the live database; the SQLite message underneath is what to show here.
    throw damaged(backup, describe((error as { cause?: unknown }).cause ?? error), error);
  }
  try {
    const problems = integrityProblems(db);
    if (problems.length > 0) throw damaged(backup, problems[0]!);
    const tables = new Set(db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((t) => t.name));
    if (!tables.has("articles") || !tables.has("meta")) {
      throw new RegbotError("BAD_INPUT", `${backup} is a SQLite database but not regbot's (it has no articles and meta tables). Nothing was changed. Give the file \`regbot backup\` wrote.`);
    }
    const schema = db.pragma("user_version", { simple: true }) as number;
    if (schema > migrations.length) {
      throw new RegbotError("DB_NEWER", `${backup} was written by a newer regbot (schema ${schema}; this one knows ${migrations.length}). Nothing was changed. Upgrade regbot, then restore it.`);
    }
    return { db, schema };
  } catch (error) {
    db.close();
    if (error instanceof RegbotError) throw error;
    throw damaged(backup, describe(error), error);
  }
}

function damaged(backup: string, detail: string, cause?: unknown): RegbotError {
  return new RegbotError("DB_CORRUPT", `${backup} is damaged (${detail}). Nothing was changed. Restore another backup.`, { cause });
}

/** What `PRAGMA integrity_check` found wrong; empty when the database is sound. */
export function integrityProblems(db: Db): string[] {
  const rows = db.pragma("integrity_check") as Array<{ integrity_check: string }>;
  return rows.map((r) => r.integrity_check).filter((message) => message !== "ok");
}

/**
 * Copies `db` into `destination` with SQLite's backup API. All remaining pages go in one step: in WAL mode that step
 * reads one snapshot while writers go on, whereas small steps restart whenever another process writes and may
 * never finish under a busy bot.
 */
async function copyDatabase(db: Db, destination: string): Promise<void> {
  removeWithCompanions(destination);
  await db.backup(destination, { progress: () => 0x7fffffff });
}

/** Words a failed copy from `from` to `to`: a full disk, a damaged source (`damaged` says what happened and what to do), or else as {@link translateSqliteError} does. */
function copyFailed(error: unknown, where: { from: string; to: string; damaged: string }): unknown {
  if (error instanceof RegbotError) return error;
  const code = (error as { code?: string } | null)?.code ?? "";
  if (code === "SQLITE_FULL" || code === "ENOSPC" || code.startsWith("SQLITE_IOERR")) {
    return new RegbotError("DB_FULL", `Writing ${where.to} failed (${code}: the disk may be full or failing); ${where.from} was not changed. Free some space or choose another disk, then try again.`, { cause: error });
  }
  if (code === "SQLITE_NOTADB" || code.startsWith("SQLITE_CORRUPT")) {
    return new RegbotError("DB_CORRUPT", `${where.from} is damaged (${describe(error)}), so ${where.damaged}.`, { cause: error });
  }
  if (!code.startsWith("SQLITE_")) return new RegbotError("IO", `Cannot write ${where.to}: ${describe(error)}. Check that its folder is writable.`, { cause: error });
  return translateSqliteError(error, where.from);
}

/**
 * Makes the fresh copy at `file` one self-contained file in the given journal mode (closing the only connection
 * folds its WAL in and deletes it), writes it to disk, and returns its live article count. Throws when it is not sound.
 */
function settle(file: string, journalMode: "DELETE" | "WAL"): number {
  const db = new Database(file, { fileMustExist: true });
  let articles: number;
  try {
    db.pragma(`journal_mode = ${journalMode}`);
    // quick_check reads every page (not every index entry): a copy that cannot be read fails here, not on restore day.
    const result = db.pragma("quick_check", { simple: true });
    if (result !== "ok") throw Object.assign(new Error(`quick_check: ${String(result)}`), { code: "SQLITE_CORRUPT" });
    articles = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM articles WHERE retracted_at IS NULL").get()!.n;
  } finally {
    db.close();
  }
  const fd = fs.openSync(file, "r+");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return articles;
}

/**
 * Keeps the database about to be replaced as `<db>.before-restore-<timestamp>`, with its committed WAL: folded in
 * when SQLite can checkpoint it, else moved along under the new name (a WAL belongs to the file it sits beside). The
 * old name stays in place (a second link) until the restored file is renamed over it.
 */
function keepReplaced(file: string, now: Date): string {
  checkpoint(file);
  const stamp = now.toISOString().replace(/\.\d+Z$/, "Z").replace(/:/g, "-");
  let kept = `${file}.before-restore-${stamp}`;
  for (let n = 2; fs.existsSync(kept); n++) kept = `${file}.before-restore-${stamp}-${n}`;
  try {
    fs.linkSync(file, kept);
  } catch {
    // No hard links on this file system: move it; the database name is missing only until the rename that follows.
    fs.renameSync(file, kept);
  }
  for (const suffix of JOURNALS) if (fs.existsSync(`${file}${suffix}`)) fs.renameSync(`${file}${suffix}`, `${kept}${suffix}`);
  fs.rmSync(`${file}-shm`, { force: true });
  // The saved search index goes with the database it was saved for (see src/search/saved-index.ts).
  if (fs.existsSync(`${file}.index`)) fs.renameSync(`${file}.index`, `${kept}.index`);
  return kept;
}

/** Folds the WAL into the database file, best effort: a damaged database (often the reason to restore) is kept as it is. */
function checkpoint(file: string): void {
  let db: Db | undefined;
  try {
    db = new Database(file, { fileMustExist: true });
    db.pragma("busy_timeout = 5000");
    db.pragma("wal_checkpoint(TRUNCATE)");
  } catch {
    // Unreadable: its WAL, if any, is moved along with it instead.
  } finally {
    try {
      db?.close();
    } catch {
      // Closing a damaged database may fail as well; the file is kept either way.
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function hasSqliteHeader(file: string): boolean {
  const fd = fs.openSync(file, "r");
  try {
    const header = Buffer.alloc(SQLITE_HEADER.length);
    const read = fs.readSync(fd, header, 0, header.length, 0);
    return read === header.length && header.toString("latin1") === SQLITE_HEADER;
  } finally {
    fs.closeSync(fd);
  }
}

function statOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

function removeWithCompanions(file: string): void {
  for (const suffix of ["", ...JOURNALS, "-shm"]) fs.rmSync(`${file}${suffix}`, { force: true });
}

/** Writes a rename to disk, so a crash right after cannot bring back the old name. Not every system can sync a folder. */
function syncFolder(file: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(path.dirname(file), "r");
    fs.fsyncSync(fd);
  } catch {
    // Windows cannot open a folder; the rename is still atomic there.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
