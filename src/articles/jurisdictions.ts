import { phraseKey, wholeWordMatcher, type WholeWordMatcher } from "./word-pattern.js";

/**
 * Jurisdictions the bot recognises in articles and questions. `names` are place names and demonyms (they
 * stand for the jurisdiction itself); `regulators` are bodies whose mention points to it. Matching is on
 * whole words, case-insensitive, except `caseSensitive` entries (like "US", which is also a pronoun).
 */
export interface Jurisdiction {
  /** Canonical name, as stored on articles. */
  readonly name: string;
  /** The single search token that stands for it in the index ("usa", "eu", …). */
  readonly token: string;
  readonly names: readonly string[];
  readonly regulators?: readonly string[];
  readonly caseSensitive?: readonly string[];
}

/** Every jurisdiction known to the bot, including many the bundled corpus does not cover (so a question
 * about them is recognised and answered honestly with "no stored article"). */
export const JURISDICTIONS: readonly Jurisdiction[] = [
  {
    name: "United States", token: "usa",
    names: ["united states", "united states of america", "usa", "u.s.a.", "u.s.", "america", "american", "americans", "the states", "the us", "new york", "nyc", "washington", "wall street", "california", "wyoming", "texas", "florida"],
    regulators: ["sec", "cftc", "ofac", "fincen", "irs", "occ", "fdic", "doj", "department of justice", "federal reserve", "treasury department", "us treasury", "nydfs", "bitlicense", "congress", "senate", "white house", "genius act"],
    caseSensitive: ["US", "U.S"],
  },
  { name: "European Union", token: "eu", names: ["european union", "eu", "europe", "european", "the bloc", "brussels", "eurozone"], regulators: ["esma", "eba", "european commission", "european parliament", "mica", "ecb", "european central bank", "amla", "dac8"] },
  { name: "United Kingdom", token: "uk", names: ["united kingdom", "uk", "u.k.", "britain", "great britain", "british", "england", "english", "london", "scotland", "wales"], regulators: ["fca", "financial conduct authority", "bank of england", "hm treasury", "hmrc", "pra"] },
  { name: "China", token: "china", names: ["china", "chinese", "mainland china", "prc", "people's republic of china", "beijing", "shanghai", "shenzhen", "sichuan", "inner mongolia", "xinjiang", "jiangsu"], regulators: ["pboc", "people's bank of china", "csrc", "cac", "ndrc"] },
  { name: "Hong Kong", token: "hongkong", names: ["hong kong", "hongkong", "hk", "hksar"], regulators: ["sfc", "hkma", "hong kong monetary authority", "securities and futures commission"] },
  { name: "Singapore", token: "singapore", names: ["singapore", "singaporean"], regulators: ["mas", "monetary authority of singapore"] },
  { name: "Japan", token: "japan", names: ["japan", "japanese", "tokyo"], regulators: ["fsa", "jvcea", "financial services agency", "bank of japan", "boj"] },
  { name: "South Korea", token: "korea", names: ["south korea", "korea", "korean", "koreans", "seoul"], regulators: ["fsc", "financial services commission", "fss", "bank of korea"] },
  { name: "United Arab Emirates", token: "uae", names: ["united arab emirates", "uae", "u.a.e.", "emirates", "emirati", "dubai", "abu dhabi"], regulators: ["vara", "adgm", "difc", "dfsa", "fsra", "virtual assets regulatory authority"] },
  { name: "India", token: "india", names: ["india", "indian", "indians", "new delhi", "mumbai"], regulators: ["rbi", "reserve bank of india", "sebi"] },
  { name: "El Salvador", token: "elsalvador", names: ["el salvador", "salvador", "salvadoran", "salvadorans", "bukele", "chivo"] },
  { name: "Switzerland", token: "switzerland", names: ["switzerland", "swiss", "zug", "zurich", "geneva"], regulators: ["finma"] },
  { name: "Australia", token: "australia", names: ["australia", "australian", "australians", "sydney", "melbourne"], regulators: ["asic", "austrac", "ato", "rba"] },
  { name: "Canada", token: "canada", names: ["canada", "canadian", "canadians", "ontario", "toronto", "quebec"], regulators: ["osc", "csa", "fintrac", "ciro"] },
  { name: "Brazil", token: "brazil", names: ["brazil", "brazilian", "brazilians", "sao paulo", "brasilia"], regulators: ["banco central do brasil", "cvm"] },
  { name: "Nigeria", token: "nigeria", names: ["nigeria", "nigerian", "nigerians", "lagos", "abuja"], regulators: ["cbn", "central bank of nigeria"] },
  { name: "Russia", token: "russia", names: ["russia", "russian", "russians", "moscow", "kremlin"], regulators: ["bank of russia", "duma", "state duma"] },
  { name: "Turkey", token: "turkey", names: ["turkey", "turkiye", "türkiye", "turkish", "istanbul", "ankara"], regulators: ["cbrt", "spk", "masak"] },
  { name: "Germany", token: "germany", names: ["germany", "german", "germans", "berlin", "frankfurt"], regulators: ["bafin", "bundesbank"] },
  { name: "Thailand", token: "thailand", names: ["thailand", "thai", "bangkok"], regulators: ["bank of thailand"] },
  { name: "International", token: "international", names: ["international", "g20", "g-20", "g7"], regulators: ["fatf", "financial action task force", "imf", "international monetary fund", "basel committee", "bis", "bank for international settlements", "fsb", "financial stability board", "iosco", "oecd", "world bank", "united nations"] },
  // Recognised so that questions about them get an honest "no stored article" instead of a loose match.
  ...[
    ["France", "france french paris", "amf"], ["Italy", "italy italian rome milan naples", "consob"], ["Spain", "spain spanish madrid", "cnmv"],
    ["Portugal", "portugal portuguese lisbon"], ["Ireland", "ireland irish dublin"], ["Netherlands", "netherlands dutch holland amsterdam", "dnb"],
    ["Belgium", "belgium belgian"], ["Austria", "austria austrian vienna"], ["Poland", "poland polish warsaw"], ["Malta", "malta maltese", "mfsa"],
    ["Luxembourg", "luxembourg"], ["Sweden", "sweden swedish stockholm"], ["Norway", "norway norwegian oslo"], ["Denmark", "denmark danish"],
    ["Finland", "finland finnish"], ["Estonia", "estonia estonian"], ["Lithuania", "lithuania lithuanian"], ["Greece", "greece greek athens"],
    ["Czech Republic", "czech czechia prague"], ["Hungary", "hungary hungarian"], ["Romania", "romania romanian"], ["Cyprus", "cyprus cypriot", "cysec"],
    ["Ukraine", "ukraine ukrainian kyiv kiev"], ["Belarus", "belarus belarusian"], ["Georgia", "tbilisi"], ["Kazakhstan", "kazakhstan kazakh astana"],
    ["Israel", "israel israeli tel aviv"], ["Iran", "iran iranian tehran"], ["Saudi Arabia", "saudi arabia saudi riyadh"], ["Qatar", "qatar qatari doha"],
    ["Bahrain", "bahrain"], ["Egypt", "egypt egyptian cairo"], ["Morocco", "morocco moroccan"], ["Kenya", "kenya kenyan nairobi"],
    ["South Africa", "south africa johannesburg cape town"], ["Ghana", "ghana ghanaian"], ["Pakistan", "pakistan pakistani karachi islamabad"],
    ["Bangladesh", "bangladesh"], ["Sri Lanka", "sri lanka"], ["Nepal", "nepal"], ["Taiwan", "taiwan taiwanese taipei"],
    ["Vietnam", "vietnam vietnamese hanoi"], ["Indonesia", "indonesia indonesian jakarta bali"], ["Malaysia", "malaysia malaysian kuala lumpur"],
    ["Philippines", "philippines philippine filipino manila"], ["Mexico", "mexico mexican"], ["Argentina", "argentina argentine argentinian buenos aires"],
    ["Chile", "chile chilean santiago"], ["Colombia", "colombia colombian bogota"], ["Peru", "peru peruvian lima"], ["Venezuela", "venezuela venezuelan petro caracas"],
    ["Panama", "panama"], ["Paraguay", "paraguay"], ["Uruguay", "uruguay"], ["Cuba", "cuba cuban"], ["Bermuda", "bermuda"], ["Bahamas", "bahamas"],
    ["Cayman Islands", "cayman"], ["New Zealand", "new zealand kiwi auckland wellington"], ["North Korea", "north korea pyongyang dprk"],
    ["Central African Republic", "central african republic"], ["Bhutan", "bhutan"], ["Iceland", "iceland icelandic"], ["Liechtenstein", "liechtenstein"],
  ].map(([name, names, regulators]) => ({
    name: name!,
    token: name!.toLowerCase().replace(/[^a-z]/g, ""),
    names: splitNames(names!),
    regulators: regulators ? regulators.split(" ") : [],
  })),
];

/** Multi-word names are joined with "_" in the compact table above where needed; "tel aviv" etc. stay pairs. */
function splitNames(names: string): string[] {
  const multi = ["tel aviv", "south africa", "cape town", "new zealand", "north korea", "saudi arabia", "sri lanka", "kuala lumpur", "buenos aires", "central african republic"];
  let rest = ` ${names} `;
  const out: string[] = [];
  for (const m of multi) {
    if (rest.includes(` ${m} `)) {
      out.push(m);
      rest = rest.replace(` ${m} `, " ");
    }
  }
  return [...out, ...rest.trim().split(/\s+/).filter(Boolean)];
}

/** Looks a jurisdiction up by canonical name, case-insensitively. */
export function jurisdictionByName(name: string): Jurisdiction | undefined {
  const lower = name.trim().toLowerCase();
  return JURISDICTIONS.find((j) => j.name.toLowerCase() === lower || j.token === lower || j.names.includes(lower));
}

/** A mention of a jurisdiction found in text. */
export interface JurisdictionMention {
  readonly jurisdiction: Jurisdiction;
  /** `name` for places and demonyms, `regulator` for bodies that point to it. */
  readonly kind: "name" | "regulator";
  readonly start: number;
  readonly end: number;
}

interface Entry {
  readonly jurisdiction: Jurisdiction;
  readonly kind: "name" | "regulator";
}

/** One pass over the text finds every name and regulator: one matcher for all of them, then a lookup. */
interface Matcher {
  readonly anyCase: WholeWordMatcher;
  readonly exactCase: WholeWordMatcher;
  readonly entries: ReadonlyMap<string, Entry>;
}

function buildMatcher(): Matcher {
  const entries = new Map<string, Entry>();
  const anyCase: string[] = [];
  const exactCase: string[] = [];
  // The first jurisdiction to claim a phrase keeps it (the order of JURISDICTIONS decides).
  const claim = (phrase: string, entry: Entry, list: string[]) => {
    const key = phraseKey(phrase);
    if (!entries.has(key)) entries.set(key, entry);
    list.push(phrase);
  };
  for (const j of JURISDICTIONS) {
    for (const n of j.names) claim(n, { jurisdiction: j, kind: "name" }, anyCase);
    for (const r of j.regulators ?? []) claim(r, { jurisdiction: j, kind: "regulator" }, anyCase);
    for (const c of j.caseSensitive ?? []) claim(c, { jurisdiction: j, kind: "name" }, exactCase);
  }
  return { anyCase: wholeWordMatcher(anyCase, "i"), exactCase: wholeWordMatcher(exactCase, ""), entries };
}

let matcher: Matcher | undefined;

/**
 * Finds every jurisdiction mention in `text`; overlapping mentions keep the longest. `words`, when given, are the
 * text's words as `wordsOf` lists them (mentions are then looked for only where they begin).
 */
export function findJurisdictions(text: string, words?: Int32Array): JurisdictionMention[] {
  matcher ??= buildMatcher();
  const found: JurisdictionMention[] = [];
  for (const phrases of [matcher.anyCase, matcher.exactCase]) {
    for (const m of phrases.matchAll(text, words)) {
      const entry = matcher.entries.get(m.key);
      // Spelled out: an object spread here cost more than finding the mentions.
      if (entry) found.push({ jurisdiction: entry.jurisdiction, kind: entry.kind, start: m.index, end: m.index + m.text.length });
    }
  }
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: JurisdictionMention[] = [];
  for (const m of found) {
    const last = kept[kept.length - 1];
    if (last && m.start < last.end) continue;
    kept.push(m);
  }
  // "New York" is a place in the US, not "York"; "Hong Kong" must not also count "Kong"; handled by longest-first.
  return kept;
}
