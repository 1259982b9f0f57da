/** Two texts of one story, as an outlet might rewrite it: title and body. */
export interface StoryText {
  readonly title: string;
  readonly body: string;
}

const WORD = /[\p{L}\p{N}]+(?:[.,'’][\p{L}\p{N}]+)*/gu;

const words = (text: string) => (text.normalize("NFKC").match(WORD) ?? []).map((w) => w.toLowerCase());

function jaccard<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return shared / (a.size + b.size - shared);
}

function shingles(list: readonly string[], n = 3): Set<string> {
  if (list.length < n) return new Set([list.join(" ")]);
  const out = new Set<string>();
  for (let i = 0; i + n <= list.length; i++) out.add(list.slice(i, i + n).join(" "));
  return out;
}

/** Numbers ("$4", "2024", "1.5") a text contains. */
function numbers(text: string): Set<string> {
  return new Set((text.normalize("NFKC").match(WORD) ?? []).filter((w) => /\d/.test(w)).map((w) => w.replace(/,/g, "")));
}

/** Capitalised words inside sentences ("Binance", "Coinbase"): names, where a capital is not just a sentence start. */
function nameCandidates(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.normalize("NFKC").matchAll(WORD)) {
    if (m.index === 0 || /\d/.test(m[0]) || !/^\p{Lu}/u.test(m[0])) continue;
    const before = text.slice(Math.max(0, m.index - 3), m.index);
    if (!/[.!?:"“]\s*$/.test(before)) names.add(m[0].toLowerCase());
  }
  return names;
}

/** Which of `candidates` a text writes with a capital anywhere (so "U.S. Securities…" and "The Securities…" agree). */
function namesIn(text: string, candidates: ReadonlySet<string>): Set<string> {
  const found = new Set<string>();
  for (const m of text.normalize("NFKC").matchAll(WORD)) {
    const lower = m[0].toLowerCase();
    if (candidates.has(lower) && /^\p{Lu}/u.test(m[0])) found.add(lower);
  }
  return found;
}

/** Whether each side has something the other lacks: a swapped number or name, not one merely added. */
const swapped = (a: ReadonlySet<string>, b: ReadonlySet<string>) => [...a].some((x) => !b.has(x)) && [...b].some((x) => !a.has(x));

/** The first test of {@link isSameStory}, cheap enough to run over many stored titles: near-identical titles. */
export function titlesAlike(a: string, b: string): boolean {
  return jaccard(new Set(words(a)), new Set(words(b))) >= 0.6;
}

/**
 * Whether two articles are the same story from two outlets: near-identical title and text. Articles that differ
 * in a number or a name ("fined $4M" / "fined $5M", "SEC sues Binance" / "SEC sues Coinbase") are different
 * stories, however alike the rest.
 */
export function isSameStory(a: StoryText, b: StoryText): boolean {
  if (!titlesAlike(a.title, b.title)) return false;
  const bodyA = words(a.body);
  const bodyB = words(b.body);
  const short = bodyA.length < 20 || bodyB.length < 20;
  const bodySimilarity = short ? jaccard(new Set(bodyA), new Set(bodyB)) : jaccard(shingles(bodyA), shingles(bodyB));
  if (bodySimilarity < (short ? 0.8 : 0.7)) return false;
  const textA = `${a.title}. ${a.body}`;
  const textB = `${b.title}. ${b.body}`;
  if (swapped(numbers(textA), numbers(textB))) return false;
  const candidates = new Set([...nameCandidates(textA), ...nameCandidates(textB)]);
  return !swapped(namesIn(textA, candidates), namesIn(textB, candidates));
}
