import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { RegbotError, type RegbotErrorCode } from "../../src/errors.js";
import { migrations } from "../../src/storage/migrations.js";
import { openDatabase, PAGE_SIZE, translateSqliteError, type Db } from "../../src/storage/database.js";
import { tempDir } from "../fakes/temp-store.js";
import { regbotErrorOf } from "../fakes/regbot-error.js";


/** Opens, runs `check`, and closes, so a test never leaves a connection behind. */
function withDatabase<T>(file: string, check: (db: Db) => T): T {
  const db = openDatabase(file);
  try {
    return check(db);
  } finally {
    db.close();
  }
}

/**
 * True when file permissions do not stop this process from writing (root does not care about chmod), so a
 * read-only test would prove nothing.
 */
function permissionsAreIgnored(): boolean {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "regbot-probe-"));
  try {
    fs.chmodSync(dir, 0o555);
    fs.writeFileSync(path.join(dir, "probe"), "x");
    return true;
  } catch {
    return false;
  } finally {
    fs.chmodSync(dir, 0o755);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("openDatabase", () => {
  it("creates the file, and its folder, when they are missing", () => {
    const file = path.join(tempDir(), "nested", "folder", "regbot.db");
    withDatabase(file, () => undefined);
    expect(fs.existsSync(file)).toBe(true);
  });

  it("runs every migration and records how many in PRAGMA user_version", () => {
    const file = path.join(tempDir(), "regbot.db");
    withDatabase(file, (db) => {
      expect(db.pragma("user_version", { simple: true })).toBe(migrations.length);
      const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
      expect(tables.map((t) => t.name)).toEqual(["alerts", "articles", "audit", "chat_settings", "feeds", "members_seen", "meta", "search_index", "sqlite_sequence", "subscriptions", "timed_bans", "update_inbox", "warn_policies", "warnings"]);
    });
  });

  it("opens an up-to-date database again without migrating it twice or losing data", () => {
    const file = path.join(tempDir(), "regbot.db");
    withDatabase(file, (db) => db.prepare("INSERT INTO meta (key, value) VALUES ('kept', 'yes')").run());
    withDatabase(file, (db) => {
      expect(db.pragma("user_version", { simple: true })).toBe(migrations.length);
      expect(db.prepare("SELECT value FROM meta WHERE key = 'kept'").get()).toEqual({ value: "yes" });
    });
  });

  it("turns on WAL journaling, so readers do not block the writer", () => {
    const file = path.join(tempDir(), "regbot.db");
    withDatabase(file, (db) => expect(db.pragma("journal_mode", { simple: true })).toBe("wal"));
  });

  it("gives a new database pages that hold a whole article, and an existing one keeps its own", () => {
    const fresh = path.join(tempDir(), "regbot.db");
    withDatabase(fresh, (db) => expect(db.pragma("page_size", { simple: true })).toBe(PAGE_SIZE));
    withDatabase(fresh, (db) => expect(db.pragma("page_size", { simple: true })).toBe(PAGE_SIZE));

    const older = path.join(tempDir(), "older.db");
    const raw = new Database(older);
    raw.pragma("page_size = 4096");
    raw.exec("CREATE TABLE kept (x)");
    raw.close();
    withDatabase(older, (db) => {
      expect(db.pragma("page_size", { simple: true })).toBe(4096);
      expect(db.pragma("user_version", { simple: true })).toBe(migrations.length);
    });
  });

  it("refuses a file that is not SQLite with DB_CORRUPT, and leaves the file as it was", () => {
    const dir = tempDir();
    const file = path.join(dir, "regbot.db");
    const text = "These are my notes about bitcoin, not a database.\n".repeat(40);
    fs.writeFileSync(file, text);
    const error = regbotErrorOf(() => openDatabase(file));
    expect(error.code).toBe<RegbotErrorCode>("DB_CORRUPT");
    expect(error.message).toContain(file);
    expect(error.message).toContain("Nothing was changed");
    expect(fs.readFileSync(file, "utf8")).toBe(text);
    expect(fs.readdirSync(dir)).toEqual(["regbot.db"]);
  });

  it("refuses a database written by a newer regbot with DB_NEWER, naming both schema versions", () => {
    const file = path.join(tempDir(), "regbot.db");
    const newer = new Database(file);
    newer.pragma(`user_version = ${migrations.length + 5}`);
    newer.close();
    const error = regbotErrorOf(() => openDatabase(file));
    expect(error.code).toBe<RegbotErrorCode>("DB_NEWER");
    expect(error.message).toContain(`schema ${migrations.length + 5}, this one knows ${migrations.length}`);
    expect(error.message).toContain("Upgrade regbot");
  });

  it.skipIf(permissionsAreIgnored())("refuses a read-only database file in a read-only folder with DB_READONLY", () => {
    const dir = tempDir();
    const file = path.join(dir, "regbot.db");
    withDatabase(file, () => undefined);
    fs.chmodSync(file, 0o444);
    fs.chmodSync(dir, 0o555);
    const error = regbotErrorOf(() => openDatabase(file));
    expect(error.code).toBe<RegbotErrorCode>("DB_READONLY");
    expect(error.message).toContain("Fix its permissions");
  });

  it.skipIf(permissionsAreIgnored())("reads a WAL database in a read-only folder when asked to open it read-only", () => {
    const dir = tempDir();
    const file = path.join(dir, "regbot.db");
    withDatabase(file, (db) => db.exec("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('kept')"));
    fs.chmodSync(file, 0o444);
    fs.chmodSync(dir, 0o555);
    const db = openDatabase(file, { readonly: true });
    expect(db.prepare("SELECT text FROM notes").get()).toEqual({ text: "kept" });
    db.close();
  });

  it("opens read-only without changing a byte of the file, and refuses writes", () => {
    const file = path.join(tempDir(), "regbot.db");
    withDatabase(file, (db) => db.exec("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('kept')"));
    const before = fs.readFileSync(file);
    const db = openDatabase(file, { readonly: true });
    expect(db.prepare("SELECT text FROM notes").get()).toEqual({ text: "kept" });
    expect(() => db.exec("INSERT INTO notes VALUES ('more')")).toThrow();
    db.close();
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it("names the path when the database's folder cannot be created", () => {
    const dir = tempDir();
    const blocker = path.join(dir, "not-a-folder");
    fs.writeFileSync(blocker, "a file where a folder should be");
    const file = path.join(blocker, "regbot.db");
    const error = regbotErrorOf(() => openDatabase(file));
    expect(error.code).toBe<RegbotErrorCode>("DB_OPEN");
    expect(error.message).toContain(file);
    expect(error.message).toContain("REGBOT_DB");
  });

  describe("read-only", () => {
    it("opens an existing database without migrating or writing it", () => {
      const file = path.join(tempDir(), "regbot.db");
      const old = new Database(file);
      old.exec("CREATE TABLE legacy (x)");
      old.close();
      const before = fs.readFileSync(file);
      const db = openDatabase(file, { readonly: true });
      try {
        expect(db.pragma("user_version", { simple: true })).toBe(0);
        expect(() => db.prepare("INSERT INTO legacy VALUES (1)").run()).toThrow();
      } finally {
        db.close();
      }
      expect(fs.readFileSync(file).equals(before)).toBe(true);
    });

    it("refuses a missing file with DB_OPEN instead of creating it", () => {
      const file = path.join(tempDir(), "missing.db");
      expect(regbotErrorOf(() => openDatabase(file, { readonly: true })).code).toBe<RegbotErrorCode>("DB_OPEN");
      expect(fs.existsSync(file)).toBe(false);
    });
  });
});

describe("translateSqliteError", () => {
  const sqliteError = (code: string) => Object.assign(new Error(`sqlite said ${code}`), { code });

  it.each([
    ["SQLITE_NOTADB", "DB_CORRUPT"],
    ["SQLITE_CORRUPT", "DB_CORRUPT"],
    ["SQLITE_CORRUPT_INDEX", "DB_CORRUPT"],
    ["SQLITE_READONLY", "DB_READONLY"],
    ["SQLITE_READONLY_DIRECTORY", "DB_READONLY"],
    ["SQLITE_FULL", "DB_FULL"],
    ["SQLITE_IOERR_SHMSIZE", "DB_FULL"],
  ] as const)("turns %s into %s, keeping the original as the cause", (sqliteCode, code) => {
    const original = sqliteError(sqliteCode);
    const translated = translateSqliteError(original, "/data/regbot.db");
    expect(translated).toBeInstanceOf(RegbotError);
    expect((translated as RegbotError).code).toBe(code);
    expect((translated as RegbotError).message).toContain("/data/regbot.db");
    expect((translated as RegbotError).cause).toBe(original);
  });

  it("says that a full disk lost nothing stored", () => {
    expect((translateSqliteError(sqliteError("SQLITE_FULL"), "x.db") as Error).message).toContain("nothing stored was lost");
  });

  it("passes other errors through unchanged", () => {
    const busy = sqliteError("SQLITE_BUSY");
    const plain = new TypeError("not sqlite at all");
    expect(translateSqliteError(busy, "x.db")).toBe(busy);
    expect(translateSqliteError(plain, "x.db")).toBe(plain);
  });

  it("passes a RegbotError through unchanged", () => {
    const error = new RegbotError("DB_NEWER", "newer");
    expect(translateSqliteError(error, "x.db")).toBe(error);
  });
});
