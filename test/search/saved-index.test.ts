import fs from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { savedIndexes } from "../../src/search/saved-index.js";
import { openDatabase } from "../../src/storage/database.js";
import { tempDir } from "../fakes/temp-store.js";

/** A migrated database in a new temp folder, closed after the test. */
function database(file = path.join(tempDir(), "regbot.db")) {
  const db = openDatabase(file);
  onTestFinished(() => {
    if (db.open) db.close();
  });
  return { db, file };
}

const INDEX = Buffer.from("regbot-index\n{\"pretend\":true}\n0123456789");

describe("savedIndexes", () => {
  it("keeps the index in a file beside the database, and reads it back for the store version it was saved at", () => {
    const { db, file } = database();
    const saved = savedIndexes(db, file);
    expect(saved.load(1)).toBeUndefined();
    expect(saved.savedVersion()).toBeUndefined();
    saved.save(1, INDEX);
    expect(saved.savedVersion()).toBe(1);
    expect(saved.file).toBe(`${file}.index`);
    expect(fs.readFileSync(`${file}.index`)).toEqual(INDEX);
    expect(Buffer.from(saved.load(1)!)).toEqual(INDEX);
    // Another store version: the index does not reflect it.
    expect(saved.load(2)).toBeUndefined();
    // Nothing is left under a temporary name.
    expect(fs.readdirSync(path.dirname(file)).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  it("removes what saves killed an hour ago or more left under temporary names, and only that", () => {
    const { db, file } = database();
    const old = `${file}.index.1f0e.tmp`;
    const recent = `${file}.index.2a1b.tmp`;
    const other = `${file}-other.tmp`;
    for (const name of [old, recent, other]) fs.writeFileSync(name, "left over");
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    fs.utimesSync(old, twoHoursAgo, twoHoursAgo);
    fs.utimesSync(other, twoHoursAgo, twoHoursAgo);
    savedIndexes(db, file).save(1, INDEX);
    expect([old, recent, other].map((name) => fs.existsSync(name))).toEqual([false, true, true]);
  });

  it("does not read a file the database does not name: changed, cut short, or missing", () => {
    const { db, file } = database();
    const saved = savedIndexes(db, file);
    saved.save(1, INDEX);
    fs.writeFileSync(`${file}.index`, Buffer.from(INDEX).fill(0x41, 20));
    expect(() => saved.load(1)).toThrow(/is not the one the database names/);
    fs.writeFileSync(`${file}.index`, INDEX.subarray(0, 10));
    expect(() => saved.load(1)).toThrow(/is not the one the database names/);
    fs.rmSync(`${file}.index`);
    expect(() => saved.load(1)).toThrow(/cannot be read \(ENOENT\)/);
  });

  describe("when another process saves between reading the row and reading the file", () => {
    const OTHER = Buffer.from("regbot-index\n{\"pretend\":\"other\"}\n9876543210");

    /** This process's saved indexes, and another connection's, which saves once this process has read the row. */
    function racing(file: string, saves: (other: ReturnType<typeof savedIndexes>, reads: number) => void) {
      const { db } = database(file);
      const { db: otherDb } = database(file);
      const other = savedIndexes(otherDb, file);
      let reads = 0;
      const saved = savedIndexes(db, file, {
        readFile: (name) => {
          saves(other, ++reads);
          return fs.readFileSync(name);
        },
      });
      return { saved, reads: () => reads };
    }

    it("reads the row again and loads the index the other saved for the same store version", () => {
      const file = path.join(tempDir(), "regbot.db");
      const { saved, reads } = racing(file, (other, n) => {
        if (n === 1) other.save(1, OTHER);
      });
      saved.save(1, INDEX);
      expect(Buffer.from(saved.load(1)!)).toEqual(OTHER);
      expect(reads()).toBe(2);
    });

    it("finds no index for its store version when the other saved a newer one", () => {
      const file = path.join(tempDir(), "regbot.db");
      const { saved } = racing(file, (other, n) => {
        if (n === 1) other.save(2, OTHER);
      });
      saved.save(1, INDEX);
      expect(saved.load(1)).toBeUndefined();
      expect(Buffer.from(saved.load(2)!)).toEqual(OTHER);
    });

    it("gives up after three tries when every read loses the race, and says why", () => {
      const file = path.join(tempDir(), "regbot.db");
      const { saved, reads } = racing(file, (other, n) => other.save(1, n % 2 === 1 ? OTHER : INDEX));
      saved.save(1, INDEX);
      expect(() => saved.load(1)).toThrow(/is not the one the database names/);
      expect(reads()).toBe(3);
    });
  });

  it("reads an index an earlier version saved in the database itself", () => {
    const { db, file } = database();
    db.prepare("INSERT INTO search_index (name, store_version, data) VALUES ('articles', 3, ?)").run(INDEX);
    expect(Buffer.from(savedIndexes(db, file).load(3)!)).toEqual(INDEX);
  });

  it("keeps the index of a database in memory in the database, as there is no folder to put a file in", () => {
    const db = openDatabase(":memory:");
    onTestFinished(() => {
      db.close();
    });
    const saved = savedIndexes(db, ":memory:");
    saved.save(1, INDEX);
    expect(saved.file).toBeUndefined();
    expect(Buffer.from(saved.load(1)!)).toEqual(INDEX);
    expect(fs.existsSync(":memory:.index")).toBe(false);
  });

  it("leaves no half-written file, and no row naming one, when the file cannot be written", () => {
    const { db, file } = database();
    const saved = savedIndexes(db, file);
    // A folder where the file goes: writing under the temporary name works, putting it in place does not.
    fs.mkdirSync(`${file}.index`);
    expect(() => saved.save(1, INDEX)).toThrow();
    expect(saved.load(1)).toBeUndefined();
    expect(fs.readdirSync(path.dirname(file)).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });
});
