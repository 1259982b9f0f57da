import { findJurisdictions, type Jurisdiction } from "../articles/jurisdictions.js";
import { fold, tokenize } from "./analyzer.js";
import type { ArticleIndex, QueryTerm } from "./article-index.js";
import { isEnglishWord } from "./english.js";
import { correctSpelling, isKnownPrefix } from "./spelling.js";
import type { Intent } from "./snippets.js";
import { RELATED } from "./vocabulary.js";

/** What the bot understood from a question. */
export interface ParsedQuestion {
  readonly text: string;
  /** Weighted search terms (the question's own, then related ones at a lower weight). */
  readonly terms: readonly QueryTerm[];
  /** The question's own content terms (what coverage is measured against). */
  readonly core: readonly string[];
  /** Jurisdictions the question names (by place, demonym, city or regulator). */
  readonly jurisdictions: readonly Jurisdiction[];
  /** Published-date window, inclusive (`YYYY-MM-DD`). */
  readonly from: string | null;
  readonly to: string | null;
  /** Years named without "in/since/before": a soft preference. */
  readonly years: readonly string[];
  /** "latest", "recent", "any news": newest first. */
  readonly wantsLatest: boolean;
  /** What kinds of fact the question asks for; they guide the snippet. */
  readonly intents: ReadonlySet<Intent>;
  /** Misspelt words and what they were read as. */
  readonly corrections: ReadonlyArray<readonly [string, string]>;
}

/** Terms that say "something about crypto rules" and nothing more: a question made only of them asks for news. */
const GENERIC = new Set([
  "crypto", "regul", "rule", "news", "latest", "recent", "updat", "new", "happen", "go", "stuff", "thing", "situat", "stanc",
  "polici", "statu", "regim", "framework", "law", "countri", "govern", "market", "industri", "space", "sector", "scene", "lateli",
  "current", "todai", "week", "month", "year", "info", "inform", "approach", "view", "legal", "legisl", "develop", "look", "like",
  "whats", "hear", "heard", "anyth", "someth", "regard", "concern", "relat", "involv", "explain", "summar", "summari", "overview",
]);

const LATEST = /\b(latest|newest|most recent|recent(ly)?|lately|any news|anything new|what'?s new|news from|news (in|on|about)|updates?|this (week|month|year)|right now|currently|these days)\b/i;

/**
 * Reads a question: its search terms (spelling corrected, the last word completed as a prefix), the
 * jurisdictions and dates it names, whether it wants the newest news, and what kind of fact it asks for.
 */
export function parseQuestion(question: string, index: ArticleIndex, now: Date = new Date()): ParsedQuestion {
  const text = question.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, " ").replace(/\s+/g, " ").trim();
  const found = findJurisdictions(text);
  // A named place beats a regulator's acronym that several countries share ("Taiwan's FSC" is not Korea's).
  const mentions = found.some((m) => m.kind === "name") ? found.filter((m) => m.kind === "name") : found;
  const jurisdictions = [...new Map(mentions.map((m) => [m.jurisdiction.name, m.jurisdiction])).values()];
  const placeTokens = new Set(mentions.filter((m) => m.kind === "name").map((m) => m.jurisdiction.token));

  let from: string | null = null;
  let to: string | null = null;
  const years: string[] = [];
  const lower = text.toLowerCase();
  for (const m of lower.matchAll(/\b(in|during|since|after|from|before|until|prior to|by)?\s*((?:19|20)\d{2})\b/g)) {
    const [, word, year] = m as unknown as [string, string | undefined, string];
    if (word === "since" || word === "after" || word === "from") from = word === "after" ? `${Number(year) + 1}-01-01` : `${year}-01-01`;
    else if (word === "before" || word === "until" || word === "prior to" || word === "by") to = word === "by" ? `${year}-12-31` : `${Number(year) - 1}-12-31`;
    else years.push(year);
  }
  if (/\bthis year\b/.test(lower)) from = `${now.getUTCFullYear()}-01-01`;
  if (/\blast year\b/.test(lower)) years.push(String(now.getUTCFullYear() - 1));

  const wantsLatest = LATEST.test(lower);
  const intents = readIntents(lower);

  // "how long", "how much": the kind of fact asked for (read above), not words to search for.
  const tokens = tokenize(text.replace(/\bhow (long|much|many|quickly|soon|fast|big|large|often|far)\b/gi, (m) => " ".repeat(m.length)));
  const corrections: Array<[string, string]> = [];
  const core: string[] = [];
  const terms: QueryTerm[] = [];
  const seen = new Set<string>();
  const push = (term: string, weight: number, prefix = false) => {
    if (seen.has(term)) return;
    seen.add(term);
    terms.push({ term, weight, prefix });
  };
  tokens.forEach((token, i) => {
    if (placeTokens.has(token.term)) return;
    if (/^(19|20)\d{2}$/.test(token.term) && (from || to)) return;
    let term = token.term;
    let prefix = false;
    const word = fold(token.surface);
    const isLast = i === tokens.length - 1 && !/[\s?.!]$/.test(question);
    if (index.documentFrequency(term) === 0 && /^[a-z]+$/.test(word)) {
      if (isLast && isKnownPrefix(word, index.vocabulary)) {
        prefix = true;
      } else if (!isEnglishWord(word)) {
        const corrected = correctSpelling(word, index.vocabulary);
        if (corrected) {
          const fixed = tokenize(corrected)[0]?.term;
          if (fixed) {
            corrections.push([token.surface, corrected]);
            term = fixed;
          }
        }
      }
    }
    if (placeTokens.has(term)) return;
    if (!core.includes(term)) core.push(term);
    push(term, 1, prefix);
  });
  for (const term of [...core]) for (const related of RELATED[term] ?? []) push(related, 0.35);

  return { text, terms, core, jurisdictions, from, to, years, wantsLatest, intents, corrections };
}

const INTENTS: ReadonlyArray<readonly [Intent, RegExp]> = [
  // "when" asks for a date at the start of a question ("when did…", "so when will…"), not as a conjunction ("…when he pleaded").
  ["when", /(^|[,;:?!]\s*|\b(so|and|but|ok|okay)\s+)(when|wen)\b|\b(what date|which date|what day|what year|which year|since when|until when|from when|deadline|start date|take effect|come into force)\b/],
  ["duration", /\b(how long|how many (years|months|weeks|days)|how quickly|how fast|how soon|jail|prison|sentenc\w*|punish\w*|time frame|timeline|grace period|transition)\b/],
  ["share", /\b(how much of|what share|what percentage|what portion|what part|how many percent|percentage|per ?cent|ratio)\b/],
  ["amount", /\b(how much|how many|how big|how large|what amount|amount|size|rate|fine[ds]?|penalt\w*|punish\w*|cost|pay|paid|billion|million|cap|threshold|limit|max(imum)?|min(imum)?|capital)\b|\$/],
  ["who", /\b(who|which (regulator|agency|authority|body|watchdog|court|judge))\b/],
  ["event", /^(did|has|have|is|are|was|were|does|do)\b/],
];

function readIntents(lower: string): Set<Intent> {
  return new Set(INTENTS.filter(([, re]) => re.test(lower)).map(([intent]) => intent));
}

/** True when the question's own terms are all generic ("any news?", "crypto rules"): it asks for the newest news. */
export function isNewsOnly(parsed: ParsedQuestion): boolean {
  return parsed.core.every((t) => GENERIC.has(t) || /^(19|20)\d{2}$/.test(t));
}
