import type { Article } from "../articles/article.js";
import { findJurisdictions } from "../articles/jurisdictions.js";
import { analyze, tokenize } from "../search/analyzer.js";

/** What a subscription asks for, understood the way the core understands questions. */
export interface SubscriptionFilter {
  /** Canonical jurisdiction names; an article must be about one of them (none: any). */
  readonly jurisdictions: readonly string[];
  /** Search terms (analysed like questions: stemmed, folded); an article must contain every one. */
  readonly terms: readonly string[];
}

/** Longest subscription text, in characters. */
export const MAX_SUBSCRIPTION_LENGTH = 100;

/**
 * Reads a subscription ("EU stablecoins", "Hong Kong", "" for all regulation news): jurisdiction names become a
 * jurisdiction filter, the other words search terms. Never a regular expression: words only.
 */
export function parseSubscription(query: string): SubscriptionFilter {
  const text = query.trim();
  const mentions = findJurisdictions(text);
  const jurisdictions = [...new Set(mentions.map((m) => m.jurisdiction.name))];
  let rest = "";
  let at = 0;
  for (const m of mentions) {
    rest += `${text.slice(at, m.start)} `;
    at = m.end;
  }
  rest += text.slice(at);
  return { jurisdictions, terms: [...new Set(analyze(rest))] };
}

/** Whether a new article is one a subscription wants: regulation news, in its jurisdictions, with all its words. */
export function matchesSubscription(filter: SubscriptionFilter, article: Article, articleTerms: () => ReadonlySet<string>): boolean {
  if (!article.relevant) return false;
  if (filter.jurisdictions.length > 0 && !article.jurisdictions.some((j) => filter.jurisdictions.includes(j))) return false;
  if (filter.terms.length === 0) return true;
  const terms = articleTerms();
  return filter.terms.every((t) => terms.has(t));
}

/** The search terms of an article's title, body and topics, as a set (for matching many subscriptions at once). */
export function articleTermSet(article: Article): Set<string> {
  return new Set([...analyze(article.title), ...analyze(article.body), ...article.topics.flatMap((t) => analyze(t.replace(/-/g, " ")))]);
}

/**
 * What a subscription was understood as, in the user's own words: the jurisdictions it is about, and the words an
 * article must mention as the user wrote them ("licensing", not the stem "licens"). For confirmations and lists.
 */
export function describeSubscription(query: string): { about: string[]; mentioning: string[] } {
  const { jurisdictions, terms } = parseSubscription(query);
  const words = new Map<string, string>();
  for (const token of tokenize(query)) if (terms.includes(token.term) && !words.has(token.term)) words.set(token.term, token.surface);
  return { about: [...jurisdictions], mentioning: [...words.values()] };
}

const listed = (items: readonly string[], last: "or" | "and") => (items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} ${last} ${items.at(-1)}`);

/**
 * A subscription in words, as confirmations and lists say it: "about European Union mentioning stablecoins", or ""
 * when it takes all regulation news. Plain text holding what the user typed: adapters escape it for their format.
 */
export function subscriptionPhrase(query: string): string {
  const { about, mentioning } = describeSubscription(query);
  return [about.length ? `about ${listed(about, "or")}` : "", mentioning.length ? `mentioning ${listed(mentioning, "and")}` : ""].filter(Boolean).join(" ");
}
