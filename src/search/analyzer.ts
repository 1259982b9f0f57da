import { stemmer } from "stemmer";
import { eng } from "stopword";
import { phraseKey, wholeWordPattern } from "../articles/word-pattern.js";
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
const STOP_WORDS = new Set([...eng, ...EXTRA_STOP_WORDS]);


interface Rule {
  readonly phrase: string;
  readonly terms: readonly string[];
}

let phraseRegex: RegExp | undefined;
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
  phraseRegex = wholeWordPattern(rules.map((r) => r.phrase));
}


const WORD = /[\p{L}\p{N}]+(?:['’.][\p{L}\p{N}]+)*/gu;

/**
 * Splits text into search terms: the field's phrases become one term, jurisdiction names their jurisdiction's
 * term, stop words go, the rest is folded (accents, case, British/American spelling) and stemmed.
 */
export function tokenize(text: string): Token[] {
  if (!phraseRegex) setup();
  const tokens: Token[] = [];
  const covered: Array<[number, number]> = [];
  phraseRegex!.lastIndex = 0;
  for (const m of text.matchAll(phraseRegex!)) {
    const terms = phraseTerms!.get(phraseKey(m[0]));
    if (!terms) continue;
    covered.push([m.index, m.index + m[0].length]);
    for (const term of terms) tokens.push({ term, surface: m[0], start: m.index, end: m.index + m[0].length });
  }
  let c = 0;
  for (const m of text.matchAll(WORD)) {
    const start = m.index;
    while (c < covered.length && covered[c]![1] <= start) c++;
    if (c < covered.length && covered[c]![0] <= start) continue;
    const term = termOf(m[0]);
    if (term) tokens.push({ term, surface: m[0], start, end: start + m[0].length });
  }
  return tokens.sort((a, b) => a.start - b.start);
}

/** The search terms of `text`, in order. */
export function analyze(text: string): string[] {
  return tokenize(text).map((t) => t.term);
}

/** Words already folded: the same words recur across articles, and folding is pure. Bounded. */
const folded = new Map<string, string | null>();
const FOLDED_MAX = 500_000;

/** Folds one written word into its search term, or `null` for a stop word. */
export function termOf(word: string): string | null {
  const known = folded.get(word);
  if (known !== undefined) return known;
  const term = foldTerm(word);
  if (folded.size >= FOLDED_MAX) folded.clear();
  folded.set(word, term);
  return term;
}

function foldTerm(word: string): string | null {
  if (!singleAliases) setup();
  // "US"/"U.S." in capitals is the country; in lower case "us" is a pronoun.
  if (word === "US" || word === "U.S") return "usa";
  let w = fold(word);
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

/** Lower case without accents or curly apostrophes. */
export function fold(word: string): string {
  return word.normalize("NFKD").replace(/\p{M}/gu, "").replace(/’/g, "'").toLowerCase();
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
