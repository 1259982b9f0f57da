import { type PhraseMatch, phraseKey, wholeWordMatcher } from "./word-pattern.js";

/** Section and tag names that mark a story as regulation news (CoinDesk's "Policy" section, its "Regulations" tag…). */
const REGULATION_CATEGORY =
  /\b(polic(y|ies)|regulat\w*|law|laws|legal|legislation|compliance|enforcement|sanctions?|tax(es|ation)?|cbdcs?|government|courts?|lawsuits?|sec|cftc|mica|aml)\b/i;

/** Words of rule-making and enforcement: lawmakers, regulators, courts, bans, licences. */
const RULE_WORDS = [
  "regulation", "regulations", "regulator", "regulators", "regulatory", "regulate", "regulated", "regulating",
  "law", "laws", "lawmaker", "lawmakers", "legislation", "legislative", "legislators", "bill", "act", "statute",
  "ban", "bans", "banned", "banning", "prohibit", "prohibits", "prohibited", "prohibition", "illegal",
  "sec", "cftc", "fca", "esma", "eba", "finma", "mas", "sfc", "fsa", "rbi", "sebi", "pboc", "fincen", "ofac", "irs", "hmrc", "fatf", "imf", "fsb", "bis",
  "mica", "cbdc", "central bank", "digital euro", "travel rule",
  "licence", "licences", "license", "licenses", "licensing", "registration", "authorisation", "authorization",
  "sanction", "sanctions", "sanctioned", "enforcement", "lawsuit", "sued", "sues", "court", "judge", "ruling", "charged", "charges", "fined", "penalty", "prosecutors", "settlement",
  "tax", "taxes", "taxation", "compliance", "anti-money laundering", "aml", "kyc",
  "congress", "senate", "senators", "parliament", "ministry", "minister", "ministers", "treasury", "government", "policy", "policymakers", "framework", "rules", "consultation",
  "restrict", "restricts", "restricted", "restriction", "restrictions", "crackdown", "shut down", "approve", "approves", "approved", "approval",
  "require", "requires", "required", "requirement", "requirements", "mandate", "mandates", "mandatory", "comply", "permitted", "legal", "real-name",
  "authorities", "authority", "watchdog", "supervisor", "supervisory", "oversight", "commission", "state council", "guidelines",
];

/** Words of market moves: a price or liquidation story is not regulation news however much it mentions a bank. */
const MARKET_WORDS = [
  "price", "prices", "rally", "rallies", "surge", "surges", "slump", "slumps", "tanks", "plunge", "plunges", "soars", "jumps", "dips",
  "liquidation", "liquidations", "short squeeze", "futures", "trading volume", "bulls", "bears", "market cap", "all-time high",
];

const ruleKeys = new Set(RULE_WORDS.map(phraseKey));
const marketKeys = new Set(MARKET_WORDS.map(phraseKey));

/** Rule-making and market-move words as one list of phrases, for a {@link wholeWordMatcher} (alone or with others). */
export const RELEVANCE_PHRASES: readonly string[] = [...ruleKeys, ...marketKeys];
const matcher = wholeWordMatcher(RELEVANCE_PHRASES);

/** How much of the body is read: the start of a story says what it is about. */
export const RELEVANCE_BODY_CHARS = 4000;

/** How often rule-making words and market-move words occur in a text, and how many distinct rule words. */
export interface RelevanceSignals {
  readonly rules: number;
  readonly distinctRules: number;
  readonly market: number;
}

/** The signals of a text, from its matches of {@link RELEVANCE_PHRASES}. */
export function relevanceSignals(matches: readonly PhraseMatch[]): RelevanceSignals {
  let rules = 0;
  let market = 0;
  const distinct = new Set<string>();
  for (const m of matches) {
    const key = m.key;
    if (ruleKeys.has(key)) {
      rules++;
      distinct.add(key);
    } else if (marketKeys.has(key)) market++;
  }
  return { rules, distinctRules: distinct.size, market };
}

/**
 * Whether an article is regulation news. A source's own sections and tags decide when they name regulation
 * (CoinDesk's "Policy" section or "Regulations" tag); otherwise the text does: a title about rule-making or
 * enforcement, or a body that keeps returning to it, unless it is mostly about prices and liquidations.
 */
export function isRegulationNews(article: { title: string; body: string; categories?: readonly string[] | undefined }): boolean {
  if (categoriesNameRegulation(article.categories)) return true;
  return isRegulationText(
    relevanceSignals(matcher.matchAll(article.title)),
    relevanceSignals(matcher.matchAll(article.body.slice(0, RELEVANCE_BODY_CHARS))),
  );
}

/** Whether a source's own sections and tags name regulation: then the story is regulation news whatever its text. */
export function categoriesNameRegulation(categories: readonly string[] | undefined): boolean {
  return categories?.some((c) => REGULATION_CATEGORY.test(c)) ?? false;
}

/** The text's part of {@link isRegulationNews}, from the signals of the title and of the body's start. */
export function isRegulationText(title: RelevanceSignals, body: RelevanceSignals): boolean {
  if (title.market > 0 && title.rules === 0) return false;
  if (title.rules > 0 && title.market === 0) return true;
  return body.distinctRules >= 2 && body.rules >= 2 * body.market + 2;
}
