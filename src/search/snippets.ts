import { tokenize } from "./analyzer.js";

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
  readonly intent: "when" | "amount" | "duration" | null;
  readonly years: readonly string[];
}

/** Longest snippet, in characters. */
export const MAX_SNIPPET = 300;

const MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december";
const HAS_DATE = new RegExp(`\\b((${MONTHS})\\b|(19|20)\\d{2}\\b|\\d{1,2} (${MONTHS}))`, "i");
const HAS_AMOUNT = /([$€£¥]\s?\d|\d\s?(%|percent|per cent|billion|million|bn|m\b|yen|euros?|dollars?|pounds?|rupees?))/i;
const HAS_DURATION = /\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty[- ]\w+)\s+(years?|months?|weeks?|days?|hours?)\b/i;

let segmenter: Intl.Segmenter | undefined;

/** Splits plain text into sentences with their offsets. */
export function sentences(text: string): Array<{ text: string; start: number }> {
  segmenter ??= new Intl.Segmenter("en", { granularity: "sentence" });
  const out: Array<{ text: string; start: number }> = [];
  let offset = 0;
  for (const paragraph of text.split(/\n{2,}/)) {
    const start = text.indexOf(paragraph, offset);
    offset = start + paragraph.length;
    for (const s of segmenter.segment(paragraph)) {
      const trimmed = s.segment.trim();
      if (trimmed) out.push({ text: trimmed, start: start + s.index + s.segment.indexOf(trimmed) });
    }
  }
  return mergeAbbreviations(out);
}

/** "U.S. regulators…" must not split after "U.S.". */
function mergeAbbreviations(list: Array<{ text: string; start: number }>): Array<{ text: string; start: number }> {
  const out: Array<{ text: string; start: number }> = [];
  for (const s of list) {
    const prev = out[out.length - 1];
    if (prev && /\b(U\.S|U\.K|U\.A\.E|Mr|Ms|Dr|No|St|Inc|Co|Corp|vs|Jan|Feb|Aug|Sept?|Oct|Nov|Dec)\.$/.test(prev.text)) {
      prev.text = `${prev.text} ${s.text}`;
    } else out.push({ ...s });
  }
  return out;
}

function termMatches(term: string, query: SnippetQuery): number {
  const w = query.weights.get(term);
  if (w !== undefined) return w;
  return query.prefixes.some((p) => term.startsWith(p)) ? 1 : 0;
}

/** Scores a sentence: the weight of distinct question terms it holds, plus the kind of fact asked for. */
function scoreSentence(text: string, query: SnippetQuery): number {
  let score = 0;
  const seen = new Set<string>();
  for (const token of tokenize(text)) {
    if (seen.has(token.term)) continue;
    seen.add(token.term);
    score += termMatches(token.term, query);
  }
  if (score === 0) return 0;
  const intentBonus =
    (query.intent === "when" && HAS_DATE.test(text)) ||
    (query.intent === "amount" && HAS_AMOUNT.test(text)) ||
    (query.intent === "duration" && HAS_DURATION.test(text));
  if (intentBonus) score *= 1.6;
  if (query.years.some((y) => text.includes(y))) score *= 1.3;
  return score;
}

/**
 * Picks the one or two consecutive sentences of `body` that best answer the question, cut to
 * {@link MAX_SNIPPET} characters at a word boundary, with the matched words as highlight ranges.
 * Falls back to the article's opening when no sentence matches.
 */
export function chooseSnippet(body: string, query: SnippetQuery): Snippet {
  const list = sentences(body);
  if (list.length === 0) return { text: "", highlights: [] };
  const scores = list.map((s, i) => scoreSentence(s.text, query) + (i === 0 ? 0.05 : 0));
  let best = 0;
  for (let i = 1; i < list.length; i++) if (scores[i]! > scores[best]!) best = i;
  let text = list[best]!.text;
  // A short best sentence is joined by its neighbour when that neighbour adds to the answer and fits.
  const next = list[best + 1];
  const prev = list[best - 1];
  if (text.length < 200) {
    const nextScore = next ? scores[best + 1]! : -1;
    const prevScore = prev ? scores[best - 1]! : -1;
    if (next && nextScore >= prevScore && text.length + 1 + next.text.length <= MAX_SNIPPET && (nextScore > 0.05 || text.length < 90)) {
      text = `${text} ${next.text}`;
    } else if (prev && prevScore > 0.05 && prev.text.length + 1 + text.length <= MAX_SNIPPET) {
      text = `${prev.text} ${text}`;
    }
  }
  text = cut(text, MAX_SNIPPET);
  return { text, highlights: highlight(text, query) };
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
