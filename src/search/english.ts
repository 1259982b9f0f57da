import fs from "node:fs";
import wordListPath from "word-list";

/**
 * The word list as it is read: one word per line, sorted. Lines are looked up in place by binary search, which
 * spares building a set of ~275k strings (about 100 ms, paid by every process and index worker that needs it).
 * The few lines out of order go to `outOfOrder`.
 */
interface WordList {
  readonly text: string;
  /** Start and end of each sorted line, in pairs. */
  readonly lines: Int32Array;
  readonly count: number;
  /** Per pair of first letters a–z (26 × first + second): the first and last sorted line with them, or -1. */
  readonly first: Int32Array;
  readonly last: Int32Array;
  readonly outOfOrder: ReadonlySet<string>;
}

let list: WordList | undefined;

/**
 * True when `word` (lower case) is an English word. Used to leave real words alone that the stored articles
 * happen not to contain ("punters", "lenders"), so only true misspellings are corrected. The list (~275k words)
 * is read on first use.
 */
export function isEnglishWord(word: string): boolean {
  const { text, lines, count, first, last, outOfOrder } = (list ??= readWordList());
  // Words starting with the same two letters stand together: the search starts from their range.
  const pair = letterPair(word, 0, word.length);
  let lo = pair < 0 ? 0 : first[pair]!;
  let hi = pair < 0 ? count - 1 : last[pair]!;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const order = compare(word, 0, word.length, text, lines[2 * mid]!, lines[2 * mid + 1]!);
    if (order === 0) return true;
    if (order < 0) hi = mid - 1;
    else lo = mid + 1;
  }
  return outOfOrder.has(word);
}

function readWordList(): WordList {
  const text = fs.readFileSync(wordListPath, "utf8");
  const lines = new Int32Array(2 * (text.length / 2 + 1));
  const outOfOrder = new Set<string>();
  const first = new Int32Array(26 * 26).fill(-1);
  const last = new Int32Array(26 * 26).fill(-2);
  let count = 0;
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const line = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    if (line > start) {
      // Kept for the binary search only when it sorts after the line kept before it.
      if (count === 0 || compare(text, start, line, text, lines[2 * count - 2]!, lines[2 * count - 1]!) > 0) {
        lines[2 * count] = start;
        lines[2 * count + 1] = line;
        const pair = letterPair(text, start, line);
        if (pair >= 0) {
          if (first[pair] === -1) first[pair] = count;
          last[pair] = count;
        }
        count++;
      } else outOfOrder.add(text.slice(start, line));
    }
    start = end + 1;
  }
  // Sized for the worst case while reading (a line per two characters); kept at the size used (2 × 274k, not 2.8M).
  return { text, lines: lines.slice(0, 2 * count), count, first, last, outOfOrder };
}

/** 26 × first + second letter when `text[start…end)` starts with two letters a–z, else -1. */
function letterPair(text: string, start: number, end: number): number {
  if (end - start < 2) return -1;
  const a = (charCodeAt.call(text, start) as number) - 97;
  const b = (charCodeAt.call(text, start + 1) as number) - 97;
  return a >= 0 && a < 26 && b >= 0 && b < 26 ? 26 * a + b : -1;
}

const charCodeAt = String.prototype.charCodeAt;

/** How `a[aStart…aEnd)` sorts against `b[bStart…bEnd)`, by UTF-16 code units (as `<` compares strings). */
function compare(a: string, aStart: number, aEnd: number, b: string, bStart: number, bEnd: number): number {
  const length = Math.min(aEnd - aStart, bEnd - bStart);
  for (let i = 0; i < length; i++) {
    const d = (charCodeAt.call(a, aStart + i) as number) - (charCodeAt.call(b, bStart + i) as number);
    if (d !== 0) return d;
  }
  return aEnd - aStart - (bEnd - bStart);
}
