// A deterministic synthetic corpus for benchmarks: articles of about 3 KB built from the bundled corpus's
// sentences and the field's vocabulary, titles that look real, dates over ten years, 20+ jurisdictions.
// Like real news it has a long tail: people, firms, tokens and court cases drawn with a Zipf-like law (a few
// recur in many articles, most in one or two), so the number of distinct terms grows with the corpus
// (Heaps' law: about 26k at 10k articles, about 119k at 100k), while the field's common words ("crypto",
// "regulators", "stablecoin") stay in most articles.
import fs from "node:fs";
import path from "node:path";
import type { ArticleDraft } from "../src/articles/article.js";
import { JURISDICTIONS } from "../src/articles/jurisdictions.js";
import { parseJsonArticles } from "../src/articles/parse-json.js";
import { parseMarkdown } from "../src/articles/parse-markdown.js";
import { parseScrapedText } from "../src/articles/parse-scraped-text.js";
import { sentences } from "../src/search/snippets.js";

/** A small, seeded PRNG (mulberry32): the same seed gives the same corpus on every machine. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rnd: () => number, list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;

/** Sentences of the bundled articles: the raw material. */
export function bundledSentences(root: string): string[] {
  const dir = path.join(root, "data", "articles");
  const out: string[] = [];
  for (const file of fs.readdirSync(dir)) {
    const text = fs.readFileSync(path.join(dir, file), "utf8");
    const drafts: ArticleDraft[] = [];
    if (file.endsWith(".json")) {
      const parsed = parseJsonArticles(text);
      if (!("error" in parsed)) for (const d of parsed) if (!("error" in d)) drafts.push(d);
    } else {
      const d = file.endsWith(".txt") ? parseScrapedText(text) : parseMarkdown(text);
      if (!("error" in d)) drafts.push(d);
    }
    for (const d of drafts) for (const s of sentences(d.body)) if (s.text.length > 40) out.push(s.text);
  }
  return out;
}

const PLACES = JURISDICTIONS.slice(0, 21).map((j) => j.name).concat(["Mexico", "Argentina", "Vietnam", "Israel"]);
const SUBJECTS = ["stablecoin issuers", "crypto exchanges", "bitcoin ETFs", "crypto taxes", "the travel rule", "crypto mining", "a central bank digital currency", "crypto advertising", "DeFi platforms", "custody providers", "crypto lending", "token offerings"];
const VERBS = ["tightens rules for", "approves", "bans", "fines", "proposes a framework for", "licenses", "warns about", "delays rules for", "consults on", "publishes guidance on"];

// The long tail: firms, people, tokens and court cases. Each kind's names are numbered 1, 2, … in the order the
// corpus first mentions them (so low numbers are the ones mentioned most), and a name is a pure function of
// (seed, kind, number): the questions can name them without generating the corpus.
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const FIRST_NAMES = ["James", "Maria", "Wei", "Aisha", "Kenji", "Olga", "Carlos", "Priya", "David", "Fatima", "Lukas", "Hana", "Samuel", "Ines", "Tomasz", "Yuki", "Ahmed", "Sofia", "Daniel", "Chen", "Grace", "Mateo", "Elena", "Kwame", "Laura", "Rahul", "Anna", "Jonas", "Mei", "Omar", "Claire", "Min-jun", "Lucia", "Peter", "Amara", "Hiroshi", "Julia", "Diego", "Nadia", "Thomas", "Ji-woo", "Ana", "Michael", "Leila", "Pablo", "Sarah", "Emeka", "Ingrid", "Arjun", "Rosa", "Mark", "Zainab", "Felix", "Keiko", "Robert", "Chloe", "Andrei", "Noura", "Lars", "Beatriz", "Ravi", "Emma", "Stefan", "Adaeze", "Paul", "Yasmin", "Henrik", "Camila", "Sung-min", "Irina"];
const FIRM_SUFFIXES = ["Capital", "Exchange", "Labs", "Markets", "Digital", "Holdings", "Pay", "Custody", "Finance", "Protocol", "Ventures", "Trust", "Securities", "Bank", "Technologies", "Asset Management", "Group", "Network"];
const ROLES = ["chief executive", "general counsel", "chief compliance officer", "co-founder", "head of policy", "spokesperson", "chief financial officer", "managing director", "head of legal", "chief technology officer"];
const OUTSIDERS = ["an analyst at", "a partner at", "a researcher at", "a former adviser to", "a senior economist at", "a portfolio manager at"];
const COURTS = ["district court", "high court", "commercial court", "court of appeal", "federal court", "regional court", "administrative court", "supreme court"];
const ISSUES = ["custody lapses", "anti-money laundering failures", "misleading advertising", "unregistered token sales", "market manipulation", "sanctions breaches", "weak customer checks", "reserve shortfalls", "unlicensed lending", "insider trading", "a data breach", "commingled client funds"];
const OUTLETS = ["Policy Wire", "Ledger Daily", "Chain Brief", "regbot newsdesk"];
const ONSETS = ["b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z", "b", "d", "k", "l", "m", "n", "r", "s", "t", "v", "br", "dr", "fr", "gr", "kr", "pr", "tr", "st", "sh", "ch", "th", "bl", "cl", "fl", "sl", "qu", "y", "x"];
const VOWELS = ["a", "e", "i", "o", "u", "a", "e", "i", "o", "a", "ai", "ea", "ou", "y", "ei", "ia", "au"];
const CODAS = ["n", "r", "l", "s", "x", "m", "v", "k", "t", "z", "rk", "nd", "lt", "st", "rn", "ck", "ld", "th", "ss", "nn"];
/** Words the generated names must not be: any word of a jurisdiction's names or regulators (so a name never
 * reads as a place to the question parser) or of the questions' own vocabulary. */
const RESERVED = new Set(
  [...JURISDICTIONS.flatMap((j) => [...j.names, ...(j.regulators ?? []), ...(j.caseSensitive ?? [])]), ...SUBJECTS, ...VERBS, "stablecoins mica bitcoin mining licensing crypto token tokens"]
    .flatMap((n) => n.toLowerCase().split(/[^a-z0-9]+/)),
);

/** A 32-bit hash of a few integers (a splitmix-like mixer): fast, and the same everywhere. */
function hash(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h ^ Math.floor(p / 4294967296), 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** A pronounceable made-up word of 2–3 syllables ("Veltrix", "Korbasta"), capitalised, never a reserved word. */
function pseudoWord(h: number): string {
  for (let attempt = 0; ; attempt++) {
    const rnd = random(hash(h, attempt));
    const syllables = rnd() < 0.6 ? 2 : 3;
    let word = "";
    for (let s = 0; s < syllables; s++) {
      word += pick(rnd, ONSETS) + pick(rnd, VOWELS);
      if (s === syllables - 1 ? rnd() < 0.6 : rnd() < 0.2) word += pick(rnd, CODAS);
    }
    if (word.length >= 4 && word.length <= 10 && !RESERVED.has(word)) return word[0]!.toUpperCase() + word.slice(1);
  }
}

type Kind = "firm" | "person" | "token" | "case";
const SALT: Record<Kind, number> = { firm: 1, person: 2, token: 3, case: 4 };

/**
 * The mentions of one kind of name across the corpus, as a Pitman–Yor process: each mention is a new name with
 * probability (θ + d·K) / (θ + n) after n mentions of K names, otherwise an earlier mention's name again (so a
 * name recurs in proportion to how often it already has: a Zipf law). K grows as n^d: Heaps' law. Names are
 * numbered 1, 2, … in order of first mention, so low numbers are the ones mentioned most.
 */
class Mentions {
  private seen = new Int32Array(1024);
  private n = 0;
  private k = 0;
  constructor(private readonly rnd: () => number, private readonly theta: number, private readonly d: number) {}
  next(): number {
    const id = this.rnd() * (this.theta + this.n) < this.theta + this.d * this.k ? ++this.k : this.seen[Math.floor(this.rnd() * this.n)]!;
    if (this.n === this.seen.length) {
      const grown = new Int32Array(this.n * 2);
      grown.set(this.seen);
      this.seen = grown;
    }
    this.seen[this.n++] = id;
    return id;
  }
}

/** Pitman–Yor parameters (θ, d) per kind of name, chosen so that distinct terms grow like real news':
 * about 26k at 10k articles and 119k at 100k (lower-cased words of letters and digits). */
const TAIL = { firm: [120, 0.72], person: [120, 0.72], token: [30, 0.7], case: [30, 0.7] } as const;

interface Firm { name: string; short: string }
interface Person { name: string; last: string }
interface Token { name: string; ticker: string }
interface Case { number: string; court: string }
const firmOf = (seed: number, r: number): Firm => {
  const short = pseudoWord(hash(seed, SALT.firm, r));
  return { short, name: `${short} ${FIRM_SUFFIXES[hash(seed, SALT.firm, r, 1) % FIRM_SUFFIXES.length]}` };
};
const personOf = (seed: number, r: number): Person => {
  const last = pseudoWord(hash(seed, SALT.person, r));
  return { last, name: `${FIRST_NAMES[hash(seed, SALT.person, r, 1) % FIRST_NAMES.length]} ${last}` };
};
const tokenOf = (seed: number, r: number): Token => {
  const name = pseudoWord(hash(seed, SALT.token, r));
  const consonants = name.slice(1).toUpperCase().replace(/[AEIOUY]/g, "");
  const ticker = (name[0]! + consonants.slice(0, 1 + (hash(seed, SALT.token, r, 1) % 3))).toUpperCase().padEnd(3, "X");
  return { name, ticker };
};
const caseOf = (seed: number, r: number): Case => {
  const h = hash(seed, SALT.case, r);
  return { number: `${16 + (h % 10)}-cv-${String(Math.floor(h / 10) % 100000).padStart(5, "0")}`, court: COURTS[(h >>> 20) % COURTS.length]! };
};

/** Who and what one article is about: its main firm, person, token and case (each drawn on first use), and
 * others mentioned in passing (a new draw each time). One instance serves every article, reset for each. */
class Cast {
  place = "";
  /** The place as the text names it ("several countries" for International). */
  where = "";
  issue = "";
  date = "";
  private main: { firm?: Firm; person?: Person; token?: Token; case?: Case } = {};
  private readonly mentions: Record<Kind, Mentions>;
  /** Names by number; numbers are dense (1, 2, … in order of first mention). */
  private readonly names: Record<Kind, unknown[]> = { firm: [], person: [], token: [], case: [] };
  constructor(readonly rnd: () => number, private readonly seed: number) {
    this.mentions = { firm: new Mentions(rnd, ...TAIL.firm), person: new Mentions(rnd, ...TAIL.person), token: new Mentions(rnd, ...TAIL.token), case: new Mentions(rnd, ...TAIL.case) };
  }
  reset(place: string, issue: string, date: string): void {
    this.place = place;
    this.where = place === "International" ? "several countries" : place;
    this.issue = issue;
    this.date = date;
    this.main = {};
  }
  private draw<T>(kind: Kind, make: (seed: number, r: number) => T): T {
    const r = this.mentions[kind].next();
    const names = this.names[kind] as T[];
    return (names[r] ??= make(this.seed, r));
  }
  anyFirm = (): Firm => this.draw("firm", firmOf);
  anyPerson = (): Person => this.draw("person", personOf);
  anyToken = (): Token => this.draw("token", tokenOf);
  firm = (): Firm => (this.main.firm ??= this.anyFirm());
  person = (): Person => (this.main.person ??= this.anyPerson());
  token = (): Token => (this.main.token ??= this.anyToken());
  case = (): Case => (this.main.case ??= this.draw("case", caseOf));
  amount = (): string => money(this.rnd);
}

const money = (rnd: () => number) => {
  const unit = rnd();
  if (unit < 0.55) return `$${(1 + rnd() * 99).toFixed(1)} million`;
  if (unit < 0.8) return `$${Math.floor(100 + rnd() * 900)} million`;
  if (unit < 0.9) return `$${(1 + rnd() * 9).toFixed(1)} billion`;
  return `€${(1 + rnd() * 99).toFixed(1)} million`;
};
const between = (rnd: () => number, from: number, to: number) => from + Math.floor(rnd() * (to - from + 1));

/** Sentences about the article's cast; each adds its names, numbers and dates to an otherwise common text. */
const DETAILS: ReadonlyArray<(c: Cast) => string> = [
  (c) => `${c.person().name}, ${pick(c.rnd, ROLES)} of ${c.firm().name}, said the company was cooperating fully with regulators in ${c.where}.`,
  (c) => `${c.firm().short} said in a statement on ${c.date} that customer funds were safe and that it would respond to the findings.`,
  (c) => `The regulator said ${c.firm().name} had failed to report about ${c.amount()} in transfers linked to ${c.issue}.`,
  (c) => `The case, No. ${c.case().number}, was filed in the ${c.case().court} on ${c.date}, according to court records.`,
  (c) => `"We expected this," said ${c.anyPerson().name}, ${pick(c.rnd, OUTSIDERS)} ${c.anyFirm().name}, adding that smaller firms would struggle with the cost of compliance.`,
  (c) => `The ${c.token().name} token (${c.token().ticker}) fell ${between(c.rnd, 2, 40)} percent after the announcement, to a market value of about ${c.amount()}.`,
  (c) => `${c.firm().name} is one of ${between(c.rnd, 3, 60)} firms that applied for a licence in ${c.where} this year, alongside ${c.anyFirm().name} and ${c.anyFirm().name}.`,
  (c) => `Lawyers for ${c.person().name} at ${c.anyPerson().last} & ${c.anyPerson().last} declined to comment; a hearing is set for ${pick(c.rnd, MONTHS)} ${between(c.rnd, 1, 28)}.`,
  (c) => `${c.anyPerson().name}, who led the inquiry, told reporters that the ${c.issue} at ${c.firm().short} went back at least ${between(c.rnd, 2, 7)} years.`,
  (c) => `${c.anyFirm().short} and ${c.firm().short} together handled about ${c.amount()} in ${c.token().ticker} trades last quarter, filings show.`,
  (c) => `Under the settlement, ${c.firm().name} agreed to pay ${c.amount()} and to hire an independent monitor for ${between(c.rnd, 2, 5)} years.`,
  (c) => `${c.person().last} founded ${c.firm().short} in ${between(c.rnd, 2008, 2021)} and built it into one of the larger platforms in ${c.where}.`,
  (c) => `Other platforms named in the report include ${c.anyFirm().name}, ${c.anyFirm().name} and ${c.anyFirm().short}.`,
  (c) => `${c.anyToken().name} (${c.anyToken().ticker}) and ${c.anyToken().name} were among the tokens the exchange suspended on ${c.date}.`,
  (c) => `${c.anyPerson().name}, a former official now at ${c.anyFirm().name}, said the rules left ${c.firm().short} little room.`,
];
/** The article's headline: most in the field's own words, some about its firm, person or token. */
const headline = (c: Cast, subject: string, verb: string): string => {
  const form = c.place === "International" ? 0 : c.rnd();
  if (form < 0.55) return `${c.place} ${verb} ${subject}`;
  if (form < 0.67) return `${c.place} fines ${c.firm().name} over ${c.issue}`;
  if (form < 0.76) return `${c.firm().name} wins ${c.place} licence amid new rules for ${subject}`;
  if (form < 0.84) return `${c.person().name} of ${c.firm().short} charged in ${c.place} over ${c.issue}`;
  if (form < 0.92) return `${c.place} court freezes ${c.firm().short} assets in ${c.token().name} case`;
  return `${c.token().name} (${c.token().ticker}) delisted in ${c.place} after ${c.issue} probe`;
};

/** `count` synthetic articles, each about 3 KB, deterministic for a given seed. */
export function syntheticArticles(count: number, pool: readonly string[], seed = 42): ArticleDraft[] {
  const rnd = random(seed);
  const start = Date.UTC(2016, 0, 1);
  const span = 10 * 365 * 86400_000;
  const cast = new Cast(rnd, seed);
  const day = (d: Date) => `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}`;
  const out: ArticleDraft[] = [];
  const paragraphs: string[] = [];
  const paragraph: string[] = [];
  for (let i = 0; i < count; i++) {
    const place = pick(rnd, PLACES);
    const published = new Date(start + Math.floor(rnd() * span));
    cast.reset(place, pick(rnd, ISSUES), day(new Date(published.getTime() - Math.floor(rnd() * 90) * 86400_000)));
    const title = headline(cast, pick(rnd, SUBJECTS), pick(rnd, VERBS));
    paragraph.push(`${place === "International" ? "" : `${place}, `}${day(published)}: ${title}, officials said.`);
    let length = paragraph[0]!.length;
    for (let sentence = 1; length < 3000; sentence++) {
      // About one sentence in four is about the cast; the rest, the bulk, comes from the bundled articles.
      const text = sentence % 4 === 2 ? pick(rnd, DETAILS)(cast) : pick(rnd, pool);
      paragraph.push(text);
      length += text.length + 1;
      if (sentence % 4 === 0) {
        paragraphs.push(paragraph.join(" "));
        paragraph.length = 0;
        length += 1;
      }
    }
    if (paragraph.length) paragraphs.push(paragraph.join(" "));
    out.push({
      title,
      body: paragraphs.join("\n\n"),
      url: `https://news.example/${i}`,
      source: pick(rnd, OUTLETS),
      publishedAt: published.toISOString().slice(0, 10),
      jurisdictions: [place],
    });
    paragraphs.length = 0;
    paragraph.length = 0;
  }
  return out;
}

/** The name of a firm, person or token of the corpus made with `corpusSeed`: mostly among the first hundred of
 * its kind (mentioned in many articles), sometimes one mentioned in a few articles, or not at all. */
function namedEntity(rnd: () => number, corpusSeed: number): string {
  const r = Math.min(Math.floor(Math.max(rnd(), 1e-9) ** -2), 1e9);
  const kind = rnd();
  if (kind < 0.5) return firmOf(corpusSeed, r).name;
  if (kind < 0.8) return personOf(corpusSeed, r).name;
  return `${tokenOf(corpusSeed, r).name} token`;
}

/**
 * 200 questions asked the way chat users ask: one word, several words, typos, jurisdictions, dates, no match,
 * and names from the corpus's long tail (of the corpus made with `corpusSeed`: common ones and rare ones).
 */
export function benchmarkQuestions(seed = 7, corpusSeed = 42): string[] {
  const rnd = random(seed);
  const kinds = [
    () => pick(rnd, ["stablecoins", "mica", "bitcoin", "mining", "tax", "etf", "aml", "licensing"]),
    () => `what are the ${pick(rnd, SUBJECTS)} rules in ${pick(rnd, PLACES)}?`,
    () => `did ${pick(rnd, PLACES)} ${pick(rnd, ["ban", "approve", "fine"])} ${pick(rnd, SUBJECTS)}?`,
    () => pick(rnd, ["regualtion of stablecoims", "bitcon etf aproval", "crypto tax in inida", "travle rule for exchnages"]),
    () => `any news from ${pick(rnd, PLACES)}?`,
    () => `${pick(rnd, SUBJECTS)} since ${2016 + Math.floor(rnd() * 10)}`,
    () => pick(rnd, ["best pizza in naples", "who won the world cup", "how do i bake bread"]),
    () => pick(rnd, ["what happened to %?", "% fine", "is % in trouble?", "%"]).replace("%", namedEntity(rnd, corpusSeed)),
  ];
  return Array.from({ length: 200 }, (_, i) => kinds[i % kinds.length]!());
}
