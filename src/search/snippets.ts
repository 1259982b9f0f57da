import { tokenize } from "./analyzer.js";

/** A kind of fact a question asks for. */
export type Intent = "when" | "amount" | "share" | "duration" | "who" | "event";

/** A snippet: verbatim text from an article, with the ranges of the words that matched the question. */
export interface Snippet {
  readonly text: string;
  /** `[start, end)` offsets into `text` of matched words. */
  readonly highlights: ReadonlyArray<readonly [number, number]>;
}

/** What the snippet chooser needs to know about the question. */
export interface SnippetQuery {
  /** Search terms with their weights (rarer, more specific terms weigh more). */
  readonly weights: ReadonlyMap<string, number>;
  /** Terms the user is still typing: a word matches when its term starts with one of them. */
  readonly prefixes: readonly string[];
  /** Kinds of fact the question asks for. */
  readonly intents: ReadonlySet<Intent>;
  readonly years: readonly string[];
}

/** Longest snippet, in characters. */
export const MAX_SNIPPET = 300;

const MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december";
const HAS_DATE = new RegExp(`\\b((${MONTHS})\\b|(19|20)\\d{2}\\b|\\d{1,2} (${MONTHS}))`, "i");
const HAS_AMOUNT = /([$€£¥]\s?\d|\d\s?(%|percent|per cent|billion|million|bn|m\b|yen|euros?|dollars?|pounds?|rupees?))/i;
const HAS_DURATION = /\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty[- ]\w+)\s+((business|working|calendar)\s+)?(years?|months?|weeks?|days?|hours?)\b/i;

const FULL_DATE = new RegExp(`\\b(\\d{1,2} (${MONTHS}) \\d{4}|(${MONTHS}) \\d{1,2},? \\d{4}|\\d{4}-\\d{2}-\\d{2})\\b`, "i");

let segmenter: Intl.Segmenter | undefined;

/** A sentence of a text: its words verbatim, where it stands, and which paragraph holds it. */
export interface Sentence {
  text: string;
  start: number;
  paragraph: number;
}

/** Splits plain text into sentences with their offsets; each sentence's text is `text.slice(start, start + length)`. */
export function sentences(text: string): Sentence[] {
  segmenter ??= new Intl.Segmenter("en", { granularity: "sentence" });
  const out: Sentence[] = [];
  let offset = 0;
  text.split(/\n\s*\n/).forEach((paragraph, p) => {
    const start = text.indexOf(paragraph, offset);
    offset = start + paragraph.length;
    for (const s of segmenter!.segment(paragraph)) {
      const trimmed = s.segment.trim();
      if (!trimmed) continue;
      const at = start + s.index + s.segment.indexOf(trimmed);
      const prev = out[out.length - 1];
      // "U.S. regulators…" must not split after "U.S.".
      if (prev && prev.paragraph === p && /\b(U\.S|U\.K|U\.A\.E|Mr|Ms|Dr|No|St|Inc|Co|Corp|vs|Jan|Feb|Aug|Sept?|Oct|Nov|Dec)\.$/.test(prev.text)) {
        prev.text = text.slice(prev.start, at + trimmed.length);
      } else out.push({ text: trimmed, start: at, paragraph: p });
    }
  });
  return out;
}

function termMatches(term: string, query: SnippetQuery): number {
  const w = query.weights.get(term);
  if (w !== undefined) return w;
  return query.prefixes.some((p) => term.startsWith(p)) ? 1 : 0;
}

interface Scored {
  readonly text: string;
  /** Where the sentence stands in the body, and in which paragraph. */
  readonly start: number;
  readonly end: number;
  readonly paragraph: number;
  readonly terms: ReadonlySet<string>;
  /** How much holding the kind of fact asked for raises the sentence (1: not at all). */
  readonly fact: number;
}

const HAS_BODY = /\b(Authority|Commission|Agency|Bank|Ministry|Committee|Court|Treasury|Department|Regulator|Council|Parliament|Office|Board|Service|Supervisor|Government)\b/;

/**
 * How much a sentence that holds the kind of fact asked for is preferred: a "when" question answered without
 * a date, or a "how much of" question without a share, is a poor answer however many words match.
 */
function factBoost(text: string, intent: Intent): number {
  switch (intent) {
    case "when":
      return FULL_DATE.test(text) ? 4 : HAS_DATE.test(text) ? 1.5 : 1;
    case "event":
      return FULL_DATE.test(text) ? 1.4 : 1;
    case "amount":
      return HAS_AMOUNT.test(text) ? 2.5 : /\d/.test(text) ? 1.3 : 1;
    case "share":
      return /\d\s?(%|percent|per cent)/i.test(text) ? 4 : 1;
    case "duration":
      return HAS_DURATION.test(text) ? 3 : 1;
    case "who":
      return HAS_BODY.test(text) ? 1.5 : 1;
  }
}

/** Scores a run of sentences: the weight of distinct question terms it holds, raised when it holds the fact asked for. */
function scoreWindow(window: readonly Scored[], query: SnippetQuery, local: (term: string) => number): number {
  const terms = new Set<string>();
  for (const s of window) for (const t of s.terms) terms.add(t);
  let score = 0;
  for (const t of terms) score += termMatches(t, query) * local(t);
  if (score === 0) return 0;
  score *= Math.max(...window.map((s) => s.fact));
  if (query.years.some((y) => window.some((s) => s.text.includes(y)))) score *= 1.3;
  // A pair must earn its length: it wins only when it holds clearly more than one sentence alone.
  return window.length > 1 ? score * 0.92 : score;
}

/**
 * Picks the one or two consecutive sentences of \`body\` that best answer the question (the words it asks
 * about, and the kind of fact: a date for "when", an amount for "how much"), cut to {@link MAX_SNIPPET}
 * characters at a word boundary, with the matched words as highlight ranges. Falls back to the opening.
 */
export function chooseSnippet(body: string, query: SnippetQuery): Snippet {
  const list: Scored[] = sentences(body).map((s) => ({
    text: s.text,
    start: s.start,
    end: s.start + s.text.length,
    paragraph: s.paragraph,
    terms: new Set(tokenize(s.text).map((t) => t.term)),
    fact: Math.max(1, ...[...query.intents].map((intent) => factBoost(s.text, intent))),
  }));
  if (list.length === 0) return { text: "", highlights: [] };
  // Within one article, a word in every sentence (what the article is about) tells sentences apart less
  // than a word in one sentence: weigh terms by how few sentences hold them.
  const sentenceFrequency = new Map<string, number>();
  for (const s of list) for (const t of s.terms) sentenceFrequency.set(t, (sentenceFrequency.get(t) ?? 0) + 1);
  const local = (t: string) => Math.log(1 + list.length / (sentenceFrequency.get(t) ?? 1));
  const scoreOf = (w: readonly Scored[]) => scoreWindow(w, query, local);
  let best: readonly Scored[] = [list[0]!];
  let bestScore = scoreOf(best) * 1.1 + 0.01;
  for (let i = 0; i < list.length; i++) {
    const single = [list[i]!];
    const one = scoreOf(single);
    if (one > bestScore) [best, bestScore] = [single, one];
    const next = list[i + 1];
    if (next && next.end - list[i]!.start <= MAX_SNIPPET) {
      const pair = [list[i]!, next];
      const two = scoreOf(pair);
      if (two > bestScore) [best, bestScore] = [pair, two];
    }
  }
  // A lone short sentence reads better with the one after it, when that fits.
  if (best.length === 1) {
    const i = list.indexOf(best[0]!);
    const next = list[i + 1];
    if (next && next.paragraph === best[0]!.paragraph && best[0]!.text.length < 90 && next.end - best[0]!.start <= MAX_SNIPPET) best = [best[0]!, next];
  }
  // Verbatim: the article's own text from the first sentence's start to the last one's end (a paragraph break
  // between two sentences stays in; renderers show it as a space).
  const text = fit(body.slice(best[0]!.start, best[best.length - 1]!.end), query);
  return { text, highlights: highlight(text, query) };
}

/**
 * Fits a too-long passage into {@link MAX_SNIPPET} characters around the words that matched: the opening when
 * it holds them, otherwise the stretch that holds the most, with an ellipsis at each cut end.
 */
function fit(text: string, query: SnippetQuery): string {
  if (text.length <= MAX_SNIPPET) return text;
  const ranges = highlight(text, query);
  const room = MAX_SNIPPET - 2;
  const within = (from: number) => ranges.filter(([a, b]) => a >= from && b <= from + room).length;
  let from = 0;
  let most = within(0);
  for (const [a] of ranges) {
    const start = Math.max(0, a - 40);
    const n = within(start);
    if (n > most) [from, most] = [start, n];
  }
  if (from === 0) return cut(text, MAX_SNIPPET);
  const space = text.indexOf(" ", from);
  const begin = space >= 0 && space < from + 30 ? space + 1 : from;
  return `…${cut(text.slice(begin), MAX_SNIPPET - 1)}`;
}

/** Cuts at a word boundary so the result, with its ellipsis, fits in `max` characters. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const room = text.slice(0, max - 1);
  const space = room.lastIndexOf(" ");
  return `${(space > max * 0.6 ? room.slice(0, space) : room).replace(/[\s,;:–—-]+$/u, "")}…`;
}

/** Ranges of the words in `text` whose terms the question asked for. */
export function highlight(text: string, query: SnippetQuery): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const token of tokenize(text)) {
    if (termMatches(token.term, query) < 0.5) continue;
    const last = ranges[ranges.length - 1];
    if (last && token.start < last[1]) continue;
    ranges.push([token.start, token.end]);
  }
  return ranges;
}
