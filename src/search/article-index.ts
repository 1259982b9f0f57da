import { createHash } from "node:crypto";
import SearchableMap from "minisearch/SearchableMap";
import type { Article } from "../articles/article.js";
import { JURISDICTIONS, jurisdictionByName } from "../articles/jurisdictions.js";
import { TOPICS } from "../articles/topics.js";
import { PHRASES, RELATED, WORDS } from "./vocabulary.js";
import { analyze, detached, fold, mayStartPhrase, memoizeWords, readWord, scanSpans, termOf } from "./analyzer.js";
import { isEnglishWord } from "./english.js";
import { decodeIndex, encodeIndex, type DecodedIndex } from "./index-file.js";
import { grown, NumberList } from "./number-list.js";
import { PostingBatch, PostingList } from "./postings.js";
import { WordTable } from "./word-table.js";

/** Fields kept beside each indexed article, so filters need no database round trip. */
export interface IndexedMeta {
  readonly publishedAt: string | null;
  readonly jurisdictions: readonly string[];
  /** Regulation news: ranked ahead of other stories. */
  readonly relevant: boolean;
}

/**
 * What the index reads of an article: its text and the fields filters and ranking use; and its body's words as
 * `wordsOf` lists them, when they were found already (by ingestion's inference, or on another thread).
 */
export type IndexedArticle = Pick<Article, "id" | "title" | "body" | "publishedAt" | "jurisdictions" | "topics" | "relevant"> & {
  readonly bodyWords?: Int32Array;
};

/** One weighted query term. */
export interface QueryTerm {
  readonly term: string;
  readonly weight: number;
  /** Match as a prefix (the word the user is still typing). */
  readonly prefix?: boolean;
}

/** A raw hit from the engine. */
export interface IndexHit {
  readonly id: string;
  readonly score: number;
  /** Query terms this article matched (for prefix terms: the prefix). */
  readonly matched: readonly string[];
  readonly meta: IndexedMeta;
}

/**
 * The full-text index over articles: postings in typed arrays, BM25 over title, body and tags, and the term
 * statistics that ranking and spelling need. MiniSearch's radix tree (`SearchableMap`) finds the terms a
 * typed prefix can mean and the words a misspelling is near.
 */
export interface ArticleIndex {
  add(articles: readonly IndexedArticle[]): void;
  /** Takes articles (as they were indexed) out of the index and its statistics. */
  remove(articles: readonly IndexedArticle[]): void;
  /** The best `limit` articles (default 100) for the terms, best first, among those `filter` accepts. */
  search(terms: readonly QueryTerm[], filter?: (meta: IndexedMeta) => boolean, limit?: number): IndexHit[];
  /** Ids of the newest `limit` articles `filter` accepts, newest first; undated ones last. */
  newest(limit: number, filter?: (meta: IndexedMeta) => boolean): string[];
  /** How many articles contain `term` (0 for an unknown term). */
  documentFrequency(term: string): number;
  /** Inverse document frequency of `term`: rare terms weigh more. */
  idf(term: string): number;
  /** Written words seen in articles, with how often (for spelling correction and completing a typed prefix). */
  readonly vocabulary: SearchableMap<WordCount>;
  /** Terms of the articles' words that are not English words: names and jargon ("binance", "mica", "xrp"). Never shrinks before a rebuild. */
  jargon(): ReadonlySet<string>;
  readonly size: number;
  /** The index as bytes, for {@link createArticleIndex} to load without rebuilding. */
  toBytes(): Uint8Array;
}

/** A written word of the articles and how often it occurs (kept, at 0, after its last article goes). */
export interface WordCount {
  readonly word: string;
  readonly count: number;
}

/** Counts of the vocabulary's words by number, in one typed array (replaced as it grows). */
interface WordCounts {
  values: Int32Array<ArrayBuffer>;
}

/** A vocabulary word whose count is read from the shared array: adding articles counts words without touching objects. */
class CountedWord implements WordCount {
  /** Its search term ({@link termOf} of the word), once known from a written form of it. */
  term: string | undefined = undefined;

  constructor(
    readonly word: string,
    private readonly n: number,
    private readonly counts: WordCounts,
  ) {}

  get count(): number {
    return this.counts.values[this.n]!;
  }
}

/** Field order in postings and lengths; boosts as the answers were tuned with. */
export const FIELDS = ["title", "body", "tags"] as const;
const BOOST = [2.2, 1, 1.2] as const;
// BM25+ as MiniSearch computes it (its defaults), so rankings stay where the evaluation set put them.
const K1 = 1.2;
const B = 0.7;
const D = 0.5;
/** A term reached by completing a prefix weighs this much, less the further it runs past the prefix. */
const PREFIX_WEIGHT = 0.6;
/** Completions of one prefix that are searched, the most common first. */
const MAX_COMPLETIONS = 64;
/** Past this many articles found, a search stops checking whether the remaining terms can be looked up instead of walked. */
const PRUNE_CHECK_MAX = 20_000;
/** Postings an `add` gathers before appending them to their lists: bounds its scratch memory (about 20 MB). */
const MAX_BATCH_POSTINGS = 1 << 20;
/** Query terms beyond this many are ignored (each has a bit in a match mask). */
const MAX_QUERY_TERMS = 31;

/**
 * Identifies how indexes are built: the analyzer's tables and this version number (raise it when the analysis
 * or the saved layout changes). A saved index of another format is rebuilt instead of being read.
 */
const ANALYZER_VERSION = 5;
const INDEX_FORMAT = createHash("sha256")
  .update(JSON.stringify({ v: ANALYZER_VERSION, PHRASES, WORDS, RELATED, JURISDICTIONS, TOPICS }))
  .digest("hex")
  .slice(0, 16);

interface Term {
  readonly term: string;
  /** Its number: where its scratch counts are while an article is added. */
  readonly n: number;
  /** Postings per field (title, body, tags); `null` where the term never occurs. */
  readonly lists: [PostingList | null, PostingList | null, PostingList | null];
}

/** One query term in one field, as a search walks it. */
interface Unit {
  readonly list: PostingList;
  readonly field: number;
  readonly weight: number;
  readonly mask: number;
  /** The most this unit can add to one article's score (BM25+'s term part stays below D + k1 + 1). */
  readonly bound: number;
}

/** What a vocabulary word looks like once folded. */
const VOCABULARY_WORD = /^[a-z]{3,}$/;

/** The word the vocabulary keeps of a written word, given its {@link fold}: the fold, when three letters a–z or more. */
function keptWord(written: string, folded: string): string | null {
  return written.length >= 3 && VOCABULARY_WORD.test(folded) ? folded : null;
}

/** {@link keptWord}, memoised: the same words recur. */
const vocabularyWordOf = memoizeWords((written) => keptWord(written, fold(written)), 500_000);

/** Characters that no fold takes out (spaces, hyphens, apostrophes, dots): a word with one is never in the vocabulary. */
const SEPARATOR = /[\s\-'’.]/;

function vocabularyWord(written: string): string | null {
  return written.length < 3 ? null : vocabularyWordOf(written);
}

/**
 * Creates an empty index, or one restored from {@link ArticleIndex.toBytes} output. A saved index written by
 * another version of the analyzer is refused (it throws), so the caller rebuilds it.
 */
export function createArticleIndex(saved?: Uint8Array): ArticleIndex {
  const terms = new Map<string, Term>();
  const ids: Array<string | null> = [];
  const metas: Array<IndexedMeta | null> = [];
  const byId = new Map<string, number>();
  /** Field lengths in terms, three per document. */
  let lengths = new Uint32Array(3 * 1024);
  /** 1 for documents in the index, 0 for removed ones (their postings stay until the next save). */
  let alive = new Uint8Array(1024);
  const totals = [0, 0, 0];
  let live = 0;
  /** Vocabulary word → its number in `wordList`. */
  const vocab = new Map<string, number>();
  /** Terms and vocabulary words by number. */
  const termList: Term[] = [];
  const wordList: CountedWord[] = [];
  const wordCounts: WordCounts = { values: new Int32Array(1024) };
  /** Per term number: live articles with the term in any field. */
  let termDf = new Int32Array(1024);
  /** Postings of the articles being added, appended to their lists (key: term number × 3 + field) after each `add`. */
  const batch = new PostingBatch();
  /**
   * Written words, each standing for a term and a vocabulary word (their numbers in `slotTerm` and `slotWord`, -1
   * for none): an article's words are looked up once each, and counted in typed arrays rather than objects
   * spread over the heap (adding articles is mostly waiting for memory).
   */
  const slots = new WordTable();
  let slotTerm = new Int32Array(1024);
  let slotWord = new Int32Array(1024);
  /** Per slot: 1 when an analyzer phrase may begin with the word. */
  let slotMayStartPhrase = new Uint8Array(1024);
  const jargon = new Set<string>();
  // Radix trees over terms and words, built the first time a prefix or a misspelling needs one, then kept current.
  let termTree: SearchableMap<true> | undefined;
  let wordTree: SearchableMap<WordCount> | undefined;
  // Scratch space of search, reused: scores and matched-term bits per document.
  let scores = new Float64Array(0);
  let masks = new Uint32Array(0);
  let touchedFree: NumberList | undefined = new NumberList();
  /** Per document during a search: 0 not asked, 1 the filter accepts it, 2 it does not. */
  let passes = new Uint8Array(0);

  const ensureCapacity = (docs: number) => {
    if (docs <= alive.length) return;
    const capacity = Math.max(docs, alive.length * 2);
    const a = new Uint8Array(capacity);
    a.set(alive);
    alive = a;
    const l = new Uint32Array(capacity * 3);
    l.set(lengths);
    lengths = l;
  };

  if (saved) {
    const data: DecodedIndex = decodeIndex(saved, INDEX_FORMAT);
    ensureCapacity(data.ids.length);
    data.ids.forEach((id, doc) => {
      ids.push(id);
      byId.set(id, doc);
      alive[doc] = 1;
    });
    for (const meta of data.metas) metas.push(meta); // not push(...): 100k+ arguments overflow the stack
    lengths.set(data.lengths);
    for (let f = 0; f < 3; f++) totals[f] = data.totals[f]!;
    live = data.ids.length;
    data.terms.forEach((term, i) => {
      const entry: Term = { term, n: termList.length, lists: data.lists[i]! };
      termList.push(entry);
      terms.set(term, entry);
      if (entry.n >= termDf.length) termDf = grown(termDf, entry.n + 1);
      termDf[entry.n] = data.df[i]!;
    });
    data.vocabulary.forEach((word, i) => wordNumber(word, data.vocabularyCounts[i]!));
    for (const t of data.jargon) jargon.add(t);
  }

  // The term numbers of the tags field, by jurisdiction and by topic: the same few names recur in every article.
  const jurisdictionTerms = new Map<string, number[]>();
  const topicTerms = new Map<string, number[]>();
  const tagTerms = (name: string, memo: Map<string, number[]>): number[] => {
    let numbers = memo.get(name);
    if (!numbers) {
      const terms = memo === jurisdictionTerms ? [jurisdictionByName(name)?.token ?? fold(name)] : analyze(name.replace(/-/g, " "));
      numbers = terms.map(termNumber);
      // Names come from articles: a flood of distinct ones must not grow the memo without end.
      if (memo.size >= 10_000) memo.clear();
      memo.set(detached(name), numbers);
    }
    return numbers;
  };

  const flushBatch = () => batch.flush((key) => (termList[Math.floor(key / 3)]!.lists[key % 3] ??= new PostingList()));

  const dfOf = (term: string) => {
    const entry = terms.get(term);
    return entry ? termDf[entry.n]! : 0;
  };

  /** The number of `term`, a new one for a term not seen before. */
  const termNumber = (term: string): number => {
    let entry = terms.get(term);
    if (!entry) {
      entry = { term, n: termList.length, lists: [null, null, null] };
      termList.push(entry);
      terms.set(term, entry);
      if (entry.n >= termDf.length) termDf = grown(termDf, entry.n + 1);
    }
    return entry.n;
  };

  /** The number of vocabulary word `word`, a new one (at `count`) for a word not seen before. */
  function wordNumber(word: string, count = 0): number {
    let n = vocab.get(word);
    if (n === undefined) {
      n = wordList.length;
      vocab.set(word, n);
      wordList.push(new CountedWord(word, n, wordCounts));
      if (n >= wordCounts.values.length) wordCounts.values = grown(wordCounts.values, n + 1);
      wordCounts.values[n] = count;
    }
    return n;
  }

  /** Adds `by` (negative to take away) to the count of vocabulary word number `n`. */
  const countWord = (n: number, by: number) => {
    const counts = wordCounts.values;
    const before = counts[n]!;
    const after = Math.max(0, before + by);
    counts[n] = after;
    if (before === 0 && after > 0) {
      const entry = wordList[n]!;
      // A word the articles use that is not English is a name or jargon ("binance", "mica"): a word of the field.
      if (!isEnglishWord(entry.word)) {
        const term = entry.term !== undefined ? entry.term : termOf(entry.word);
        if (term) jargon.add(term);
      }
      wordTree?.set(entry.word, entry);
    } else if (before > 0 && after === 0) {
      wordTree?.delete(wordList[n]!.word);
    }
  };

  // What one article contributes, gathered by `collect`: its terms (numbers in `found`) with per-field counts in
  // `termTf` (`termStamp` says which article they are of), its distinct terms per field, and its vocabulary words
  // (numbers in `used`, counts in `wordTf`).
  let stamp = 0;
  let field = 0;
  let termStamp = new Int32Array(1024);
  let termTf = new Int32Array(3 * 1024);
  let wordStamp = new Int32Array(1024);
  let wordTf = new Int32Array(1024);
  const found = new NumberList();
  const used = new NumberList();
  const distinct = [0, 0, 0];

  const countTerm = (t: number) => {
    if (t >= termStamp.length) {
      termStamp = grown(termStamp, t + 1);
      termTf = grown(termTf, 3 * (t + 1));
    }
    if (termStamp[t] !== stamp) {
      termStamp[t] = stamp;
      termTf[3 * t] = termTf[3 * t + 1] = termTf[3 * t + 2] = 0;
      found.push(t);
    }
    const at = 3 * t + field;
    if (termTf[at] === 0) distinct[field] = distinct[field]! + 1;
    termTf[at] = termTf[at]! + 1;
  };

  const countVocabulary = (w: number) => {
    if (w >= wordStamp.length) {
      wordStamp = grown(wordStamp, w + 1);
      wordTf = grown(wordTf, w + 1);
    }
    if (wordStamp[w] !== stamp) {
      wordStamp[w] = stamp;
      wordTf[w] = 0;
      used.push(w);
    }
    wordTf[w] = wordTf[w]! + 1;
  };

  const visitPhrase = (surface: string, _start: number, _end: number, phraseTerms: readonly string[]) => {
    for (const term of phraseTerms) countTerm(termNumber(term));
    // Most phrases are several words ("central bank"), which the vocabulary of single words never holds.
    const word = field === 1 && !SEPARATOR.test(surface) ? vocabularyWord(surface) : null;
    if (word) countVocabulary(wordNumber(word));
  };

  /** The slot of the written word `text[start…end)`, worked out the first time the word is seen. */
  const slotOf = (text: string, start: number, end: number): number => {
    const before = slots.size;
    const slot = slots.intern(text, start, end);
    if (slot === before) {
      // Worked out afresh, not through the analyzer's memos: this table is the memo of written words here.
      const written = slots.word(slot);
      const { term, folded } = readWord(written);
      // A stop word in a body is no word of the vocabulary (in a title it is: see `collect`).
      const word = term ? keptWord(written, folded) : null;
      if (slot >= slotTerm.length) {
        slotTerm = grown(slotTerm, slot + 1);
        slotWord = grown(slotWord, slot + 1);
        slotMayStartPhrase = grown(slotMayStartPhrase, slot + 1);
      }
      slotTerm[slot] = term ? termNumber(term) : -1;
      slotWord[slot] = word ? wordNumber(word) : -1;
      // A vocabulary word (lower-case letters only) has the term of any written form of it: kept for `countWord`.
      if (word) wordList[slotWord[slot]!]!.term ??= termList[slotTerm[slot]!]!.term;
      slotMayStartPhrase[slot] = mayStartPhrase(written) ? 1 : 0;
    }
    return slot;
  };

  // The scan asks whether a phrase may start at a word just before visiting it (when none does): the slot found for
  // the question is kept for the visit.
  let askedAt = -1;
  let askedSlot = -1;
  const phraseMayStart = (text: string, start: number, end: number) => {
    askedAt = start;
    askedSlot = slotOf(text, start, end);
    return slotMayStartPhrase[askedSlot] === 1;
  };

  const visitWord = (text: string, start: number, end: number) => {
    const slot = askedAt === start ? askedSlot : slotOf(text, start, end);
    const t = slotTerm[slot]!;
    if (t < 0) return;
    countTerm(t);
    // The vocabulary takes the body's words here and all of the title's words in `collect`, once per use.
    if (field === 1 && slotWord[slot]! >= 0) countVocabulary(slotWord[slot]!);
  };

  const collect = (article: IndexedArticle) => {
    stamp++;
    found.length = 0;
    used.length = 0;
    distinct[0] = distinct[1] = distinct[2] = 0;
    field = 0;
    askedAt = -1;
    scanSpans(article.title, visitWord, visitPhrase, phraseMayStart);
    field = 1;
    askedAt = -1;
    scanSpans(article.body, visitWord, visitPhrase, phraseMayStart, article.bodyWords);
    field = 2;
    for (const j of article.jurisdictions) for (const t of tagTerms(j, jurisdictionTerms)) countTerm(t);
    for (const topic of article.topics) for (const t of tagTerms(topic, topicTerms)) countTerm(t);
    for (const w of article.title.split(/[^\p{L}]+/u)) {
      const word = vocabularyWord(w);
      if (word) countVocabulary(wordNumber(word));
    }
  };

  const insert = (article: IndexedArticle) => {
    const doc = ids.length;
    ensureCapacity(doc + 1);
    ids.push(article.id);
    metas.push({ publishedAt: article.publishedAt, jurisdictions: article.jurisdictions, relevant: article.relevant });
    byId.set(article.id, doc);
    alive[doc] = 1;
    live++;
    collect(article);
    // A field's length is its number of distinct terms, as MiniSearch counts it (the rankings were tuned on it).
    for (let f = 0; f < 3; f++) {
      lengths[doc * 3 + f] = distinct[f]!;
      totals[f] = totals[f]! + distinct[f]!;
    }
    for (let i = 0; i < found.length; i++) {
      const t = found.items[i]!;
      if (termDf[t] === 0) termTree?.set(termList[t]!.term, true);
      termDf[t]!++;
      for (let f = 0; f < 3; f++) {
        const tf = termTf[3 * t + f]!;
        if (tf > 0) batch.add(3 * t + f, doc, tf);
      }
    }
    for (let i = 0; i < used.length; i++) countWord(used.items[i]!, wordTf[used.items[i]!]!);
  };

  /** Takes a document out of the live set (its postings stay until the next save); false when not indexed. */
  const drop = (id: string): boolean => {
    const doc = byId.get(id);
    if (doc === undefined) return false;
    byId.delete(id);
    ids[doc] = null;
    metas[doc] = null;
    alive[doc] = 0;
    live--;
    for (let f = 0; f < 3; f++) totals[f] = totals[f]! - lengths[doc * 3 + f]!;
    return true;
  };

  const discard = (article: IndexedArticle) => {
    if (!drop(article.id)) return;
    collect(article);
    for (let i = 0; i < found.length; i++) {
      const t = found.items[i]!;
      const entry = termList[t]!;
      for (let f = 0; f < 3; f++) {
        const list = entry.lists[f];
        if (termTf[3 * t + f]! > 0 && list) list.live = Math.max(0, list.live - 1);
      }
      termDf[t] = Math.max(0, termDf[t]! - 1);
      if (termDf[t] === 0) termTree?.delete(entry.term);
    }
    for (let i = 0; i < used.length; i++) countWord(used.items[i]!, -wordTf[used.items[i]!]!);
  };

  const completions = (prefix: string): Array<[string, number]> => {
    if (!termTree) {
      termTree = new SearchableMap<true>();
      for (const [term, entry] of terms) if (termDf[entry.n]! > 0) termTree.set(term, true);
    }
    const found: Array<[string, number]> = [];
    for (const term of termTree.atPrefix(prefix).keys()) if (term !== prefix) found.push([term, dfOf(term)]);
    return found.sort((a, b) => b[1] - a[1]).slice(0, MAX_COMPLETIONS);
  };

  /** The length normalisation of BM25 for one field: {@link termPart}'s `base` and `perLength`, from the field's average. */
  const norm = (field: number) => {
    const average = totals[field]! / live || 1;
    return [K1 * (1 - B), (K1 * B) / average] as const;
  };

  /** Walks a unit's postings, adding to every article in them. */
  const addAll = (unit: Unit, touched: NumberList) => {
    const [base, perLength] = norm(unit.field);
    const { weight, mask, field } = unit;
    const { docs, tfs, length } = unit.list;
    // The hottest loop of a search (a common word's postings at 100k articles run to 200k): the arrays in locals,
    // and no check for removed articles while there are none.
    const [scored, found, fieldLengths, present] = [scores, masks, lengths, alive];
    const anyRemoved = live !== ids.length;
    for (let i = 0; i < length; i++) {
      const doc = docs[i]!;
      if (anyRemoved && present[doc] === 0) continue;
      const before = found[doc]!;
      if (before === 0) touched.push(doc);
      scored[doc] = scored[doc]! + weight * termPart(tfs[i]!, fieldLengths[doc * 3 + field]!, base, perLength);
      found[doc] = before | mask;
    }
  };

  /** Adds a unit only to articles already found: each looked up in the postings (sorted by article number), or
   * the postings walked when that is cheaper. */
  const addToFound = (unit: Unit, touched: NumberList) => {
    const [base, perLength] = norm(unit.field);
    const { weight, mask, field } = unit;
    const { docs, tfs, length } = unit.list;
    const add = (i: number, doc: number) => {
      scores[doc] = scores[doc]! + weight * termPart(tfs[i]!, lengths[doc * 3 + field]!, base, perLength);
      masks[doc] = masks[doc]! | mask;
    };
    if (touched.length * Math.log2(length + 1) < length) {
      for (let t = 0; t < touched.length; t++) {
        const doc = touched.items[t]!;
        let lo = 0;
        let hi = length - 1;
        while (lo <= hi) {
          const mid = (lo + hi) >>> 1;
          const at = docs[mid]!;
          if (at === doc) {
            add(mid, doc);
            break;
          }
          if (at < doc) lo = mid + 1;
          else hi = mid - 1;
        }
      }
    } else {
      for (let i = 0; i < length; i++) {
        const doc = docs[i]!;
        if (masks[doc] !== 0) add(i, doc);
      }
    }
  };

  /** Whether `filter` accepts the article, asked at most once per search. */
  const accepted = (doc: number, filter: (meta: IndexedMeta) => boolean) => {
    if (passes[doc] === 0) passes[doc] = filter(metas[doc]!) ? 1 : 2;
    return passes[doc] === 1;
  };

  /** The `k`-th best final score among the found articles the filter accepts (0 when fewer): what the rest must beat. */
  const kthBest = (touched: NumberList, k: number, filter?: (meta: IndexedMeta) => boolean) => {
    const best: number[] = [];
    const none: number[] = [];
    for (let t = 0; t < touched.length; t++) {
      const doc = touched.items[t]!;
      const final = scores[doc]! * popcount(masks[doc]!);
      if (best.length >= k && final <= best[0]!) continue; // ties cannot change the k-th best score
      if (filter && !accepted(doc, filter)) continue;
      if (best.length < k) heapPush(none, best, doc, final);
      else heapReplaceTop(none, best, doc, final);
    }
    return best.length < k ? 0 : best[0]!;
  };

  /** Scores the units into `touched` (rarest first, pruning once the rest cannot matter) and keeps the best `limit`. */
  const rankFound = (units: readonly Unit[], touched: NumberList, asked: readonly QueryTerm[], filter: ((meta: IndexedMeta) => boolean) | undefined, limit: number): IndexHit[] => {
    let rest = units.reduce((sum, u) => sum + u.bound, 0);
    let lookupOnly = false;
    for (let u = 0; u < units.length; u++) {
      const unit = units[u]!;
      rest -= unit.bound;
      if (lookupOnly) addToFound(unit, touched);
      else addAll(unit, touched);
      if (!lookupOnly && u + 1 < units.length && touched.length >= limit && touched.length <= PRUNE_CHECK_MAX) {
        const bits = new Set(units.slice(u + 1).map((x) => x.mask)).size;
        lookupOnly = kthBest(touched, limit, filter) > rest * bits;
      }
    }
    // Keep the best `limit` in a min-heap; the filter runs only for articles good enough to enter it.
    const heapDocs: number[] = [];
    const heapScores: number[] = [];
    for (let t = 0; t < touched.length; t++) {
      const doc = touched.items[t]!;
      const final = scores[doc]! * popcount(masks[doc]!);
      if (heapDocs.length >= limit && !below(heapScores[0]!, heapDocs[0]!, final, doc)) continue;
      if (filter && !accepted(doc, filter)) continue;
      if (heapDocs.length < limit) heapPush(heapDocs, heapScores, doc, final);
      else heapReplaceTop(heapDocs, heapScores, doc, final);
    }
    // Best first; equal scores in the order the articles were indexed, so ties come out the same every time.
    const order = heapDocs.map((doc, i) => [doc, heapScores[i]!] as const).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    const hits = order.map(([doc, score]) => {
      const mask = masks[doc]!;
      const matched = asked.filter((_, bit) => mask & (1 << bit)).map((q) => q.term);
      return { id: ids[doc]!, score, matched: [...new Set(matched)], meta: metas[doc]! };
    });
    return hits;
  };

  const index: ArticleIndex = {
    add(articles) {
      try {
        for (const article of articles) {
          // Re-adding an indexed id without removing its old version first: the old postings are dropped, but its
          // counts cannot be taken back without its old text (the core always removes the old version first).
          drop(article.id);
          insert(article);
          if (batch.size >= MAX_BATCH_POSTINGS) flushBatch();
        }
      } finally {
        flushBatch();
      }
    },
    remove(articles) {
      for (const article of articles) discard(article);
    },
    search(query, filter, limit = 100) {
      if (query.length === 0 || live === 0) return [];
      if (scores.length < ids.length) {
        scores = new Float64Array(alive.length);
        masks = new Uint32Array(alive.length);
        passes = new Uint8Array(alive.length);
      }
      const asked = query.slice(0, MAX_QUERY_TERMS);
      // One unit per (term, field): its postings, weight and the most it can add to any article's score.
      const units: Unit[] = [];
      asked.forEach((q, bit) => {
        const expansions: Array<[string, number]> = [[q.term, 1]];
        if (q.prefix) for (const [term] of completions(q.term)) expansions.push([term, (PREFIX_WEIGHT * term.length) / (term.length + 0.3 * (term.length - q.term.length))]);
        for (const [term, factor] of expansions) {
          const entry = terms.get(term);
          if (!entry || termDf[entry.n] === 0) continue;
          for (let f = 0; f < 3; f++) {
            const list = entry.lists[f];
            if (!list || list.live === 0) continue;
            const idf = Math.log(1 + (live - list.live + 0.5) / (list.live + 0.5));
            const weight = q.weight * factor * BOOST[f]! * idf;
            units.push({ list, field: f, weight, mask: 1 << bit, bound: weight * (D + K1 + 1) });
          }
        }
      });
      // Rare terms first. Once the best `limit` articles so far score more than an article the remaining (common)
      // terms alone could reach, those terms only add to articles already found: they are looked up, not walked.
      units.sort((a, b) => b.bound - a.bound);
      // The articles found, in a typed list kept from search to search (a filter that searches gets its own).
      const touched = touchedFree ?? new NumberList();
      touchedFree = undefined;
      touched.length = 0;
      try {
        return rankFound(units, touched, asked, filter, limit);
      } finally {
        // Always, even when the filter throws: a document left marked would never be counted as found again.
        for (let t = 0; t < touched.length; t++) {
          const doc = touched.items[t]!;
          scores[doc] = 0;
          masks[doc] = 0;
          passes[doc] = 0;
        }
        touchedFree = touched;
      }
    },
    newest(limit, filter) {
      if (limit < 1) return [];
      // One pass over the documents in memory: cheaper than the database's JSON filter over every row.
      const best: number[] = [];
      const newer = (a: number, b: number) => {
        const da = metas[a]!.publishedAt ?? "";
        const db = metas[b]!.publishedAt ?? "";
        return da === db ? a > b : da > db;
      };
      for (let doc = ids.length - 1; doc >= 0; doc--) {
        if (alive[doc] === 0) continue;
        if (best.length === limit && !newer(doc, best[limit - 1]!)) continue;
        if (filter && !filter(metas[doc]!)) continue;
        let i = Math.min(best.length, limit - 1);
        best[i] = doc;
        for (; i > 0 && newer(doc, best[i - 1]!); i--) [best[i], best[i - 1]] = [best[i - 1]!, doc];
      }
      return best.map((doc) => ids[doc]!);
    },
    documentFrequency: dfOf,
    idf(term) {
      const n = Math.max(live, 1);
      return Math.log(1 + n / (dfOf(term) + 0.5));
    },
    get vocabulary() {
      if (!wordTree) {
        wordTree = new SearchableMap<WordCount>();
        for (const entry of wordList) if (entry.count > 0) wordTree.set(entry.word, entry);
      }
      return wordTree;
    },
    jargon: () => jargon,
    get size() {
      return live;
    },
    toBytes() {
      // Removed articles are dropped here: the saved index numbers the live ones 0…n-1.
      const renumber = new Int32Array(ids.length).fill(-1);
      const liveIds: string[] = [];
      const liveMetas: IndexedMeta[] = [];
      const liveLengths = new Uint32Array(live * 3);
      ids.forEach((id, doc) => {
        if (id === null || alive[doc] === 0) return;
        const n = liveIds.length;
        renumber[doc] = n;
        liveIds.push(id);
        liveMetas.push(metas[doc]!);
        liveLengths.set(lengths.subarray(doc * 3, doc * 3 + 3), n * 3);
      });
      const liveTerms = [...terms].filter(([, entry]) => termDf[entry.n]! > 0);
      const liveWords = wordList.filter((w) => w.count > 0);
      return encodeIndex({
        format: INDEX_FORMAT,
        ids: liveIds,
        metas: liveMetas,
        lengths: liveLengths,
        totals: [...totals],
        terms: liveTerms.map(([term]) => term),
        df: liveTerms.map(([, entry]) => termDf[entry.n]!),
        lists: liveTerms.map(([, entry]) => entry.lists),
        renumber,
        vocabulary: liveWords.map((w) => w.word),
        vocabularyCounts: liveWords.map((w) => w.count),
        jargon: [...jargon],
      });
    },
  };
  return index;
}

/**
 * BM25+'s term part for one posting, as MiniSearch computes it: `tf` occurrences in a field of `length` distinct
 * terms, with `base` = k1·(1−b) and `perLength` = k1·b / the field's average length. Always below D + k1 + 1.
 */
function termPart(tf: number, length: number, base: number, perLength: number): number {
  return D + (tf * (K1 + 1)) / (tf + base + perLength * length);
}

function popcount(n: number): number {
  n = n - ((n >>> 1) & 0x55555555);
  n = (n & 0x33333333) + ((n >>> 2) & 0x33333333);
  return (((n + (n >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Whether hit (score a, article da) ranks below hit (b, db): a lower score, or the same score and a later article. */
function below(a: number, da: number, b: number, db: number): boolean {
  return a < b || (a === b && da > db);
}

function heapPush(docs: number[], scores: number[], doc: number, score: number): void {
  let i = docs.length;
  docs.push(doc);
  scores.push(score);
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!below(score, doc, scores[parent]!, docs[parent]!)) break;
    docs[i] = docs[parent]!;
    scores[i] = scores[parent]!;
    i = parent;
  }
  docs[i] = doc;
  scores[i] = score;
}

function heapReplaceTop(docs: number[], scores: number[], doc: number, score: number): void {
  const n = docs.length;
  let i = 0;
  for (;;) {
    const left = 2 * i + 1;
    if (left >= n) break;
    const right = left + 1;
    const child = right < n && below(scores[right]!, docs[right]!, scores[left]!, docs[left]!) ? right : left;
    if (!below(scores[child]!, docs[child]!, score, doc)) break;
    docs[i] = docs[child]!;
    scores[i] = scores[child]!;
    i = child;
  }
  docs[i] = doc;
  scores[i] = score;
}
