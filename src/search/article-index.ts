import MiniSearch from "minisearch";
import type { Article } from "../articles/article.js";
import { jurisdictionByName } from "../articles/jurisdictions.js";
import { analyze, fold, termOf, tokenize } from "./analyzer.js";
import { isEnglishWord } from "./english.js";

/** Fields kept beside each indexed article, so filters need no database round trip. */
export interface IndexedMeta {
  readonly publishedAt: string | null;
  readonly jurisdictions: readonly string[];
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
  remove(ids: readonly string[]): void;
  search(terms: readonly QueryTerm[], filter?: (meta: IndexedMeta) => boolean): IndexHit[];
  has(id: string): boolean;
  /** How many articles contain `term` (0 for an unknown term). */
  documentFrequency(term: string): number;
  /** Inverse document frequency of `term`: rare terms weigh more. */
  idf(term: string): number;
  /** Written words seen in articles, with how often (for spelling correction). */
  readonly vocabulary: ReadonlyMap<string, number>;
  /** Terms of the articles' words that are not English words: names and jargon ("binance", "mica", "xrp"). */
  jargon(): ReadonlySet<string>;
  readonly size: number;
  toJSON(): string;
}

const FIELDS = ["title", "body", "tags"] as const;

function miniSearchOptions() {
  return {
    fields: [...FIELDS],
    storeFields: ["publishedAt", "jurisdictions"],
    // Text is analysed by our analyzer; MiniSearch sees ready-made terms separated by spaces.
    tokenize: (text: string) => (text ? text.split(" ") : []),
    processTerm: (term: string) => term || null,
    searchOptions: {
      boost: { title: 2.2, tags: 1.2 },
      tokenize: (text: string) => (text ? text.split(" ") : []),
      processTerm: (term: string) => term || null,
    },
  };
}

interface Serialized {
  v: 1;
  ms: unknown;
  df: Array<[string, number]>;
  vocab: Array<[string, number]>;
}

/** Creates an empty index, or one restored from {@link ArticleIndex.toJSON} output. */
export function createArticleIndex(json?: string): ArticleIndex {
  let ms: MiniSearch;
  const df = new Map<string, number>();
  const vocab = new Map<string, number>();
  if (json) {
    const data = JSON.parse(json) as Serialized;
    ms = MiniSearch.loadJS(data.ms as Parameters<typeof MiniSearch.loadJS>[0], miniSearchOptions());
    for (const [k, v] of data.df) df.set(k, v);
    for (const [k, v] of data.vocab) vocab.set(k, v);
  } else {
    ms = new MiniSearch(miniSearchOptions());
  }

  let jargon: Set<string> | undefined;
  let jargonSize = -1;
  const index: ArticleIndex = {
    add(articles) {
      const docs = articles.map((article) => {
        if (ms.has(article.id)) ms.discard(article.id);
        const titleTerms = analyze(article.title);
        const bodyTokens = tokenize(article.body);
        const tags = [
          ...article.jurisdictions.map((j) => jurisdictionByName(j)?.token ?? fold(j)),
          ...article.topics.flatMap((t) => analyze(t.replace(/-/g, " "))),
        ];
        for (const term of new Set([...titleTerms, ...bodyTokens.map((t) => t.term), ...tags])) df.set(term, (df.get(term) ?? 0) + 1);
        for (const t of bodyTokens) {
          const word = fold(t.surface);
          if (/^[a-z]{3,}$/.test(word)) vocab.set(word, (vocab.get(word) ?? 0) + 1);
        }
        for (const w of article.title.split(/[^\p{L}]+/u)) {
          const word = fold(w);
          if (/^[a-z]{3,}$/.test(word)) vocab.set(word, (vocab.get(word) ?? 0) + 1);
        }
        return {
          id: article.id,
          title: titleTerms.join(" "),
          body: bodyTokens.map((t) => t.term).join(" "),
          tags: tags.join(" "),
          publishedAt: article.publishedAt,
          jurisdictions: article.jurisdictions,
        };
      });
      ms.addAll(docs);
    },
    remove(ids) {
      for (const id of ids) if (ms.has(id)) ms.discard(id);
    },
    has: (id) => ms.has(id),
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
        meta: { publishedAt: (r.publishedAt as string | null) ?? null, jurisdictions: (r.jurisdictions as string[]) ?? [] },
      }));
    },
    documentFrequency: (term) => df.get(term) ?? 0,
    idf(term) {
      const n = Math.max(ms.documentCount, 1);
      return Math.log(1 + n / ((df.get(term) ?? 0) + 0.5));
    },
    vocabulary: vocab,
    jargon() {
      if (!jargon || jargonSize !== vocab.size) {
        jargon = new Set();
        for (const word of vocab.keys()) {
          if (isEnglishWord(word)) continue;
          const term = termOf(word);
          if (term) jargon.add(term);
        }
        jargonSize = vocab.size;
      }
      return jargon;
    },
    get size() {
      return ms.documentCount;
    },
    toJSON() {
      const data: Serialized = { v: 1, ms: ms.toJSON(), df: [...df], vocab: [...vocab] };
      return JSON.stringify(data);
    },
  };
  return index;
}
