import { type PhraseMatch, phraseKey, wholeWordMatcher } from "./word-pattern.js";

/** Topics the bot tags articles with, each with the words that point to it (matched on whole words). */
export const TOPICS: Readonly<Record<string, readonly string[]>> = {
  stablecoins: ["stablecoin", "stablecoins", "stable coin", "e-money token", "e-money tokens", "emt", "asset-referenced token", "usdt", "usdc", "tether", "genius act"],
  exchanges: ["exchange", "exchanges", "trading platform", "trading platforms", "binance", "coinbase", "ftx", "kraken", "coincheck", "vasp", "vasps", "casp", "casps"],
  licensing: ["licence", "licences", "license", "licenses", "licensing", "licensed", "registration", "register", "registered", "authorisation", "authorization", "bitlicense", "permit"],
  tax: ["tax", "taxes", "taxation", "taxed", "taxable", "tds", "capital gains", "irs", "hmrc", "levy"],
  aml: ["anti-money laundering", "money laundering", "aml", "kyc", "know your customer", "counter-terrorist financing", "cft", "fincen"],
  "travel-rule": ["travel rule", "transfer of funds", "recommendation 16", "recommendation 15", "originator and beneficiary"],
  mining: ["mining", "miners", "miner", "hashrate", "hash rate", "proof of work", "proof-of-work"],
  etf: ["etf", "etfs", "exchange-traded fund", "exchange-traded funds", "exchange traded fund", "spot bitcoin fund"],
  cbdc: ["cbdc", "cbdcs", "central bank digital currency", "digital yuan", "e-cny", "digital euro", "digital rupee", "e-naira", "digital pound"],
  enforcement: ["enforcement", "lawsuit", "sued", "charged", "charges", "settlement", "settled", "penalty", "fine", "fined", "indictment", "prosecutors", "guilty", "convicted", "sentenced", "crackdown"],
  sanctions: ["sanction", "sanctions", "sanctioned", "ofac", "sdn list", "blacklist"],
  fraud: ["fraud", "fraudulent", "scam", "scams", "scammers", "ponzi", "deceptive", "embezzlement", "misappropriated"],
  "trading-ban": ["ban", "banned", "bans", "banning", "prohibit", "prohibited", "prohibition", "illegal", "outlawed", "forbidden", "barred", "barring"],
  securities: ["security", "securities", "howey", "investment contract", "securities law"],
  "legal-tender": ["legal tender"],
  "consumer-protection": ["consumer protection", "investor protection", "retail investors", "retail consumers", "user protection", "cooling-off"],
  ico: ["ico", "icos", "initial coin offering", "initial coin offerings", "token sale", "token sales"],
  advertising: ["advertising", "advertisement", "advertisements", "ads", "promotion", "promotions", "financial promotion", "financial promotions", "marketing", "influencers"],
  custody: ["custody", "custodian", "custodians", "safekeeping"],
  defi: ["defi", "decentralized finance", "decentralised finance", "mixer", "smart contract", "smart contracts"],
  banking: ["bank", "banks", "banking", "bank accounts", "real-name", "basel"],
};

/** Every topic word's key, and the topic it belongs to (the first topic to list a word keeps it). */
const topicOf = new Map<string, string>();
for (const [topic, words] of Object.entries(TOPICS)) for (const w of words) if (!topicOf.has(phraseKey(w))) topicOf.set(phraseKey(w), topic);

/** The topic words as one list of phrases, for a {@link wholeWordMatcher} (alone, or with other lists in one pass). */
export const TOPIC_PHRASES: readonly string[] = [...topicOf.keys()];
const matcher = wholeWordMatcher(TOPIC_PHRASES);

/** Counts, per topic, how often its words occur in `text`. */
export function countTopics(text: string): Map<string, number> {
  return countTopicMatches(matcher.matchAll(text));
}

/** Counts, per topic, the matches of {@link TOPIC_PHRASES} in a text. */
export function countTopicMatches(matches: readonly PhraseMatch[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of matches) {
    const topic = topicOf.get(m.key);
    if (topic) counts.set(topic, (counts.get(topic) ?? 0) + 1);
  }
  return counts;
}
