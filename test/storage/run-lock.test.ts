import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import type { RegbotErrorCode } from "../../src/errors.js";
import { acquireRunLock, runLockFile, runningPid } from "../../src/storage/run-lock.js";
import { regbotErrorOf } from "../fakes/regbot-error.js";
import { tempDir } from "../fakes/temp-store.js";

/** A live process other than this one (killed when the test ends); its pid. */
function liveProcess(): number {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  onTestFinished(() => void child.kill("SIGKILL"));
  return child.pid!;
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((resolve) => child.once("exit", resolve));
  return child.pid!;
}

describe("acquireRunLock", () => {
  it("writes <db>.lock holding this process's pid", () => {
    const db = path.join(tempDir(), "regbot.db");
    const release = acquireRunLock(db);
    onTestFinished(release);
    expect(runLockFile(db)).toBe(`${db}.lock`);
    expect(fs.readFileSync(`${db}.lock`, "utf8")).toBe(`${process.pid}\n`);
    expect(runningPid(db)).toBe(process.pid);
  });

  it("refuses a second acquire while the first holds the lock, naming the pid", () => {
    const db = path.join(tempDir(), "regbot.db");
    onTestFinished(acquireRunLock(db));
    const error = regbotErrorOf(() => acquireRunLock(db));
    expect(error.code).toBe<RegbotErrorCode>("DB_OPEN");
    expect(error.message).toBe(`The database ${db} is in use by regbot (pid ${process.pid}). Stop it first (Ctrl+C in its terminal, or \`kill ${process.pid}\`). If no regbot is running, delete ${db}.lock.`);
  });

  it("refuses a lock held by another live process, naming its pid, and leaves the lock alone", () => {
    const db = path.join(tempDir(), "regbot.db");
    const pid = liveProcess();
    fs.writeFileSync(`${db}.lock`, `${pid}\n`);
    expect(regbotErrorOf(() => acquireRunLock(db)).message).toContain(`in use by regbot (pid ${pid})`);
    expect(runningPid(db)).toBe(pid);
    expect(fs.readFileSync(`${db}.lock`, "utf8")).toBe(`${pid}\n`);
  });

  it("takes over a stale lock whose process is dead", async () => {
    const db = path.join(tempDir(), "regbot.db");
    fs.writeFileSync(`${db}.lock`, `${await deadPid()}\n`);
    expect(runningPid(db)).toBeUndefined();
    onTestFinished(acquireRunLock(db));
    expect(fs.readFileSync(`${db}.lock`, "utf8")).toBe(`${process.pid}\n`);
  });

  it("takes over a lock naming this process's pid that this process never took (left by a restarted container's regbot)", () => {
    const db = path.join(tempDir(), "regbot.db");
    fs.writeFileSync(`${db}.lock`, `${process.pid}\n`);
    expect(runningPid(db)).toBeUndefined();
    onTestFinished(acquireRunLock(db));
    expect(runningPid(db)).toBe(process.pid);
  });

  it("takes over a lock file that holds no pid and is older than a few seconds, but not a fresh one (being written)", () => {
    const db = path.join(tempDir(), "regbot.db");
    fs.writeFileSync(`${db}.lock`, "");
    expect(regbotErrorOf(() => acquireRunLock(db)).message).toContain("in use by another regbot that is starting now");
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(`${db}.lock`, old, old);
    onTestFinished(acquireRunLock(db));
    expect(runningPid(db)).toBe(process.pid);
  });

  it("creates the database's folder when it does not exist yet", () => {
    const db = path.join(tempDir(), "new", "regbot.db");
    onTestFinished(acquireRunLock(db));
    expect(fs.existsSync(`${db}.lock`)).toBe(true);
  });
});

describe("the release function", () => {
  it("removes the lock, so the next acquire succeeds", () => {
    const db = path.join(tempDir(), "regbot.db");
    const release = acquireRunLock(db);
    release();
    expect(fs.existsSync(`${db}.lock`)).toBe(false);
    expect(runningPid(db)).toBeUndefined();
    acquireRunLock(db)();
  });

  it("can be called twice, and leaves alone a lock another process has taken since", () => {
    const db = path.join(tempDir(), "regbot.db");
    const release = acquireRunLock(db);
    const other = liveProcess();
    fs.writeFileSync(`${db}.lock`, `${other}\n`);
    release();
    release();
    expect(fs.readFileSync(`${db}.lock`, "utf8")).toBe(`${other}\n`);
  });
});

describe("runningPid", () => {
  it("is undefined when there is no lock", () => {
    expect(runningPid(path.join(tempDir(), "regbot.db"))).toBeUndefined();
  });
});
