import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { RegbotError } from "../errors.js";
import { migrations } from "./migrations.js";

/**
 * The page size of a new database. At SQLite's default of 4 KB a row keeps at most about 1 KB in its page, so
 * every article (a few KB of text) spills into an overflow page of its own: two or more page writes per article,
 * each written twice (to the WAL, then to the file). At 16 KB an article fits in the page with its neighbours,
 * and storing articles takes about a quarter of the writes. Only a new file can get it; it cannot change in WAL mode.
 * (SQLite checkpoints the WAL every 1,000 pages, so with these pages it grows to about 16 MB before it does.)
 */
export const PAGE_SIZE = 16_384;

/** An open better-sqlite3 database. */
export type Db = Database.Database;

/** Options of {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /** Open without writing: no migrations, no WAL switch. Default `false`. */
  readonly readonly?: boolean;
}

/**
 * Opens (creating when missing) the SQLite file at `file`, with WAL, foreign keys and a busy timeout, and
 * brings its schema up to date. Failures become {@link RegbotError}s that name the file and the fix.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Db {
  const readonly = options.readonly ?? false;
  if (!readonly) {
    try {
      fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    } catch (error) {
      throw new RegbotError("DB_OPEN", `Cannot create the folder for the database ${file}: ${describe(error)}. Choose another path with --db or REGBOT_DB.`, { cause: error });
    }
  }
  let db: Db;
  try {
    db = readonly ? openReadOnly(file) : new Database(file);
  } catch (error) {
    throw translateSqliteError(error, file);
  }
  try {
    db.pragma("busy_timeout = 5000");
    db.pragma("foreign_keys = ON");
    // A quick read proves the file really is a database before anything is written to it.
    db.pragma("schema_version");
    if (!readonly) {
      // A new file gets pages big enough for a whole article (see PAGE_SIZE); an existing one keeps its own.
      if (db.pragma("page_count", { simple: true }) === 0) db.pragma(`page_size = ${PAGE_SIZE}`);
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
      migrate(db, file);
    }
  } catch (error) {
    db.close();
    throw translateSqliteError(error, file);
  }
  return db;
}

/**
 * Opens a database for reading only. In a read-only folder SQLite cannot open a WAL database at all (it needs
 * its -shm file), so the file is then read into memory and queried there.
 */
function openReadOnly(file: string): Db {
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma("schema_version");
    return db;
  } catch (error) {
    const code = (error as { code?: string }).code ?? "";
    if ((!code.startsWith("SQLITE_READONLY") && code !== "SQLITE_CANTOPEN") || !fs.existsSync(file)) throw error;
    const bytes = fs.readFileSync(file);
    // Bytes 18 and 19 of the header mark WAL mode (2); an in-memory copy must say rollback journal (1).
    if (bytes.length >= 100 && bytes[18] === 2 && bytes[19] === 2) bytes[18] = bytes[19] = 1;
    const db = new Database(bytes);
    db.pragma("query_only = ON");
    return db;
  }
}

function migrate(db: Db, file: string): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > migrations.length) {
    throw new RegbotError(
      "DB_NEWER",
      `The database ${file} was written by a newer regbot (schema ${current}, this one knows ${migrations.length}). Upgrade regbot or use another --db.`,
    );
  }
  for (let version = current; version < migrations.length; version++) {
    const step = migrations[version]!;
    db.transaction(() => {
      db.exec(step);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}

/** Turns a SQLite error into a {@link RegbotError} that says what to do; other errors pass through. */
export function translateSqliteError(error: unknown, file: string): unknown {
  if (error instanceof RegbotError) return error;
  const code = (error as { code?: string } | null)?.code ?? "";
  if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT" || code.startsWith("SQLITE_CORRUPT")) {
    return new RegbotError("DB_CORRUPT", `The database ${file} is not a valid regbot database (corrupt or another kind of file). Nothing was changed. Restore a backup, or point --db / REGBOT_DB at a new file.`, { cause: error });
  }
  if (code === "SQLITE_READONLY" || code.startsWith("SQLITE_READONLY") || code === "SQLITE_CANTOPEN" && isReadOnlyPlace(file)) {
    return new RegbotError("DB_READONLY", `The database ${file} cannot be written (read-only file or folder). Fix its permissions, or point --db / REGBOT_DB at a writable file.`, { cause: error });
  }
  if (code.startsWith("SQLITE_IOERR")) {
    return new RegbotError("DB_FULL", `Reading or writing the database ${file} failed (${code}: the disk may be full or failing); nothing stored was lost. Free some space or check the disk, then try again.`, { cause: error });
  }
  if (code === "SQLITE_FULL") {
    return new RegbotError("DB_FULL", `The disk holding ${file} is full; the last change was not saved and nothing stored was lost. Free some space and try again.`, { cause: error });
  }
  if (code === "SQLITE_CANTOPEN") {
    return new RegbotError("DB_OPEN", `Cannot open the database ${file}. Check that the path is a file in a folder you can write to, or use --db / REGBOT_DB.`, { cause: error });
  }
  return error;
}

function isReadOnlyPlace(file: string): boolean {
  try {
    fs.accessSync(fs.existsSync(file) ? file : path.dirname(path.resolve(file)), fs.constants.W_OK);
    return false;
  } catch {
    return true;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Wraps database work so SQLite errors become {@link RegbotError}s that name `file` and the fix (a full disk,
 * a read-only or corrupt file). Every store uses it around its statements.
 */
export function sqliteGuard(file: string): <T>(work: () => T) => T {
  return (work) => {
    try {
      return work();
    } catch (error) {
      throw translateSqliteError(error, file);
    }
  };
}
