import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { tempDir } from "../../fakes/temp-store.js";
import { REGBOT_BIN, outsideCheckout } from "../../fakes/regbot-process.js";

// End to end: `regbot backup`, `restore` and `doctor` through the real bin/regbot on the compiled dist/.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** Runs `bin/regbot args…` on the database `db`, with `env` added (settings regbot reads are otherwise unset). */
function regbot(args: readonly string[], db: string, env: Record<string, string> = {}) {
  const base: NodeJS.ProcessEnv = { ...process.env, REGBOT_DB: db, TELEGRAM_BOT_TOKEN: "", DISCORD_TOKEN: "", NO_COLOR: "1" };
  for (const name of Object.keys(base)) if (/^(REGBOT_(?!DB$)|TELEGRAM_(?!BOT_TOKEN$)|DISCORD_(?!TOKEN$)|HEALTH_|LOG_LEVEL$)/.test(name)) delete base[name];
  const result = spawnSync(process.execPath, [REGBOT_BIN, ...args], { cwd: outsideCheckout(), env: { ...base, ...env }, encoding: "utf8", timeout: 25_000 });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A database seeded with the bundled corpus once; each test works on its own copy. */
let seeded: string;

beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, "dist", "src", "main.js"))) throw new Error("regbot is not built: run `npm run build` first (`npm test` does).");
  seeded = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "regbot-maintenance-")), "seeded.db");
  expect(regbot(["latest"], seeded).code).toBe(0);
});

afterAll(() => {
  if (seeded) fs.rmSync(path.dirname(seeded), { recursive: true, force: true });
});

/** A copy of the seeded database in a new temp folder, closed, with nothing beside it. */
function seededCopy(): { dir: string; db: string } {
  const dir = tempDir();
  const db = path.join(dir, "regbot.db");
  fs.copyFileSync(seeded, db);
  return { dir, db };
}

describe("regbot backup, restore and doctor", () => {
  // Nine regbot processes in a row: allow for a busy machine.
  it("back up, change, restore: the database is as it was backed up, and doctor finds all well", { timeout: 90_000 }, () => {
    const { dir, db } = seededCopy();
    const backup = path.join(dir, "backup.db");
    const latest = regbot(["latest", "--json"], db);
    expect(latest.code).toBe(0);
    const [first] = (JSON.parse(latest.stdout) as { articles: Array<{ id: string }> }).articles;

    const made = regbot(["backup", backup], db);
    expect(made.stderr).toBe("");
    expect(made.code).toBe(0);
    const [, count] = /^Backed up (\d+) articles to (?:.+) \(\d+(?:\.\d)? [KM]B\)\.\n$/.exec(made.stdout) ?? [];
    expect(made.stdout).toContain(`to ${backup} (`);
    expect(Number(count)).toBeGreaterThan(10);

    const again = regbot(["backup", backup], db);
    expect(again).toEqual({ code: 1, stdout: "", stderr: `regbot: ${backup} already exists. Choose another file name, or add --force to replace it.\n` });

    expect(regbot(["remove", first!.id], db).code).toBe(0);

    const restored = regbot(["restore", backup], db);
    expect(restored.stderr).toBe("");
    expect(restored.code).toBe(0);
    const kept = fs.readdirSync(dir).find((name) => name.startsWith("regbot.db.before-restore-"));
    expect(kept).toBeDefined();
    expect(restored.stdout).toBe(`Restored ${count} articles from ${backup} into ${db}.\nThe database it replaced is kept as ${path.join(dir, kept!)}.\n`);
    const article = regbot(["article", first!.id, "--json"], db);
    expect(article.code).toBe(0);
    expect((JSON.parse(article.stdout) as { id: string }).id).toBe(first!.id);

    const doctor = regbot(["doctor"], db);
    expect(doctor.stderr).toBe("");
    expect(doctor.code).toBe(0);
    const lines = doctor.stdout.trimEnd().split("\n");
    expect(lines.map((line) => line.split(":")[0])).toEqual(["ok      database", "ok      integrity", "ok      schema", "ok      articles", "ok      search index", "ok      configuration", "ok      disk space"]);
    expect(lines[3]).toContain(`${count} stored`);

    const json = regbot(["doctor", "--json"], db);
    expect(json.code).toBe(0);
    const { checks } = JSON.parse(json.stdout) as { checks: Array<{ name: string; ok: boolean; detail: string }> };
    expect(checks.every((c) => c.ok && Object.keys(c).join() === "name,ok,detail")).toBe(true);
  });

  it("restore refuses while a regbot holds the database's run lock, naming its pid", () => {
    const { dir, db } = seededCopy();
    fs.copyFileSync(db, path.join(dir, "backup.db"));
    const bot = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    onTestFinished(() => void bot.kill("SIGKILL"));
    fs.writeFileSync(`${db}.lock`, `${bot.pid}\n`);
    const refused = regbot(["restore", path.join(dir, "backup.db")], db);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toBe(`regbot: The database ${db} is in use by regbot (pid ${bot.pid}). Stop it first (Ctrl+C in its terminal, or \`kill ${bot.pid}\`). If no regbot is running, delete ${db}.lock.\n`);
  });

  it("doctor exits 1 and names the setting when the configuration is bad", () => {
    const { db } = seededCopy();
    const doctor = regbot(["doctor"], db, { REGBOT_MAX_CITATIONS: "abc" });
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(/^PROBLEM configuration: .*REGBOT_MAX_CITATIONS must be a whole number/m);
  });

  it("each command explains itself in --help", () => {
    const help = Object.fromEntries(["backup", "restore", "doctor"].map((command) => [command, regbot([command, "--help"], path.join(tempDir(), "unused.db"))]));
    for (const [command, result] of Object.entries(help)) {
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Usage: regbot ${command}`);
    }
    expect(help.backup!.stdout).toContain("--force");
    expect(help.doctor!.stdout).toContain("--json");
  });
});
