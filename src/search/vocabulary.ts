import { JURISDICTIONS } from "../articles/jurisdictions.js";
import { TOPICS } from "../articles/topics.js";

/**
 * The field's vocabulary: phrases and words that mean the same thing, folded into one search term so that a
 * question and an article match however each spells it ("BTC"/"bitcoin", "fine"/"penalty",
 * "Securities and Exchange Commission"/"SEC", "Britain"/"United Kingdom"). Terms are final: not stemmed again.
 */
export const PHRASES: ReadonlyArray<readonly [string, string | readonly string[]]> = [
  ["securities and exchange commission", "sec"],
  ["commodity futures trading commission", "cftc"],
  ["office of foreign assets control", "ofac"],
  ["financial crimes enforcement network", "fincen"],
  ["internal revenue service", "irs"],
  ["financial conduct authority", "fca"],
  ["monetary authority of singapore", "mas"],
  ["securities and futures commission", "sfc"],
  ["hong kong monetary authority", "hkma"],
  ["people's bank of china", "pboc"],
  ["peoples bank of china", "pboc"],
  ["financial services agency", "fsa"],
  ["financial action task force", "fatf"],
  ["international monetary fund", "imf"],
  ["virtual assets regulatory authority", "vara"],
  ["reserve bank of india", "rbi"],
  ["central bank of nigeria", "cbn"],
  ["markets in crypto-assets", "mica"],
  ["markets in crypto assets", "mica"],
  ["know your customer", "kyc"],
  ["know your client", "kyc"],
  ["know-your-customer", "kyc"],
  ["anti-money laundering", "aml"],
  ["anti money laundering", "aml"],
  ["money laundering", "aml"],
  ["money-laundering", "aml"],
  ["exchange-traded funds", "etf"],
  ["exchange-traded fund", "etf"],
  ["exchange traded funds", "etf"],
  ["exchange traded fund", "etf"],
  ["central bank digital currencies", "cbdc"],
  ["central bank digital currency", "cbdc"],
  ["digital yuan", ["cbdc", "yuan"]],
  ["e-cny", ["cbdc", "yuan"]],
  ["digital euro", ["cbdc", "euro"]],
  ["digital rupee", ["cbdc", "rupe"]],
  ["digital pound", ["cbdc", "pound"]],
  ["e-naira", ["cbdc", "naira"]],
  ["virtual asset service providers", "vasp"],
  ["virtual asset service provider", "vasp"],
  ["virtual-asset service providers", "vasp"],
  ["crypto-asset service providers", "vasp"],
  ["crypto-asset service provider", "vasp"],
  ["crypto asset service providers", "vasp"],
  ["crypto asset service provider", "vasp"],
  ["cryptoasset service providers", "vasp"],
  ["initial coin offerings", "ico"],
  ["initial coin offering", "ico"],
  ["travel rule", "travelrule"],
  ["transfer of funds", "travelrule"],
  ["legal tender", "legaltender"],
  ["stable coins", "stablecoin"],
  ["stable coin", "stablecoin"],
  ["e-money tokens", ["emt", "stablecoin"]],
  ["e-money token", ["emt", "stablecoin"]],
  ["electronic money tokens", ["emt", "stablecoin"]],
  ["asset-referenced tokens", ["art", "stablecoin"]],
  ["asset-referenced token", ["art", "stablecoin"]],
  ["decentralized finance", "defi"],
  ["decentralised finance", "defi"],
  ["changpeng zhao", "cz"],
  ["sam bankman-fried", "sbf"],
  ["bankman-fried", "sbf"],
  ["virtual currencies", "crypto"],
  ["virtual currency", "crypto"],
  ["digital currencies", "crypto"],
  ["digital currency", "crypto"],
  ["digital assets", "crypto"],
  ["digital asset", "crypto"],
  ["virtual assets", "crypto"],
  ["virtual asset", "crypto"],
  ["crypto-assets", "crypto"],
  ["crypto-asset", "crypto"],
  ["crypto assets", "crypto"],
  ["crypto asset", "crypto"],
  ["trading platforms", "exchang"],
  ["trading platform", "exchang"],
  ["green light", "approv"],
  ["dirty money", "aml"],
  ["cash out", "redeem"],
  ["cash-out", "redeem"],
  ["pay you back", "redeem"],
  ["pay back", "redeem"],
  ["paid back", "redeem"],
  ["keeps an eye on", "supervis"],
  ["keep an eye on", "supervis"],
  ["token sales", ["ico", "token", "sale"]],
  ["token sale", ["ico", "token", "sale"]],
  ["cold wallets", ["cold", "offlin"]],
  ["cold wallet", ["cold", "offlin"]],
  ["cold storage", ["cold", "offlin"]],
  ["proof of work", "mine"],
  ["proof-of-work", "mine"],
];

/**
 * A table looked up with words from articles and questions: without a prototype, so "constructor" is not a key of
 * it (it would find Object's own constructor).
 */
function wordTable<T>(entries: Record<string, T>): Readonly<Record<string, T>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}

/** Single words folded before stemming (spelling variants, abbreviations, synonyms). */
export const WORDS: Readonly<Record<string, string>> = wordTable({
  btc: "bitcoin", bitcoins: "bitcoin", xbt: "bitcoin",
  eth: "ether", ethereum: "ether", ethers: "ether",
  cryptocurrency: "crypto", cryptocurrencies: "crypto", cryptos: "crypto", cryptoasset: "crypto", cryptoassets: "crypto", coins: "crypto",
  fine: "penalti", fines: "penalti", fined: "penalti",
  jail: "prison", jailed: "prison", imprisoned: "prison", imprisonment: "prison", prisons: "prison", incarceration: "prison",
  ad: "promot", ads: "promot", advert: "promot", adverts: "promot", advertising: "promot", advertisement: "promot",
  advertisements: "promot", advertise: "promot", advertised: "promot", marketing: "promot",
  outlaw: "ban", outlawed: "ban", outlaws: "ban", prohibit: "ban", prohibited: "ban", prohibits: "ban", prohibition: "ban",
  prohibiting: "ban", forbid: "ban", forbids: "ban", forbidden: "ban", forbade: "ban", illegal: "ban", unlawful: "ban", bar: "ban", barred: "ban", barring: "ban",
  levy: "tax", levies: "tax", taxation: "tax", taxes: "tax", taxed: "tax",
  licence: "licens", licences: "licens", licenced: "licens", licensee: "licens", licensees: "licens",
  authorisation: "authoriz", authorization: "authoriz", authorised: "authoriz", authorized: "authoriz", authorise: "authoriz", authorize: "authoriz", authorisations: "authoriz", authorizations: "authoriz",
  miner: "mine", miners: "mine", mining: "mine",
  vasps: "vasp", casp: "vasp", casps: "vasp",
  icos: "ico", etfs: "etf", cbdcs: "cbdc", stablecoins: "stablecoin",
  zhao: "cz", heist: "hack", hacked: "hack", hackers: "hack", theft: "hack", stolen: "hack", stole: "hack",
  scam: "fraud", scams: "fraud", scammers: "fraud", fraudulent: "fraud", fraudsters: "fraud",
  trader: "trade", traders: "trade",
  legislation: "law", legislative: "law", statute: "law", laws: "law",
  blacklist: "sanction", blacklisted: "sanction", blacklisting: "sanction",
  watchdog: "regul", watchdogs: "regul", regulator: "regul", regulators: "regul",
  oversee: "supervis", oversees: "supervis", oversight: "supervis", overseen: "supervis",
  lender: "bank", lenders: "bank",
  max: "limit", maximum: "limit", ceiling: "limit", cap: "limit", caps: "limit", capped: "limit", limits: "limit", limited: "limit",
  redemption: "redeem", redemptions: "redeem", redeemed: "redeem", redeemable: "redeem", redeeming: "redeem",
  jan: "januari", feb: "februari", mar: "march", apr: "april", jun: "june", jul: "juli", aug: "august", sep: "septemb", sept: "septemb", oct: "octob", nov: "novemb", dec: "decemb",
  greenlit: "approv", okayed: "approv", approve: "approv", approved: "approv", approval: "approv", approvals: "approv",
});

/** Related terms a question is widened with (at a lower weight): near-synonyms that are not the same thing. */
export const RELATED: Readonly<Record<string, readonly string[]>> = wordTable({
  vasp: ["exchang", "licens"],
  exchang: ["vasp"],
  kyc: ["aml"],
  aml: ["kyc"],
  licens: ["regist", "authoriz"],
  regist: ["licens"],
  authoriz: ["licens"],
  penalti: ["settlement", "pai"],
  prison: ["sentenc"],
  sentenc: ["prison"],
  stablecoin: ["emt"],
  ban: ["crackdown", "restrict"],
  promot: ["promot"],
  hack: ["exploit"],
  etf: ["fund"],
  law: ["act", "bill"],
  tax: ["incom", "gain"],
  legaltender: ["currenc"],
  peg: ["stablecoin"],
  limit: ["exce"],
  punish: ["prison", "penalti", "sentenc"],
});

/** Jurisdiction names and demonyms → the jurisdiction's search token ("britain" → "uk"). */
export function jurisdictionAliases(): Map<string, string> {
  const map = new Map<string, string>();
  for (const j of JURISDICTIONS) for (const name of j.names) map.set(name, j.token);
  map.delete("the us");
  return map;
}

let domain: Set<string> | undefined;

/**
 * Terms that mark a question as being about crypto regulation: the field's folded terms, jurisdictions,
 * regulators and topic words. (Names and jargon from the stored articles count too; see `ArticleIndex.jargon`.)
 */
export function domainTerms(analyze: (text: string) => string[]): ReadonlySet<string> {
  if (domain) return domain;
  domain = new Set<string>();
  for (const [, terms] of PHRASES) for (const t of typeof terms === "string" ? [terms] : terms) domain.add(t);
  for (const t of Object.values(WORDS)) domain.add(t);
  for (const j of JURISDICTIONS) {
    domain.add(j.token);
    for (const r of j.regulators ?? []) for (const t of analyze(r)) domain.add(t);
  }
  for (const words of Object.values(TOPICS)) for (const w of words) for (const t of analyze(w)) domain.add(t);
  for (const generic of ["new", "rule", "law", "act", "bill", "year", "time", "long", "first", "people", "group", "state", "countri"]) domain.delete(generic);
  return domain;
}
