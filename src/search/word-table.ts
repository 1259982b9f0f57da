import { detached } from "./analyzer.js";
import { grown } from "./number-list.js";

const EMPTY = -1;
const charCodeAt = String.prototype.charCodeAt;

/**
 * Written words numbered 0, 1, 2 … in the order first seen, looked up by where a word stands in a text. A `Map`
 * needs the word cut out as a new string first, and hashes that string again; an article has hundreds of words
 * and nearly all were seen before, so this hashes the characters in place, compares them with the stored word,
 * and cuts a string only for a word it does not know yet. Callers keep what a word means in arrays by its number.
 */
export class WordTable {
  private readonly words: string[] = [];
  private hashes = new Int32Array(1024);
  /** Open addressing: word numbers, or EMPTY. */
  private table = new Int32Array(2048).fill(EMPTY);
  private mask = 2047;

  /** How many words there are (the number the next new word gets). */
  get size(): number {
    return this.words.length;
  }

  /** The word numbered `n`. */
  word(n: number): string {
    return this.words[n]!;
  }

  /** The number of the word `text.slice(start, end)`; a word not seen before gets the next number, {@link size}. */
  intern(text: string, start: number, end: number): number {
    let hash = 0x811c9dc5;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ (charCodeAt.call(text, i) as number), 0x01000193);
    const length = end - start;
    const { table, mask, hashes, words } = this;
    let at = hash & mask;
    for (;;) {
      const n = table[at]!;
      if (n === EMPTY) break;
      if (hashes[n] === hash && sameWord(words[n]!, length, text, start)) return n;
      at = (at + 1) & mask;
    }
    return this.insert(detached(text.slice(start, end)), hash, at);
  }

  private insert(word: string, hash: number, at: number): number {
    const n = this.words.length;
    this.words.push(word);
    if (n >= this.hashes.length) this.hashes = grown(this.hashes, n + 1);
    this.hashes[n] = hash;
    this.table[at] = n;
    // Kept at most half full, so a probe ends after a step or two.
    if ((n + 1) * 2 > this.table.length) this.grow();
    return n;
  }

  private grow(): void {
    this.table = new Int32Array(this.table.length * 2).fill(EMPTY);
    this.mask = this.table.length - 1;
    for (let n = 0; n < this.words.length; n++) {
      let at = this.hashes[n]! & this.mask;
      while (this.table[at] !== EMPTY) at = (at + 1) & this.mask;
      this.table[at] = n;
    }
  }
}

function sameWord(word: string, length: number, text: string, start: number): boolean {
  if (word.length !== length) return false;
  for (let i = 0; i < length; i++) if (charCodeAt.call(word, i) !== charCodeAt.call(text, start + i)) return false;
  return true;
}
