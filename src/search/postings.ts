import { grown, NumberList } from "./number-list.js";

/**
 * One term's occurrences in one field: document numbers and term frequencies in two typed arrays, in the
 * order documents were added. Typed arrays keep 100k articles' postings in a few hundred megabytes at most
 * and let a search walk them without allocating; a list loaded from a saved index is a view of the saved
 * bytes until something is appended to it.
 */
export class PostingList {
  docs: Uint32Array;
  /** Term frequency, capped at 255 (BM25 saturates long before). */
  tfs: Uint8Array;
  /** Entries in use (removed documents' entries stay until the index is saved, which compacts them). */
  length: number;
  /** Entries that belong to documents still in the index: the field's document frequency. */
  live: number;

  constructor(docs: Uint32Array = new Uint32Array(2), tfs: Uint8Array = new Uint8Array(2), length = 0) {
    this.docs = docs;
    this.tfs = tfs;
    this.length = length;
    this.live = length;
  }

  /** Appends the postings `docs[from…to)` with their term frequencies (already capped). */
  append(docs: Uint32Array, tfs: Uint8Array, from: number, to: number): void {
    const n = to - from;
    if (this.length + n > this.docs.length) this.reserve(Math.max(this.length + n, this.length * 2));
    copyPostings(docs, tfs, from, to, this.docs, this.tfs, this.length);
    this.length += n;
    this.live += n;
  }

  private reserve(capacity: number): void {
    // A view of saved bytes is copied out the first time it grows.
    const docs = new Uint32Array(capacity);
    const tfs = new Uint8Array(capacity);
    copyPostings(this.docs, this.tfs, 0, this.length, docs, tfs, 0);
    this.docs = docs;
    this.tfs = tfs;
  }
}

/** Postings copied at once (`set`) from this many on; fewer, one by one: two views of each array would cost more. */
const COPY_WHOLE_FROM = 32;

/** Copies the postings `docs[from…to)` and their term frequencies to `toDocs` and `toTfs` at `at`. */
export function copyPostings(docs: Uint32Array, tfs: Uint8Array, from: number, to: number, toDocs: Uint32Array, toTfs: Uint8Array, at: number): void {
  if (to - from >= COPY_WHOLE_FROM) {
    toDocs.set(docs.subarray(from, to), at);
    toTfs.set(tfs.subarray(from, to), at);
    return;
  }
  for (let i = from; i < to; i++, at++) {
    toDocs[at] = docs[i]!;
    toTfs[at] = tfs[i]!;
  }
}

/**
 * Postings waiting to be appended to their lists, each list named by a number (its key). An article adds to a few
 * hundred lists, and appending to a list costs a cache miss or two; a batch appends each list's postings at once,
 * so a batch of articles touches each list once. Postings keep their order within a list.
 */
export class PostingBatch {
  private keys = new Int32Array(4096);
  private docs = new Uint32Array(4096);
  private tfs = new Uint8Array(4096);
  private length = 0;
  /** Per key: postings waiting (during a batch), then where its postings end in the grouped arrays (while flushing). */
  private counts = new Int32Array(1024);
  /** Keys with postings waiting, in the order first seen. */
  private readonly waiting = new NumberList(1024);
  private groupedDocs = new Uint32Array(0);
  private groupedTfs = new Uint8Array(0);

  get size(): number {
    return this.length;
  }

  add(key: number, doc: number, tf: number): void {
    if (this.length === this.keys.length) {
      this.keys = grown(this.keys, this.length + 1);
      this.docs = grown(this.docs, this.length + 1);
      this.tfs = grown(this.tfs, this.length + 1);
    }
    this.keys[this.length] = key;
    this.docs[this.length] = doc;
    this.tfs[this.length] = tf > 255 ? 255 : tf;
    this.length++;
    if (key >= this.counts.length) this.counts = grown(this.counts, key + 1);
    if (this.counts[key] === 0) {
      this.waiting.push(key);
    }
    this.counts[key]!++;
  }

  /** Appends every waiting posting to `listOf(key)`, grouped by key (a counting sort, stable), and empties the batch. */
  flush(listOf: (key: number) => PostingList): void {
    const { keys, docs, tfs, counts, length } = this;
    const { items: waiting, length: waitingLength } = this.waiting;
    if (length === 0) return;
    if (this.groupedDocs.length < length) {
      this.groupedDocs = new Uint32Array(keys.length);
      this.groupedTfs = new Uint8Array(keys.length);
    }
    const { groupedDocs, groupedTfs } = this;
    // Each key's start in the grouped arrays, in the order keys were first seen.
    let at = 0;
    for (let w = 0; w < waitingLength; w++) {
      const key = waiting[w]!;
      const n = counts[key]!;
      counts[key] = at;
      at += n;
    }
    for (let i = 0; i < length; i++) {
      const to = counts[keys[i]!]!++;
      groupedDocs[to] = docs[i]!;
      groupedTfs[to] = tfs[i]!;
    }
    let start = 0;
    for (let w = 0; w < waitingLength; w++) {
      const key = waiting[w]!;
      const end = counts[key]!;
      listOf(key).append(groupedDocs, groupedTfs, start, end);
      counts[key] = 0;
      start = end;
    }
    this.length = 0;
    this.waiting.length = 0;
  }
}
