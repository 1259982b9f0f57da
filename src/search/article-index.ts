import { createHash } from "node:crypto";
import MiniSearch from "minisearch";
import type { Article } from "../articles/article.js";
import { JURISDICTIONS, jurisdictionByName } from "../articles/jurisdictions.js";
import { TOPICS } from "../articles/topics.js";
import { PHRASES, RELATED, WORDS } from "./vocabulary.js";
import { analyze, fold, termOf, tokenize } from "./analyzer.js";
import { isEnglishWord } from "./english.js";

/** Fields kept beside each indexed article, so filters need no database round trip. */
export interface IndexedMeta {
  readonly publishedAt: string | null;
  readonly jurisdictions: readonly string[];
  /** Regulation news: ranked ahead of other stories. */
  readonly relevant: boolean;
}

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

/** The full-text index over articles: MiniSearch plus the term statistics that ranking and spelling need. */
export interface ArticleIndex {
  add(articles: readonly Article[]): void;
  /** Takes articles (as they were indexed) out of the index and its statistics. */
  remove(articles: readonly Article[]): void;
  search(terms: readonly QueryTerm[], filter?: (meta: IndexedMeta) => boolean): IndexHit[];
  /** How many articles contain `term` (0 for an unknown term). */
  documentFrequency(term: string): number;
  /** Inverse document frequency of `term`: rare terms weigh more. */
  idf(term: string): number;
  /** Written words seen in articles, with how often (for spelling correction). */
  readonly vocabulary: ReadonlyMap<string, number>;
  /** Terms of the articles' words that are not English words: names and jargon ("binance", "mica", "xrp"). Never shrinks before a rebuild. */
  jargon(): ReadonlySet<string>;
  readonly size: number;
  toJSON(): string;
}

const FIELDS = ["title", "body", "tags"] as const;

/**
 * Identifies how indexes are built: the analyzer's tables and this version number (raise it when the analysis
 * code changes). A saved index of another format is rebuilt instead of being read.
 */
const ANALYZER_VERSION = 2;
const INDEX_FORMAT = createHash("sha256")
  .update(JSON.stringify({ v: ANALYZER_VERSION, PHRASES, WORDS, RELATED, JURISDICTIONS, TOPICS }))
  .digest("hex")
  .slice(0, 16);

function miniSearchOptions() {
  return {
    fields: [...FIELDS],
    storeFields: ["publishedAt", "jurisdictions", "relevant"],
    // Text is analysed by our analyzer; MiniSearch sees ready-made terms separated by spaces.
    tokenize: (text: string) => (text ? text.split(" ") : []),
    processTerm: (term: string) => term || null,
    searchOptions: { boost: { title: 2.2, tags: 1.2 } },
  };
}

interface Serialized {
  format: string;
  ms: unknown;
  df: Array<[string, number]>;
  vocab: Array<[string, number]>;
  jargon: string[];
}

/** What one article contributes to the index's statistics; taken again to take it out. */
function analyzeArticle(article: Article) {
  const titleTerms = analyze(article.title);
  const bodyTokens = tokenize(article.body);
  const tags = [
    ...article.jurisdictions.map((j) => jurisdictionByName(j)?.token ?? fold(j)),
    ...article.topics.flatMap((t) => analyze(t.replace(/-/g, " "))),
  ];
  const words = [...bodyTokens.map((t) => t.surface), ...article.title.split(/[^\p{L}]+/u)].map(fold).filter((w) => /^[a-z]{3,}$/.test(w));
  const terms = new Set([...titleTerms, ...bodyTokens.map((t) => t.term), ...tags]);
  return { titleTerms, bodyTerms: bodyTokens.map((t) => t.term), tags, words, terms };
}

function count(map: Map<string, number>, key: string, by: number): void {
  const n = (map.get(key) ?? 0) + by;
  if (n > 0) map.set(key, n);
  else map.delete(key);
}

/**
 * Creates an empty index, or one restored from {@link ArticleIndex.toJSON} output. A saved index written by
 * another version of the analyzer is refused (it throws), so the caller rebuilds it.
 */
export function createArticleIndex(json?: string): ArticleIndex {
  let ms: MiniSearch;
  const df = new Map<string, number>();
  const vocab = new Map<string, number>();
  const jargon = new Set<string>();
  if (json) {
    const data = JSON.parse(json) as Serialized;
    if (data.format !== INDEX_FORMAT) throw new Error(`the saved index has format ${String(data.format)}, this version writes ${INDEX_FORMAT}`);
    ms = MiniSearch.loadJS(data.ms as Parameters<typeof MiniSearch.loadJS>[0], miniSearchOptions());
    for (const [k, v] of data.df) df.set(k, v);
    for (const [k, v] of data.vocab) vocab.set(k, v);
    for (const t of data.jargon) jargon.add(t);
  } else {
    ms = new MiniSearch(miniSearchOptions());
  }

  const discard = (article: Article) => {
    if (!ms.has(article.id)) return;
    ms.discard(article.id);
    const { terms, words } = analyzeArticle(article);
    for (const term of terms) count(df, term, -1);
    for (const word of words) count(vocab, word, -1);
  };

  const index: ArticleIndex = {
    add(articles) {
      const docs = articles.map((article) => {
        if (ms.has(article.id)) ms.discard(article.id);
        const { titleTerms, bodyTerms, tags, words, terms } = analyzeArticle(article);
        for (const term of terms) count(df, term, 1);
        for (const word of words) {
          // A word the articles use that is not English is a name or jargon ("binance", "mica"): a word of the field.
          if (!vocab.has(word) && !isEnglishWord(word)) {
            const term = termOf(word);
            if (term) jargon.add(term);
          }
          count(vocab, word, 1);
        }
        return {
          id: article.id,
          title: titleTerms.join(" "),
          body: bodyTerms.join(" "),
          tags: tags.join(" "),
          publishedAt: article.publishedAt,
          jurisdictions: article.jurisdictions,
          relevant: article.relevant,
        };
      });
      ms.addAll(docs);
    },
    remove(articles) {
      for (const article of articles) discard(article);
    },
    search(terms, filter) {
      if (terms.length === 0) return [];
      const weights = new Map(terms.map((t) => [t.term, t.weight]));
      const prefixes = new Set(terms.filter((t) => t.prefix).map((t) => t.term));
      const results = ms.search(terms.map((t) => t.term).join(" "), {
        prefix: (term) => prefixes.has(term),
        boostTerm: (term) => weights.get(term) ?? 1,
        weights: { fuzzy: 0.5, prefix: 0.6 },
        filter: filter ? (r) => filter(r as unknown as IndexedMeta) : undefined,
      });
      return results.map((r) => ({
        id: String(r.id),
        score: r.score,
        matched: [...new Set(r.queryTerms)],
        meta: { publishedAt: (r.publishedAt as string | null) ?? null, jurisdictions: (r.jurisdictions as string[]) ?? [], relevant: r.relevant !== false },
      }));
    },
    documentFrequency: (term) => df.get(term) ?? 0,
    idf(term) {
      const n = Math.max(ms.documentCount, 1);
      return Math.log(1 + n / ((df.get(term) ?? 0) + 0.5));
    },
    vocabulary: vocab,
    jargon: () => jargon,
    get size() {
      return ms.documentCount;
    },
    toJSON() {
      const data: Serialized = { format: INDEX_FORMAT, ms: ms.toJSON(), df: [...df], vocab: [...vocab], jargon: [...jargon] };
      return JSON.stringify(data);
    },
  };
  return index;
}
