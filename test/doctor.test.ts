import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { createCore } from "../src/core.js";
import { runDoctor, type DoctorCheck } from "../src/doctor.js";
import { migrations } from "../src/storage/migrations.js";
import { STABLECOIN_ARTICLES } from "./fakes/articles.js";
import { openTempStore, tempDir, writeFiles } from "./fakes/temp-store.js";

/** A closed database in a temp folder holding six articles and their saved search index. */
function healthyDatabase(): string {
  const store = openTempStore();
  const core = createCore({ store });
  core.ingest([writeFiles(tempDir(), STABLECOIN_ARTICLES)]);
  // The first question builds the search index and saves it, as at the bot's first start.
  core.ask("stablecoin reserves");
  store.db.close();
  return store.file;
}

/** Changes the database at `file` by hand, as a stray tool or a crash might have. */
function tamper(file: string, sql: string): void {
  const db = new Database(file);
  db.exec(sql);
  db.close();
}

/** Runs the doctor on `dbFile` with `env` as the environment and no free-space floor, unless given. */
const doctor = (dbFile: string, env: NodeJS.ProcessEnv = {}, minFreeBytes = 0) => runDoctor({ dbFile, env, minFreeBytes });

const byName = (checks: readonly DoctorCheck[]) => Object.fromEntries(checks.map((c) => [c.name, c]));

describe("runDoctor", () => {
  it("finds a healthy database and configuration all ok, one check each", () => {
    const db = healthyDatabase();
    const checks = doctor(db);
    expect(checks.map((c) => c.name)).toEqual(["database", "integrity", "schema", "articles", "search index", "configuration", "disk space"]);
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    const found = byName(checks);
    expect(found.database!.detail).toBe(`${db} opens`);
    expect(found.integrity!.detail).toBe("PRAGMA integrity_check: ok");
    expect(found.schema!.detail).toBe(`version ${migrations.length} (current)`);
    expect(found.articles!.detail).toBe("6 stored, newest published 2024-07-18");
    expect(found["search index"]!.detail).toMatch(/^matches the store \(version \d+\)$/);
    expect(found.configuration!.detail).toContain("no bot token set");
    expect(found["disk space"]!.detail).toMatch(/ free in /);
    for (const check of checks) expect(check.detail).not.toContain("\n");
  });

  it("reports a search index saved for an older store version, rebuilds it, and finds it matching afterwards", () => {
    const db = healthyDatabase();
    tamper(db, "UPDATE meta SET value = value + 1 WHERE key = 'store_version'");
    const index = byName(doctor(db))["search index"]!;
    expect(index.ok).toBe(true);
    expect(index.detail).toMatch(/^was out of date \(saved at store version (\d+), the store is at (\d+)\): rebuilt$/);
    const [, saved, current] = /version (\d+), the store is at (\d+)/.exec(index.detail)!;
    expect(Number(current)).toBe(Number(saved) + 1);
    expect(byName(doctor(db))["search index"]!.detail).toBe(`matches the store (version ${current})`);
  });

  it("rebuilds a missing search index", () => {
    const db = healthyDatabase();
    tamper(db, "DELETE FROM search_index");
    expect(byName(doctor(db))["search index"]).toEqual({ name: "search index", ok: true, detail: "was missing: rebuilt" });
    expect(byName(doctor(db))["search index"]!.detail).toMatch(/^matches the store/);
  });

  it("rebuilds a search index whose file is gone, or is not the one the database names", () => {
    const db = healthyDatabase();
    fs.rmSync(`${db}.index`);
    const gone = byName(doctor(db))["search index"]!;
    expect(gone.ok).toBe(true);
    expect(gone.detail).toMatch(/^could not be read \(.*cannot be read \(ENOENT\)\): rebuilt$/);
    fs.writeFileSync(`${db}.index`, "not an index");
    expect(byName(doctor(db))["search index"]!.detail).toMatch(/^could not be read \(.*not the one the database names.*\): rebuilt$/);
    expect(byName(doctor(db))["search index"]!.detail).toMatch(/^matches the store/);
  });

  it("says so when the rebuilt index cannot be saved, as where its file goes is taken", () => {
    const db = healthyDatabase();
    fs.rmSync(`${db}.index`);
    // A folder where the file goes: the rebuilt index cannot be put in its place.
    fs.mkdirSync(`${db}.index`);
    const index = byName(doctor(db))["search index"]!;
    expect(index.ok).toBe(false);
    expect(index.detail).toMatch(/^could not be read \(.*\), and the rebuilt index could not be saved \(the bot rebuilds it at every start\)\. Check the disk space and the permissions of the database and its folder\.$/);
  });

  it("reports a bad setting by name, with the fix, while the database checks still run", () => {
    const checks = doctor(healthyDatabase(), { REGBOT_MAX_CITATIONS: "abc" });
    const config = byName(checks).configuration!;
    expect(config.ok).toBe(false);
    expect(config.detail).toContain("REGBOT_MAX_CITATIONS must be a whole number from 1 to 10");
    expect(config.detail).not.toContain("\n");
    expect(checks.filter((c) => !c.ok)).toEqual([config]);
  });

  it("never shows a bot token, whether the configuration loads or not", () => {
    const token = "123456789:AAH7secretsecretsecretsecretsecret";
    const good = byName(doctor(healthyDatabase(), { TELEGRAM_BOT_TOKEN: token })).configuration!;
    expect(good).toEqual({ name: "configuration", ok: true, detail: "loads; bots configured: Telegram" });
    const bad = doctor(healthyDatabase(), { TELEGRAM_BOT_TOKEN: token, REGBOT_FLOOD_LIMIT: "lots" });
    expect(byName(bad).configuration!.ok).toBe(false);
    expect(JSON.stringify(bad)).not.toContain("secretsecret");
  });

  it("says how to create a database that does not exist, and does not create it", () => {
    const db = path.join(tempDir(), "regbot.db");
    const checks = doctor(db);
    expect(checks.map((c) => c.name)).toEqual(["database", "configuration", "disk space"]);
    expect(checks[0]).toEqual({ name: "database", ok: false, detail: `there is no database at ${db} yet. \`regbot start\` (or any command, e.g. \`regbot latest\`) creates it with the bundled articles; if you expected one there, check --db or REGBOT_DB.` });
    expect(fs.existsSync(db)).toBe(false);
  });

  it("reports a file that is not a database, with what to do", () => {
    const db = path.join(tempDir(), "regbot.db");
    fs.writeFileSync(db, "not a database\n".repeat(100));
    const [check] = doctor(db);
    expect(check).toMatchObject({ name: "database", ok: false });
    expect(check!.detail).toContain("Restore a backup");
  });

  it("reports a damaged database and stops checking it", () => {
    const db = healthyDatabase();
    const bytes = fs.readFileSync(db);
    bytes.fill(0xa5, bytes.readUInt16BE(16));
    fs.writeFileSync(db, bytes);
    const checks = doctor(db);
    const broken = checks.find((c) => !c.ok)!;
    expect(["database", "integrity"]).toContain(broken.name);
    expect(broken.detail).toMatch(/Restore a backup/);
    expect(checks.map((c) => c.name)).not.toContain("search index");
  });

  it("reports a store with no articles", () => {
    const store = openTempStore();
    store.db.close();
    expect(byName(doctor(store.file)).articles).toEqual({
      name: "articles",
      ok: false,
      detail: "none stored, so no question can be answered. `regbot latest` stores the bundled articles; `regbot ingest PATH` adds your own.",
    });
  });

  it("warns when the disk holding the database has less free space than the floor", () => {
    const db = healthyDatabase();
    const disk = byName(doctor(db, {}, Number.MAX_SAFE_INTEGER))["disk space"]!;
    expect(disk.ok).toBe(false);
    expect(disk.detail).toMatch(/^only .+ free in .+ \(under .+\): a full disk stops the bot saving articles\. Free some space, or move the database \(--db, REGBOT_DB\)\.$/);
  });
});
