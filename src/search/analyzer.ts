import { stemmer } from "stemmer";
import { type PhraseMatch, phraseKey, type WholeWordMatcher, wholeWordMatcher } from "../articles/word-pattern.js";
import { borrowSpans, findWords, returnSpans } from "../articles/words.js";
import { NumberList } from "./number-list.js";
import { ENGLISH_STOP_WORDS } from "./stop-words.js";
import { jurisdictionAliases, PHRASES, WORDS } from "./vocabulary.js";

/** A search term found in text, with where it stands (for highlights). */
export interface Token {
  readonly term: string;
  /** The word as written. */
  readonly surface: string;
  readonly start: number;
  readonly end: number;
}

const EXTRA_STOP_WORDS = [
  "what", "whats", "what's", "when", "who", "whom", "why", "which", "does", "doesn", "did", "didn", "do", "don", "is", "isn", "was", "wasn",
  "are", "aren", "will", "would", "can", "could", "there", "anything", "any", "anyone", "something", "hey", "hi", "hello", "pls", "please",
  "plz", "thanks", "thx", "know", "tell", "guys", "u", "ur", "im", "i'm", "ok", "okay", "just", "really", "yet", "lol", "bro", "gm",
  "go", "goes", "going", "gone", "went", "away", "actually", "really", "basically", "literally", "stuff", "things", "thing",
  "kind", "sort", "lot", "lots", "gonna", "wanna", "huh", "eh", "yeah", "yes", "no", "right", "exactly", "quickly", "soon",
  "its", "it's", "wen", "gonna", "wanna", "pls", "s", "t", "d", "ll", "re", "ve", "m", "a", "an", "the", "of", "to", "in", "on", "for", "by", "with", "at", "as", "or", "and",
  "be", "been", "being", "has", "have", "had", "get", "got", "about", "into", "from", "this", "that", "these", "those", "it", "they", "them",
  "their", "there's", "whether", "also", "so", "than", "then", "were", "we", "you", "your", "i", "me", "my", "us", "our",
];
// Words the stop list drops but questions need: "before"/"after"/"since" are read by query understanding first.
const STOP_WORDS = new Set([...ENGLISH_STOP_WORDS, ...EXTRA_STOP_WORDS]);


interface Rule {
  readonly phrase: string;
  readonly terms: readonly string[];
}

let phrases: WholeWordMatcher | undefined;
let phraseTerms: Map<string, readonly string[]> | undefined;
let singleAliases: Map<string, string> | undefined;

function setup(): void {
  const rules: Rule[] = PHRASES.map(([phrase, terms]) => ({ phrase, terms: typeof terms === "string" ? [terms] : terms }));
  singleAliases = new Map();
  for (const [name, token] of jurisdictionAliases()) {
    if (/[\s.'-]/.test(name)) rules.push({ phrase: name, terms: [token] });
    else singleAliases.set(name, token);
  }
  phraseTerms = new Map(rules.map((r) => [phraseKey(r.phrase), r.terms]));
  phrases = wholeWordMatcher(rules.map((r) => r.phrase));
}



/**
 * Splits text into search terms: the field's phrases become one term, jurisdiction names their jurisdiction's
 * term, stop words go, the rest is folded (accents, case, British/American spelling) and stemmed.
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  scan(text, (surface, start, end, terms) => {
    if (terms) {
      for (const term of terms) tokens.push({ term, surface, start, end });
    } else {
      const term = termOf(surface);
      if (term) tokens.push({ term, surface, start, end });
    }
  });
  return tokens;
}

/**
 * Walks the text's phrases and words in text order, as {@link tokenize} segments them: `visit` gets each written
 * phrase with its terms, and each other word with `null` (its term is {@link termOf} the word).
 */
function scan(text: string, visit: (surface: string, start: number, end: number, phraseTerms: readonly string[] | null) => void): void {
  scanSpans(text, (t, start, end) => visit(slice.call(t, start, end) as string, start, end, null), visit);
}

/**
 * {@link scan} without cutting the words out: `visitWord` gets each word as where it stands in `text`. For callers
 * that keep their own table of written words, such as the index, so a word seen before costs no new string. Such
 * a caller may also pass `mayStartPhrase`, which says (from its table, by {@link mayStartPhrase}) whether a phrase
 * can begin with the word; phrases are looked for only where it says yes. `words` are the text's words, when
 * they were found already (by ingestion, or on another thread): exactly what {@link findWords} lists for this
 * text alone (from 0).
 */
export function scanSpans(
  text: string,
  visitWord: (text: string, start: number, end: number) => void,
  visitPhrase: (surface: string, start: number, end: number, phraseTerms: readonly string[]) => void,
  mayStartPhrase?: (text: string, start: number, end: number) => boolean,
  words?: Int32Array,
): void {
  if (!phrases) setup();
  const matcher = phrases!;
  let spans = words;
  let scratch: NumberList | undefined;
  if (!spans) {
    scratch = borrowSpans();
    findWords(text, scratch);
    spans = scratch.items;
  }
  const count = words ? words.length : scratch!.length;
  try {
    // Phrases are tried where words start (not by a pass of their own over the text). A word inside a phrase is
    // the phrase's; and, as `matchAll` reads them, no phrase starts inside the one before.
    let coveredUntil = -1;
    let phrasesFrom = 0;
    for (let k = 0; k < count; k += 3) {
      const start = spans[k]!;
      const end = spans[k + 1]!;
      if (start >= coveredUntil) {
        let phrase: PhraseMatch | undefined;
        if (start >= phrasesFrom && (!mayStartPhrase || mayStartPhrase(text, start, end))) phrase = matcher.matchAt(text, start);
        const phraseEnd = phrase ? phraseAt(phrase, visitPhrase) : -1;
        if (phrase) phrasesFrom = phrase.index + phrase.text.length;
        if (phraseEnd >= 0) coveredUntil = phraseEnd;
        else visitWord(text, start, end);
      }
      // A phrase may also start after a joining dot or apostrophe ("…on Monday.Hong Kong regulators"): it follows
      // the word it starts in, and the words it covers are its own.
      for (let j = spans[k + 2]!; j >= 0 && j < end; j++) {
        const unit = charCodeAt.call(text, j);
        if (unit !== 0x27 && unit !== 0x2019 && unit !== 0x2e) continue;
        if (j + 1 < phrasesFrom || j + 1 < coveredUntil) continue;
        const phrase = matcher.matchAt(text, j + 1);
        if (!phrase) continue;
        phrasesFrom = phrase.index + phrase.text.length;
        coveredUntil = Math.max(coveredUntil, phraseAt(phrase, visitPhrase));
      }
    }
  } finally {
    if (scratch) returnSpans(scratch);
  }
}

/** False when no phrase of the analyzer can begin with the written word `word` (as {@link scanSpans} finds words). */
export function mayStartPhrase(word: string): boolean {
  if (!phrases) setup();
  return phrases!.mayStartWith(word, 0, word.length);
}

/** Visits one phrase match when it is a phrase with terms; returns where it ends (-1 when skipped). */
function phraseAt(m: { index: number; text: string; key: string }, visit: Parameters<typeof scanSpans>[2]): number {
  const terms = phraseTerms!.get(m.key);
  if (!terms) return -1;
  const end = m.index + m.text.length;
  visit(m.text, m.index, end, terms);
  return end;
}

// Through the prototype, not `text.charCodeAt`: tokenize sees every kind of string (whole bodies, sentences cut
// from them, questions put together), and a method looked up on so many kinds of string is looked up slowly.
const charCodeAt = String.prototype.charCodeAt;
const slice = String.prototype.slice;

/** The search terms of `text`, in order. */
export function analyze(text: string): string[] {
  return tokenize(text).map((t) => t.term);
}

/** Folds one written word into its search term, or `null` for a stop word. Memoised: the same words recur. */
export const termOf: (word: string) => string | null = memoizeWords((word) => foldTerm(word), 500_000);

/**
 * A pure function of one written word, memoised in a map of at most `max` words (emptied when full). Keys and
 * values are {@link detached}, so the memo never keeps alive the article a word was cut from.
 */
export function memoizeWords<T extends string | null>(compute: (word: string) => T, max: number): (word: string) => T {
  const memo = new Map<string, T>();
  return (word) => {
    let value = memo.get(word);
    if (value === undefined) {
      value = compute(word);
      if (memo.size >= max) memo.clear();
      memo.set(detached(word), (value === null ? value : detached(value)) as T);
    }
    return value;
  };
}

/**
 * A copy of `text` that does not keep the string it was cut from alive. V8 keeps a slice of 13 characters or more
 * as a view of its whole parent, so a memo keyed by a word cut from an article would keep the article's body.
 */
export function detached(text: string): string {
  return text.length < 13 ? text : (" " + text).slice(1);
}

function foldTerm(word: string): string | null {
  return termOfFolded(word, fold(word));
}

/**
 * What one written word means, worked out afresh: its search term ({@link termOf}) and its folded form
 * ({@link fold}). For callers that keep their own table of written words (the index), so the words are not
 * memoised twice.
 */
export function readWord(word: string): { readonly term: string | null; readonly folded: string } {
  const folded = foldText(word);
  return { term: termOfFolded(word, folded), folded };
}

/** {@link termOf} of `word`, given `folded`, its {@link fold}. */
function termOfFolded(word: string, folded: string): string | null {
  if (!singleAliases) setup();
  // "US"/"U.S." in capitals is the country; in lower case "us" is a pronoun.
  if (word === "US" || word === "U.S") return "usa";
  let w = folded;
  if (w.endsWith("'s")) w = w.slice(0, -2);
  w = w.replace(/['.]/g, "");
  if (!w || STOP_WORDS.has(w)) return null;
  if (w.length === 1 && !/\d/.test(w)) return null;
  const alias = singleAliases!.get(w);
  if (alias) return alias;
  const mapped = WORDS[w];
  if (mapped) return mapped;
  if (/^\d/.test(w)) return w;
  const stem = stemmer(americanize(w));
  return WORDS[stem] ?? stem;
}

const FOLD_MEMO_LENGTH = 64;
const foldWord = memoizeWords((word) => foldText(word), 100_000);

/** Lower case without accents or curly apostrophes. Words are memoised (every article has "crypto"); long texts are not. */
export function fold(word: string): string {
  return word.length > FOLD_MEMO_LENGTH ? foldText(word) : foldWord(word);
}

function foldText(text: string): string {
  return text.normalize("NFKD").replace(/\p{M}/gu, "").replace(/’/g, "'").toLowerCase();
}

/** British -ise/-isation spellings to -ize, so "authorised" and "authorized" meet. */
function americanize(word: string): string {
  if (word.length < 7) return word;
  return word.replace(/is(e|ed|es|ing|ation|ations|er|ers)$/, "iz$1");
}

/** True when `word` would be dropped as a stop word. */
export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(fold(word));
}
