// Where the words of a text stand: found once per article, and read by everything that reads its text after.
// Inference tries its phrases only where words start; the search index reads the words instead of scanning.
import { NumberList } from "../search/number-list.js";

/**
 * Adds the words of `text` to `spans`: the matches of `[\p{L}\p{N}]+(?:['’.][\p{L}\p{N}]+)*` (flags `gu`), found
 * by a loop over the text (the regex's match objects cost more than the words). Three numbers per word: its start,
 * its end, and where the first apostrophe or dot joining its parts stands (-1 for none).
 */
export function findWords(text: string, spans: NumberList): void {
  let values = spans.items;
  let k = spans.length;
  const n = text.length;
  let p = 0;
  while (p < n) {
    // Most characters are known from the table at once; surrogates and first sights take the slow path.
    const known = letterOrDigitUnits[charCodeAt.call(text, p) as number]!;
    if (known === 1) {
      p++;
      continue;
    }
    let width = known === 2 ? 1 : codeUnitsAt(text, p);
    if (known === 0 && !isLetterOrDigit(text, p, width)) {
      p += width;
      continue;
    }
    const start = p;
    p += width;
    let joined = -1;
    for (;;) {
      while (p < n) {
        const next = letterOrDigitUnits[charCodeAt.call(text, p) as number]!;
        if (next === 2) p++;
        else if (next === 1 || !isLetterOrDigit(text, p, (width = codeUnitsAt(text, p)))) break;
        else p += width;
      }
      // An apostrophe or dot between letters or digits joins them ("it's", "U.S").
      const unit = p + 1 < n ? charCodeAt.call(text, p) : 0;
      if ((unit === 0x27 || unit === 0x2019 || unit === 0x2e) && isLetterOrDigit(text, p + 1, (width = codeUnitsAt(text, p + 1)))) {
        if (joined < 0) joined = p;
        p += 1 + width;
      } else break;
    }
    if (k + 3 > values.length) {
      spans.length = k;
      spans.reserve(3);
      values = spans.items;
    }
    values[k] = start;
    values[k + 1] = p;
    values[k + 2] = joined;
    k += 3;
  }
  spans.length = k;
}

/** Per code unit: 0 not yet known (always so for surrogates), 1 neither a letter nor a digit, 2 one of them. */
const letterOrDigitUnits = new Uint8Array(0x10000);
const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;
// Through the prototype, not `text.charCodeAt`: the words of every kind of string are found (whole bodies,
// sentences cut from them, questions put together), and a method looked up on so many kinds is looked up slowly.
const charCodeAt = String.prototype.charCodeAt;
const slice = String.prototype.slice;

/** Whether the code point at `index` (`width` code units long) is a letter or digit, as `/[\p{L}\p{N}]/u` reads it. */
function isLetterOrDigit(text: string, index: number, width: number): boolean {
  const unit = charCodeAt.call(text, index);
  const known = letterOrDigitUnits[unit]!;
  if (known !== 0) return known === 2;
  const is = LETTER_OR_DIGIT.test(slice.call(text, index, index + width));
  if (width === 1 && (unit < 0xd800 || unit > 0xdfff)) letterOrDigitUnits[unit] = is ? 2 : 1;
  return is;
}

/** 2 for a surrogate pair at `index`, else 1: how far one code point reaches, as a Unicode regex steps. */
function codeUnitsAt(text: string, index: number): number {
  const unit = charCodeAt.call(text, index);
  if (unit < 0xd800 || unit > 0xdbff || index + 1 >= text.length) return 1;
  const low = charCodeAt.call(text, index + 1);
  return low >= 0xdc00 && low <= 0xdfff ? 2 : 1;
}

/**
 * {@link findWords} of `text` alone, in a list of its own and of its exact length: to go with the text to its
 * other readers (a phrase matcher's `matchAll`, the search index).
 */
export function wordsOf(text: string): Int32Array {
  const spans = borrowSpans();
  try {
    findWords(text, spans);
    return spans.items.slice(0, spans.length);
  } finally {
    returnSpans(spans);
  }
}

/** Numbers of the largest scratch list kept between uses: 64k words. */
const MAX_KEPT_SPANS = 3 * 65_536;
let freeSpans: NumberList | undefined = new NumberList(3 * 1024);

/**
 * An empty scratch list for {@link findWords}, reused from call to call. It is lent out: a use within another
 * gets a list of its own. Give it back with {@link returnSpans}.
 */
export function borrowSpans(): NumberList {
  const spans = freeSpans ?? new NumberList(3 * 1024);
  freeSpans = undefined;
  spans.length = 0;
  return spans;
}

/** Takes back a list from {@link borrowSpans}, unless one huge text grew it: that much memory is not kept for the life of the process. */
export function returnSpans(spans: NumberList): void {
  if (spans.items.length <= MAX_KEPT_SPANS) freeSpans = spans;
}
