import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Db } from "../storage/database.js";

/**
 * Where the search index is kept between runs: in a file beside the database (`regbot.db.index`), which the
 * database's `search_index` row names by size and checksum. Writing a file is several times quicker than writing
 * the same bytes into SQLite (and then checkpointing them), it has no 1 GB limit, and loading reads it in one go.
 * The row says which store version the index reflects; a file that does not match its row (another save, a cut
 * write, a restored backup) is never read as the index.
 */
export interface SavedIndexes {
  /** The store version the saved index reflects, or `undefined` when none is saved. */
  savedVersion(): number | undefined;
  /** The index saved for store version `version`, or `undefined` when none is. Throws why a saved one cannot be used. */
  load(version: number): Uint8Array | undefined;
  /** Saves the index of store version `version`. Throws when it cannot (a full or read-only disk). */
  save(version: number, bytes: Uint8Array): void;
  /** The file the index is saved in; `undefined` for a database in memory, which keeps it in its row. */
  readonly file: string | undefined;
}

/** What a row holds instead of the index when the index is in its file. */
const FILE_MAGIC = "regbot-index-file\n";

interface FileDescriptor {
  readonly bytes: number;
  readonly sha256: string;
}

/** Options of {@link savedIndexes}. */
export interface SavedIndexOptions {
  /**
   * Reads the index file (`fs.readFileSync`). Another process may save between reading the row and reading the
   * file; a test puts its save there through this.
   */
  readonly readFile?: (file: string) => Buffer;
}

/** Saved indexes of the database `db`, whose file is `dbFile`. */
export function savedIndexes(db: Db, dbFile: string, options: SavedIndexOptions = {}): SavedIndexes {
  const readFile = options.readFile ?? ((name: string) => fs.readFileSync(name));
  const inMemory = dbFile === "" || dbFile === ":memory:" || dbFile.startsWith("file::memory:");
  const file = inMemory ? undefined : `${path.resolve(dbFile)}.index`;
  const read = db.prepare<[], { store_version: number; data: Uint8Array | string | null }>("SELECT store_version, data FROM search_index WHERE name = 'articles'");
  const write = db.prepare<[number, Uint8Array]>(
    "INSERT INTO search_index (name, store_version, data) VALUES ('articles', ?, ?) ON CONFLICT (name) DO UPDATE SET store_version = excluded.store_version, data = excluded.data",
  );
  return {
    file,
    savedVersion: () => read.get()?.store_version,
    load(version) {
      // Another process may save between reading the row and reading the file: then the row has changed, and the
      // pair is read again.
      for (let attempt = 1; ; attempt++) {
        const saved = read.get();
        if (!saved || saved.store_version !== version) return undefined;
        // An index saved as JSON text comes from a version before the binary layout: rebuilt like any other format.
        if (typeof saved.data === "string" || saved.data === null) throw new Error("the saved index is in the old JSON layout");
        const descriptor = fileDescriptor(saved.data);
        // Saved in the row itself: by a version before index files, or for a database in memory.
        if (!descriptor) return saved.data;
        if (!file) throw new Error("the saved index is in a file, and this database has none");
        try {
          return readNamed(file, descriptor, readFile);
        } catch (error) {
          const now = read.get();
          const changed = now?.store_version !== saved.store_version || !Buffer.from(now.data as Uint8Array).equals(saved.data);
          if (!changed || attempt === 3) throw error;
        }
      }
    },
    save(version, bytes) {
      if (!file) {
        write.run(version, bytes);
        return;
      }
      removeAbandoned(file);
      // Written under a name of its own and renamed, so the file's name never stands for half an index. The rename
      // and the row naming the file's bytes happen in one write transaction: two processes saving at once take
      // turns, so the row always names the file in place, and a save cut short leaves nothing that passes for the
      // index.
      const temporary = `${file}.${randomUUID()}.tmp`;
      try {
        fs.writeFileSync(temporary, bytes);
        const descriptor: FileDescriptor = { bytes: bytes.length, sha256: checksum(bytes) };
        db.transaction(() => {
          fs.renameSync(temporary, file);
          write.run(version, Buffer.from(`${FILE_MAGIC}${JSON.stringify(descriptor)}`));
        }).immediate();
      } finally {
        fs.rmSync(temporary, { force: true });
      }
    },
  };
}

/** The bytes of the index file `file`, when they are the ones `descriptor` names; else throws why not. */
function readNamed(file: string, descriptor: FileDescriptor, readFile: (file: string) => Buffer): Buffer {
  let bytes: Buffer;
  try {
    bytes = readFile(file);
  } catch (error) {
    throw new Error(`the saved index file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  if (bytes.length !== descriptor.bytes || checksum(bytes) !== descriptor.sha256) {
    throw new Error(`the saved index file ${file} is not the one the database names (another save, or a cut write)`);
  }
  return bytes;
}

/** Temporary files of saves that a killed process left, an hour old or more: each can be as large as the index. */
function removeAbandoned(file: string): void {
  const folder = path.dirname(file);
  const prefix = `${path.basename(file)}.`;
  const hourAgo = Date.now() - 3_600_000;
  try {
    for (const name of fs.readdirSync(folder)) {
      if (!name.startsWith(prefix) || !name.endsWith(".tmp")) continue;
      const temporary = path.join(folder, name);
      if (fs.statSync(temporary).mtimeMs < hourAgo) fs.rmSync(temporary, { force: true });
    }
  } catch {
    // Only tidying: a folder that cannot be listed fails the save itself, with its own reason.
  }
}

/** The file's size and checksum, when `data` names an index file rather than holding an index. */
function fileDescriptor(data: Uint8Array): FileDescriptor | undefined {
  if (data.length > 1024) return undefined;
  const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString();
  if (!text.startsWith(FILE_MAGIC)) return undefined;
  const parsed = JSON.parse(text.slice(FILE_MAGIC.length)) as Partial<FileDescriptor>;
  if (!Number.isInteger(parsed.bytes) || typeof parsed.sha256 !== "string") throw new Error("the saved index's file description does not add up");
  return parsed as FileDescriptor;
}

function checksum(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
