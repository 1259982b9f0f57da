import type { Article } from "../articles/article.js";
import type { ArticleIndex, IndexedMeta, IndexHit } from "./article-index.js";
import { isNewsOnly, parseQuestion, type ParsedQuestion } from "./query.js";
import { isEnglishWord } from "./english.js";
import { domainTerms, RELATED } from "./vocabulary.js";
import { analyze } from "./analyzer.js";
import { chooseSnippet, type Snippet, type SnippetQuery } from "./snippets.js";

/** The part of an article a citation shows. */
export interface ArticleSummary {
  readonly id: string;
  readonly title: string;
  readonly url: string | null;
  readonly source: string | null;
  readonly publishedAt: string | null;
  readonly jurisdictions: readonly string[];
  readonly topics: readonly string[];
}

/** One numbered citation: an article and the verbatim snippet from it that answers the question. */
export interface Citation {
  /** 1-based number, shown as [n]. */
  readonly n: number;
  readonly article: ArticleSummary;
  readonly snippet: Snippet;
}

/**
 * The core's answer, free of any markup: adapters render it for their platform. With no citations, `notice`
 * says plainly that no stored article answers the question, and `suggestions` say what to try instead.
 */
export interface Answer {
  readonly query: string;
  readonly citations: readonly Citation[];
  /** Shown before the citations (e.g. a spelling note), or instead of them. */
  readonly notice: string | null;
  readonly suggestions: readonly string[];
  /** The closing line under citations: the newest source's date and that this is news, not legal advice. */
  readonly footer: string | null;
}

/** What answering needs. */
export interface AnswerDeps {
  readonly index: ArticleIndex;
  readonly getArticle: (id: string) => Article | undefined;
  /** Canonical names of the jurisdictions that have articles. */
  readonly coveredJurisdictions: () => ReadonlySet<string>;
  readonly now: () => Date;
}

/** Options of {@link answerQuestion}. */
export interface AnswerOptions {
  /** Most citations in one answer. Default 3. */
  readonly maxCitations?: number;
}

/** The least share of a question's weight an article must match to be cited. */
const MIN_COVERAGE = 0.45;
/** The same, when the question names a jurisdiction the store covers (and the search is limited to it). */
const MIN_COVERAGE_SCOPED = 0.2;
/** A story that is not regulation news (a price move, a hack) weighs this much of its score. */
const NOT_REGULATION = 0.6;
/** Citations after the first must score at least this share of the first's. */
const MIN_RELATIVE_SCORE = 0.35;

/** Answers a question from the index: understood, searched, ranked, cut to cited snippets. */
export function answerQuestion(deps: AnswerDeps, question: string, options: AnswerOptions = {}): Answer {
  const maxCitations = options.maxCitations ?? 3;
  const parsed = parseQuestion(question, deps.index, deps.now());
  const covered = deps.coveredJurisdictions();
  const named = parsed.jurisdictions.map((j) => j.name);
  const inScope = named.filter((n) => covered.has(n));
  const correctionNote = parsed.corrections.length
    ? `Read as: ${parsed.corrections.map(([from, to]) => `“${from}” → “${to}”`).join(", ")}.`
    : null;

  if (parsed.core.length === 0 && named.length === 0 && !parsed.wantsLatest && !parsed.from && !parsed.to) {
    return noAnswer(parsed, "That has no words to search for. Ask about crypto regulation news, e.g. “is crypto trading banned in China?”", covered);
  }
  if (named.length > 0 && inScope.length === 0) {
    return noAnswer(parsed, `No stored article covers ${listNames(named)}, so there is nothing to cite about it.`, covered);
  }
  const filter = (meta: IndexedMeta) =>
    (inScope.length === 0 || meta.jurisdictions.some((j) => inScope.includes(j))) &&
    (!parsed.from || (meta.publishedAt !== null && meta.publishedAt >= parsed.from)) &&
    (!parsed.to || (meta.publishedAt !== null && meta.publishedAt <= parsed.to));

  const snippetQuery = toSnippetQuery(parsed, deps.index);
  let picked: Article[];
  if (isNewsOnly(parsed)) {
    picked = deps.index
      .newest(maxCitations, (meta) => meta.relevant && filter(meta))
      .map((id) => deps.getArticle(id))
      .filter((a): a is Article => a !== undefined);
  } else {
    const ranked = searchDeepEnough(parsed, deps.index, filter, inScope.length > 0, maxCitations);
    picked = ranked.slice(0, maxCitations).map((h) => deps.getArticle(h.id)).filter((a): a is Article => a !== undefined);
  }
  if (picked.length === 0) {
    const window = parsed.from || parsed.to ? " in that period" : "";
    const where = inScope.length ? ` about ${listNames(inScope)}` : "";
    return noAnswer(parsed, `No stored article${where}${window} answers that.`, covered, correctionNote);
  }
  const citations = picked.map((article, i) => ({ n: i + 1, article: summarize(article), snippet: chooseSnippet(article.body, snippetQuery) }));
  const newest = citations.map((c) => c.article.publishedAt).filter((d): d is string => d !== null).sort().at(-1);
  return {
    query: parsed.text,
    citations,
    notice: correctionNote,
    suggestions: [],
    footer: `${newest ? `Newest source: ${formatDate(newest)}. ` : ""}This is news, not legal advice.`,
  };
}

/** Articles the index hands over at first; more only when those cannot settle the answer. */
const SEARCH_DEPTH = 100;
/** The most ranking multiplies an engine score by: coverage (0.5 + at most 1); a named year adds ×1.6. */
const MAX_COVERAGE_FACTOR = 1.5;
const YEAR_BOOST = 1.6;

/**
 * The index gives the best hits by its own score; ranking then multiplies by coverage, year and relevance, and a
 * "latest" question orders the strong ones by date. A hit past the first {@link SEARCH_DEPTH} scores at most the
 * last one's score times the largest multiplier, so a question that names a year or asks for the latest goes
 * deeper while such a hit could still be cited: it could beat the weakest citation, or be strong enough to list
 * by date. Other questions keep the first hits: coverage alone moves a score by at most ×1.6, and on a corpus
 * where a hit past a hundred others could gain that much, those hundred score about the same (measured: going
 * deeper for them cost 100k articles a p99 of 125 ms instead of 19).
 */
function searchDeepEnough(parsed: ParsedQuestion, index: ArticleIndex, filter: (meta: IndexedMeta) => boolean, scoped: boolean, maxCitations: number): Ranked[] {
  if (!parsed.wantsLatest && parsed.years.length === 0) return rank(parsed, index.search(parsed.terms, filter, SEARCH_DEPTH), index, scoped);
  const boost = MAX_COVERAGE_FACTOR * (parsed.years.length ? YEAR_BOOST : 1);
  for (let limit = SEARCH_DEPTH; ; limit *= 8) {
    const hits = index.search(parsed.terms, filter, limit);
    const ranked = rank(parsed, hits, index, scoped);
    if (hits.length < limit || ranked.length === 0) return ranked;
    const top = Math.max(...ranked.map((r) => r.final));
    const needed = !parsed.wantsLatest && ranked.length >= maxCitations ? ranked[maxCitations - 1]!.final : top * MIN_RELATIVE_SCORE;
    if (needed > hits.at(-1)!.score * boost) return ranked;
  }
}

interface Ranked extends IndexHit {
  readonly coverage: number;
  readonly final: number;
}

/**
 * Keeps hits that match enough of the question, ordered by relevance (or by date for "latest" questions).
 * Coverage is the share of the question's weight an article matches: rare words weigh more; words no article
 * contains still count (an ordinary English word more than a stray token), so a question about something
 * the store lacks ("how long should I boil an egg") does not cite an article for matching "long" alone.
 * A question that names a covered jurisdiction needs less: the user has told us where to look.
 */
function rank(parsed: ParsedQuestion, hits: readonly IndexHit[], index: ArticleIndex, scoped: boolean): Ranked[] {
  const maxIdf = index.idf("\u0000never-a-term");
  const weight = (t: string) => (index.documentFrequency(t) > 0 ? index.idf(t) : (/^[a-z]+$/.test(t) && isEnglishWord(t) ? 0.35 : 0.25) * maxIdf);
  const coreWeight = parsed.core.reduce((sum, t) => sum + weight(t), 0);
  const relatedOf = new Map<string, string>();
  for (const t of parsed.terms) if (t.weight < 1) for (const c of parsed.core) if ((RELATED[c] ?? []).includes(t.term)) relatedOf.set(t.term, relatedOf.get(t.term) ?? c);
  const minCoverage = scoped ? MIN_COVERAGE_SCOPED : MIN_COVERAGE;
  // Outside a named jurisdiction, an article must match at least one word of the field (a regulator, "stablecoin",
  // "Binance"), so "who won the final last year" does not cite an article for "final" and "year".
  const domain = domainTerms(analyze);
  const jargon = index.jargon();
  const prefixes = new Set(parsed.terms.filter((t) => t.prefix).map((t) => t.term));
  const startsSome = (p: string, set: ReadonlySet<string>) => [...set].some((d) => d.startsWith(p));
  const isDomain = (t: string) => domain.has(t) || jargon.has(t) || (prefixes.has(t) && (startsSome(t, domain) || startsSome(t, jargon)));
  // Decided once per question, not per hit: a prefix is checked against every jargon term, and there are many.
  const domainCore = new Set(parsed.core.filter(isDomain));
  const ranked: Ranked[] = [];
  for (const hit of hits) {
    const matched = new Set(hit.matched);
    let got = 0;
    for (const t of parsed.core) {
      if (matched.has(t)) got += weight(t);
      else if ([...matched].some((m) => relatedOf.get(m) === t)) got += 0.5 * weight(t);
    }
    const coverage = coreWeight > 0 ? got / coreWeight : 0;
    if (coverage < minCoverage) continue;
    if (!scoped && !parsed.core.some((t) => matched.has(t) && domainCore.has(t))) continue;
    const year = hit.meta.publishedAt?.slice(0, 4);
    const yearBoost = year && parsed.years.includes(year) ? YEAR_BOOST : 1;
    const relevance = hit.meta.relevant ? 1 : NOT_REGULATION;
    ranked.push({ ...hit, coverage, final: hit.score * yearBoost * relevance * (0.5 + coverage) });
  }
  ranked.sort((a, b) => b.final - a.final);
  const top = ranked[0]?.final ?? 0;
  const strong = ranked.filter((r) => r.final >= top * MIN_RELATIVE_SCORE);
  if (parsed.wantsLatest) strong.sort((a, b) => (b.meta.publishedAt ?? "").localeCompare(a.meta.publishedAt ?? ""));
  return strong;
}

const MONTH_TERMS = new Set(["januari", "februari", "march", "april", "mai", "june", "juli", "august", "septemb", "octob", "novemb", "decemb"]);

function toSnippetQuery(parsed: ParsedQuestion, index: ArticleIndex): SnippetQuery {
  const weights = new Map<string, number>();
  // Dates in a question pick the article ("in nov 2023"); within it they say little about which sentence answers.
  const dateWeight = (t: string) => (MONTH_TERMS.has(t) ? 0.3 : /^(19|20)\d{2}$/.test(t) ? 0.6 : 1);
  for (const t of parsed.terms) if (!t.prefix) weights.set(t.term, t.weight * Math.min(index.idf(t.term), 4) * dateWeight(t.term));
  return {
    weights,
    prefixes: parsed.terms.filter((t) => t.prefix).map((t) => t.term),
    intents: parsed.intents,
    years: parsed.years,
  };
}

function noAnswer(parsed: ParsedQuestion, notice: string, covered: ReadonlySet<string>, extra: string | null = null): Answer {
  const places = [...covered].filter((c) => c !== "International").slice(0, 8);
  return {
    query: parsed.text,
    citations: [],
    notice: extra ? `${notice} ${extra}` : notice,
    suggestions: [
      "Ask about a regulator, a law or a country, e.g. “what does MiCA require of stablecoin issuers?”",
      ...(places.length ? [`Stored articles cover: ${places.join(", ")}${covered.size > places.length ? " and more" : ""}.`] : []),
      "See the newest articles with /latest.",
    ],
    footer: null,
  };
}

/** The fields a citation or a list shows. */
export function summarize(article: Article): ArticleSummary {
  const { id, title, url, source, publishedAt, jurisdictions, topics } = article;
  return { id, title, url, source, publishedAt, jurisdictions, topics };
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `2021-09-24` → `24 Sep 2021`. */
export function formatDate(ymd: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  const month = m ? MONTHS[Number(m[2]) - 1] : undefined;
  return m && month ? `${Number(m[3])} ${month} ${m[1]}` : ymd;
}

function listNames(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} or ${names.at(-1)}`;
}
