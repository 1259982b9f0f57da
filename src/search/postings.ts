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

  push(doc: number, tf: number): void {
    if (this.length === this.docs.length) {
      // Doubling keeps appends amortised O(1); a view of saved bytes is copied out the first time it grows.
      const capacity = Math.max(4, this.length * 2);
      const docs = new Uint32Array(capacity);
      docs.set(this.docs.subarray(0, this.length));
      const tfs = new Uint8Array(capacity);
      tfs.set(this.tfs.subarray(0, this.length));
      this.docs = docs;
      this.tfs = tfs;
    }
    this.docs[this.length] = doc;
    this.tfs[this.length] = tf > 255 ? 255 : tf;
    this.length++;
    this.live++;
  }
}
