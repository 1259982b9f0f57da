import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { onTestFinished } from "vitest";
import { createArticleStore, type ArticleStore } from "../../src/articles/store.js";
import { openDatabase } from "../../src/storage/database.js";

/**
 * A fresh folder under the system temp dir, removed when the current test finishes (permissions are restored
 * first, so tests may make it read-only).
 */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "regbot-test-"));
  onTestFinished(() => {
    restoreWritable(dir);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** Opens a real SQLite article store at `file` (default: `regbot.db` in a new temp folder), closed after the test. */
export function openTempStore(file = path.join(tempDir(), "regbot.db"), options: { now?: () => Date } = {}): ArticleStore {
  const db = openDatabase(file);
  onTestFinished(() => {
    if (db.open) db.close();
  });
  return createArticleStore(db, { file, ...options });
}

/** Writes `files` (relative path → contents) under `dir`, creating folders; returns `dir`. */
export function writeFiles(dir: string, files: Record<string, string | Buffer>): string {
  for (const [name, contents] of Object.entries(files)) {
    const full = path.join(dir, name);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, contents);
  }
  return dir;
}

function restoreWritable(dir: string): void {
  try {
    fs.chmodSync(dir, 0o755);
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) restoreWritable(full);
      else fs.chmodSync(full, 0o644);
    }
  } catch {
    // Already gone, or not ours to change: rmSync with force does what it can.
  }
}
