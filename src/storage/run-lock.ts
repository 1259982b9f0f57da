import fs from "node:fs";
import path from "node:path";
import { RegbotError } from "../errors.js";

// The lock `regbot start` holds on its database, so `regbot restore` (or a second `regbot start`) can tell that a bot
// is running: the file `<db>.lock` holding the owner's pid. A lock whose pid is dead is stale and is taken over.

/**
 * Lock files this process holds. A lock naming our own pid that is not in here was left by an earlier process: in a
 * container, a restarted regbot often gets the same pid as the one that died.
 */
const held = new Set<string>();

/** The lock file of the database `dbFile`. */
export function runLockFile(dbFile: string): string {
  return `${path.resolve(dbFile)}.lock`;
}

/** An empty lock is one being written right now (create and write are two steps); older than this, it is debris. */
const EMPTY_LOCK_GRACE_MS = 5_000;

/**
 * Takes the run lock of `dbFile` for this process and returns the function that releases it (also called when the
 * process exits). Throws a `DB_OPEN` {@link RegbotError} naming the pid when a live regbot holds it.
 */
export function acquireRunLock(dbFile: string): () => void {
  const file = runLockFile(dbFile);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // A few rounds: each removes one stale lock; another process may take the lock between our look and our try.
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: "wx" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
        throw new RegbotError("IO", `Cannot create the run lock ${file}: ${(error as Error).message}. Check that its folder is writable.`, { cause: error });
      }
      const holder = readHolder(file);
      if (holder.alive) throw heldError(dbFile, file, holder.pid);
      removeIfUnchanged(file, holder.raw);
      continue;
    }
    held.add(file);
    const release = () => {
      process.off("exit", release);
      if (!held.delete(file)) return;
      // Remove the lock only while it is still ours: after a takeover it names another process.
      removeIfUnchanged(file, `${process.pid}\n`);
    };
    process.once("exit", release);
    return release;
  }
  throw new RegbotError("DB_OPEN", `Cannot take the run lock ${file}: other processes keep taking it. Try again.`);
}

/** The pid of the live regbot holding the run lock of `dbFile`, or `undefined` when none does. */
export function runningPid(dbFile: string): number | undefined {
  const holder = readHolder(runLockFile(dbFile));
  return holder.alive ? holder.pid : undefined;
}

/** The error for a lock a live process holds: who, and how to go on. */
function heldError(dbFile: string, file: string, pid: number | undefined): RegbotError {
  const who = pid === undefined ? "another regbot that is starting now" : `regbot (pid ${pid})`;
  const stop = pid === undefined ? "Wait for it to start, then stop it" : `Stop it first (Ctrl+C in its terminal, or \`kill ${pid}\`)`;
  return new RegbotError("DB_OPEN", `The database ${dbFile} is in use by ${who}. ${stop}. If no regbot is running, delete ${file}.`);
}

interface Holder {
  /** The file's contents as read ("" when missing). */
  readonly raw: string;
  readonly pid: number | undefined;
  readonly alive: boolean;
}

function readHolder(file: string): Holder {
  let raw: string;
  let mtimeMs: number;
  try {
    raw = fs.readFileSync(file, "utf8");
    mtimeMs = fs.statSync(file).mtimeMs;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { raw: "", pid: undefined, alive: false };
    throw new RegbotError("IO", `Cannot read the run lock ${file}: ${(error as Error).message}. Check its permissions, or delete it if no regbot is running.`, { cause: error });
  }
  const text = raw.trim();
  if (text === "") return { raw, pid: undefined, alive: Date.now() - mtimeMs < EMPTY_LOCK_GRACE_MS };
  const pid = /^\d+$/.test(text) ? Number(text) : undefined;
  if (pid === undefined || pid < 1) return { raw, pid: undefined, alive: false };
  const alive = pid === process.pid ? held.has(file) : isAlive(pid);
  return { raw, pid, alive };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Deletes `file` if it still holds `raw`, so a lock another process has just taken is left alone. */
function removeIfUnchanged(file: string, raw: string): void {
  try {
    if (fs.readFileSync(file, "utf8") === raw) fs.unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}
