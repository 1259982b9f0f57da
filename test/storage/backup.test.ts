import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { describe, expect, it, onTestFinished } from "vitest";
import { createArticleStore } from "../../src/articles/store.js";
import { createCore } from "../../src/core.js";
import { RegbotError, type RegbotErrorCode } from "../../src/errors.js";
import { backupDatabase, restoreDatabase } from "../../src/storage/backup.js";
import { openDatabase } from "../../src/storage/database.js";
import { migrations } from "../../src/storage/migrations.js";
import { acquireRunLock } from "../../src/storage/run-lock.js";
import { asJson, STABLECOIN_ARTICLES } from "../fakes/articles.js";
import { openTempStore, tempDir, writeFiles } from "../fakes/temp-store.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

const THAI_JSON = asJson({
  title: "Thailand bans crypto payments",
  publishedAt: "2022-03-23",
  jurisdictions: ["Thailand"],
  body: "The Bank of Thailand said digital asset businesses may no longer help shops accept cryptocurrency as payment for goods and services.",
});

/** A database in a new temp folder holding the six stablecoin-and-China articles (and their saved index), closed. */
function seededDatabase(): string {
  const store = openTempStore();
  createCore({ store }).ingest([writeFiles(tempDir(), STABLECOIN_ARTICLES)]);
  store.db.close();
  return store.file;
}

/** Runs `check` on the database at `file` (migrated, as regbot opens it), then closes it. */
function withStore<T>(file: string, check: (store: ReturnType<typeof createArticleStore>) => T): T {
  const db = openDatabase(file);
  try {
    return check(createArticleStore(db, { file }));
  } finally {
    db.close();
  }
}

/** Opens `file` as it is (no migrations, nothing written beside it) for a look inside. */
function peek<T>(file: string, look: (db: Database.Database) => T): T {
  const db = new Database(fs.readFileSync(file));
  try {
    return look(db);
  } finally {
    db.close();
  }
}

const titles = (file: string) => withStore(file, (store) => store.all().map((a) => a.title).sort());

async function errorOf(work: Promise<unknown>): Promise<RegbotError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof RegbotError) return error;
    throw error;
  }
  throw new Error("expected a RegbotError, but nothing was thrown");
}

/** Runs `source` as an ES module in a child node process in the project folder; killed when the test ends. */
function child(source: string, args: readonly string[]) {
  const proc = spawn(process.execPath, ["--input-type=module", "-e", source, "--", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  onTestFinished(() => void proc.kill("SIGKILL"));
  let stderr = "";
  proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  return { proc, exited, stderr: () => stderr };
}

/** Inserts numbered articles w1, w2, … one transaction each, as fast as it can, printing each number once committed. */
const WRITER = `
import Database from "better-sqlite3";
const db = new Database(process.argv[1]);
db.pragma("busy_timeout = 5000");
const insert = db.prepare("INSERT INTO articles (id, identity, title, body, content_hash, ingested_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
const body = "Regulators met again. ".repeat(100);
for (let n = 1; ; n++) {
  const now = new Date().toISOString();
  insert.run("w" + n, "writer:" + n, "Written " + n, body, "hash" + n, now, now);
  process.stdout.write(n + "\\n");
  if (n % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
}
`;

describe("backupDatabase", () => {
  it("copies every article into a file that passes integrity_check, and reports its path, size and article count", async () => {
    const db = seededDatabase();
    const target = path.join(tempDir(), "backup.db");
    const report = await backupDatabase(db, target);
    expect(report).toEqual({ file: target, bytes: fs.statSync(target).size, articles: 6 });
    expect(peek(target, (b) => b.pragma("integrity_check", { simple: true }))).toBe("ok");
    expect(titles(target)).toEqual(titles(db));
  });

  it("writes one self-contained file and leaves nothing else beside it", async () => {
    const dir = tempDir();
    await backupDatabase(seededDatabase(), path.join(dir, "backup.db"));
    expect(fs.readdirSync(dir)).toEqual(["backup.db"]);
    // Rollback-journal mode: no -wal or -shm appear when it is opened, and it can be read from read-only media.
    expect(peek(path.join(dir, "backup.db"), (b) => b.pragma("journal_mode", { simple: true }))).not.toBe("wal");
  });

  it("copies what is committed while another connection holds a write transaction open, without what it has not committed", async () => {
    const db = seededDatabase();
    const writer = new Database(db);
    onTestFinished(() => void writer.close());
    writer.exec("BEGIN IMMEDIATE");
    writer.prepare("UPDATE articles SET title = 'not committed'").run();
    const target = path.join(tempDir(), "backup.db");
    const report = await backupDatabase(db, target);
    writer.exec("COMMIT");
    expect(report.articles).toBe(6);
    expect(titles(target)).not.toContain("not committed");
    expect(titles(target)).toContain("China bans crypto trading");
  });

  it("while another process writes without pause, gives a sound copy holding every article committed before it began", async () => {
    const db = seededDatabase();
    const writer = child(WRITER, [db]);
    let committed = 0;
    writer.proc.stdout.on("data", (d: Buffer) => (committed = Number(d.toString().trim().split("\n").at(-1))));
    await expect.poll(() => committed, { timeout: 20_000, interval: 20 }).toBeGreaterThanOrEqual(1000);
    const before = committed;
    const target = path.join(tempDir(), "backup.db");
    const report = await backupDatabase(db, target);
    writer.proc.kill("SIGKILL");
    await writer.exited;
    expect(writer.stderr()).toBe("");
    const written = peek(target, (b) => {
      expect(b.pragma("integrity_check", { simple: true })).toBe("ok");
      return b.prepare<[], { id: string }>("SELECT id FROM articles WHERE id LIKE 'w%'").all().map((r) => Number(r.id.slice(1)));
    });
    // Each insert is its own transaction: the copy holds a prefix w1…wN of them, with no gaps.
    const n = written.length;
    expect(n).toBeGreaterThanOrEqual(before);
    expect(written.sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(report.articles).toBe(6 + n);
  });

  it("refuses a target that exists unless forced, leaving it untouched; --force replaces it", async () => {
    const db = seededDatabase();
    const target = path.join(tempDir(), "backup.db");
    fs.writeFileSync(target, "last week's backup");
    const error = await errorOf(backupDatabase(db, target));
    expect(error.code).toBe<RegbotErrorCode>("BAD_INPUT");
    expect(error.message).toBe(`${target} already exists. Choose another file name, or add --force to replace it.`);
    expect(fs.readFileSync(target, "utf8")).toBe("last week's backup");
    expect((await backupDatabase(db, target, { force: true })).articles).toBe(6);
    expect(titles(target)).toHaveLength(6);
  });

  it("refuses to back up a database that does not exist, or onto itself, or into a missing folder", async () => {
    const dir = tempDir();
    const missing = path.join(dir, "none.db");
    expect((await errorOf(backupDatabase(missing, path.join(dir, "b.db")))).message).toBe(`There is no database at ${missing} to back up. Check --db or REGBOT_DB.`);
    const db = seededDatabase();
    expect((await errorOf(backupDatabase(db, db))).message).toContain("is the database itself");
    expect((await errorOf(backupDatabase(db, path.join(dir, "no", "b.db")))).message).toContain(`The folder ${path.join(dir, "no")} does not exist.`);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe("restoreDatabase", () => {
  /** A live database and a backup of it, after which the live one changed: Thai added, China removed. */
  async function changedSinceBackup(): Promise<{ db: string; backup: string }> {
    const db = seededDatabase();
    const backup = path.join(tempDir(), "backup.db");
    await backupDatabase(db, backup);
    withStore(db, (store) => {
      const core = createCore({ store });
      core.ingest([writeFiles(tempDir(), { "thai.json": THAI_JSON })]);
      core.remove(core.latest({ jurisdiction: "China" })[0]!.id);
    });
    return { db, backup };
  }

  it("puts the backup back: the database answers with the backed-up articles", async () => {
    const { db, backup } = await changedSinceBackup();
    const report = await restoreDatabase(db, backup);
    expect(report).toMatchObject({ file: db, articles: 6, schema: migrations.length });
    withStore(db, (store) => {
      const answer = createCore({ store }).ask("is crypto trading banned in China?");
      expect(answer.citations.map((c) => c.article.title)).toContain("China bans crypto trading");
      expect(store.all().map((a) => a.title)).not.toContain("Thailand bans crypto payments");
    });
  });

  it("keeps the replaced database as <db>.before-restore-<timestamp>, whole, with nothing of it left beside the restored one", async () => {
    const { db, backup } = await changedSinceBackup();
    const savedIndex = fs.readFileSync(`${db}.index`);
    const report = await restoreDatabase(db, backup, { now: () => new Date("2024-05-01T12:34:56.789Z") });
    expect(report.replaced).toBe(`${db}.before-restore-2024-05-01T12-34-56Z`);
    expect(titles(report.replaced!)).toContain("Thailand bans crypto payments");
    expect(titles(report.replaced!)).not.toContain("China bans crypto trading");
    expect(fs.existsSync(`${db}-wal`)).toBe(false);
    expect(fs.existsSync(`${db}.lock`)).toBe(false);
    // Its saved search index goes with it.
    expect(fs.readFileSync(`${report.replaced}.index`)).toEqual(savedIndex);
    expect(fs.existsSync(`${db}.index`)).toBe(false);
    const again = await restoreDatabase(db, backup, { now: () => new Date("2024-05-01T12:34:56.789Z") });
    expect(again.replaced).toBe(`${db}.before-restore-2024-05-01T12-34-56Z-2`);
  });

  it("keeps the last writes of a bot that was killed, which are only in its WAL, in the replaced database", async () => {
    const { db, backup } = await changedSinceBackup();
    const killed = child(
      `import Database from "better-sqlite3";
       const db = new Database(process.argv[1]);
       db.pragma("wal_autocheckpoint = 0");
       db.prepare("INSERT INTO meta (key, value) VALUES ('last words', 'kept')").run();
       process.kill(process.pid, "SIGKILL");`,
      [db],
    );
    await killed.exited;
    expect(fs.statSync(`${db}-wal`).size).toBeGreaterThan(0);
    const { replaced } = await restoreDatabase(db, backup);
    withStore(replaced!, (store) => expect(store.getMeta("last words")).toBe("kept"));
    withStore(db, (store) => expect(store.getMeta("last words")).toBeUndefined());
  });

  it("restores into a place with no database yet", async () => {
    const { backup } = await changedSinceBackup();
    const db = path.join(tempDir(), "fresh", "regbot.db");
    expect(await restoreDatabase(db, backup)).toMatchObject({ articles: 6, replaced: null });
    expect(titles(db)).toHaveLength(6);
  });

  it("migrates a backup from an older regbot when the database is next opened", async () => {
    const older = path.join(tempDir(), "older.db");
    const raw = new Database(older);
    for (const step of migrations.slice(0, 3)) raw.exec(step);
    raw.pragma("user_version = 3");
    raw.prepare("INSERT INTO articles (id, identity, title, body, content_hash, ingested_at, updated_at) VALUES ('a1', 'old:1', 'An old article', 'Body.', 'h1', '2020-01-01', '2020-01-01')").run();
    raw.close();
    const db = path.join(tempDir(), "regbot.db");
    const report = await restoreDatabase(db, older);
    expect(report).toMatchObject({ articles: 1, schema: 3 });
    withStore(db, (store) => {
      expect(store.db.pragma("user_version", { simple: true })).toBe(migrations.length);
      expect(store.get("a1")).toMatchObject({ title: "An old article", relevant: true, alternates: [] });
    });
  });

  describe("refuses, changing nothing,", () => {
    /** Expects `restore` of `backup` onto `db` to fail with `code`, leaving the database as it was. */
    async function refused(db: string, backup: string, code: RegbotErrorCode): Promise<string> {
      const before = titles(db);
      const entries = fs.readdirSync(path.dirname(db)).sort();
      const error = await errorOf(restoreDatabase(db, backup));
      expect(error.code).toBe(code);
      expect(titles(db)).toEqual(before);
      expect(fs.readdirSync(path.dirname(db)).sort()).toEqual(entries);
      return error.message;
    }

    it("while regbot runs on the database (its run lock is held by a live process), naming the pid", async () => {
      const { db, backup } = await changedSinceBackup();
      const bot = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
      onTestFinished(() => void bot.kill("SIGKILL"));
      fs.writeFileSync(`${db}.lock`, `${bot.pid}\n`);
      expect(await refused(db, backup, "DB_OPEN")).toContain(`in use by regbot (pid ${bot.pid}). Stop it first`);
    });

    it("while this process holds the run lock", async () => {
      const { db, backup } = await changedSinceBackup();
      onTestFinished(acquireRunLock(db));
      expect(await refused(db, backup, "DB_OPEN")).toContain(`pid ${process.pid}`);
    });

    it("a file that is not a SQLite database", async () => {
      const { db } = await changedSinceBackup();
      const notes = path.join(tempDir(), "notes.db");
      fs.writeFileSync(notes, "My notes about bitcoin, not a database.\n".repeat(200));
      expect(await refused(db, notes, "DB_CORRUPT")).toBe(`${notes} is not a SQLite database, so it cannot be a regbot backup. Nothing was changed. Give the file \`regbot backup\` wrote.`);
    });

    it("a corrupted backup", async () => {
      const { db, backup } = await changedSinceBackup();
      const bytes = fs.readFileSync(backup);
      const pageSize = bytes.readUInt16BE(16);
      // Page 1 (the header and the schema) stays, every other page is overwritten.
      bytes.fill(0xa5, pageSize);
      fs.writeFileSync(backup, bytes);
      const message = await refused(db, backup, "DB_CORRUPT");
      expect(message).toMatch(new RegExp(`^${backup.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} is damaged \\(.+\\)\\. Nothing was changed\\. Restore another backup\\.$`));
    });

    it("a database from a newer regbot, saying to upgrade", async () => {
      const { db, backup } = await changedSinceBackup();
      const raw = new Database(backup);
      raw.pragma(`user_version = ${migrations.length + 1}`);
      raw.close();
      expect(await refused(db, backup, "DB_NEWER")).toBe(
        `${backup} was written by a newer regbot (schema ${migrations.length + 1}; this one knows ${migrations.length}). Nothing was changed. Upgrade regbot, then restore it.`,
      );
    });

    it("a SQLite database that is not regbot's", async () => {
      const { db } = await changedSinceBackup();
      const other = path.join(tempDir(), "other.db");
      const raw = new Database(other);
      raw.exec("CREATE TABLE notes (text TEXT)");
      raw.close();
      expect(await refused(db, other, "BAD_INPUT")).toContain("is a SQLite database but not regbot's");
    });

    it("a backup that does not exist", async () => {
      const { db } = await changedSinceBackup();
      const missing = path.join(tempDir(), "missing.db");
      expect(await refused(db, missing, "NOT_FOUND")).toBe(`There is no backup at ${missing}. Give the file \`regbot backup\` wrote.`);
    });
  });
});
