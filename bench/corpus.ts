// A deterministic synthetic corpus for benchmarks: articles of about 3 KB built from the bundled corpus's
// sentences and the field's vocabulary, titles that look real, dates over ten years, 20+ jurisdictions.
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

/** `count` synthetic articles, each about 3 KB, deterministic for a given seed. */
export function syntheticArticles(count: number, pool: readonly string[], seed = 42): ArticleDraft[] {
  const rnd = random(seed);
  const start = Date.UTC(2016, 0, 1);
  const span = 10 * 365 * 86400_000;
  const out: ArticleDraft[] = [];
  for (let i = 0; i < count; i++) {
    const place = pick(rnd, PLACES);
    const title = `${place} ${pick(rnd, VERBS)} ${pick(rnd, SUBJECTS)}`;
    let body = `${title}, officials said. `;
    let paragraph = 0;
    while (body.length < 3000) {
      body += `${pick(rnd, pool)} `;
      if (++paragraph % 4 === 0) body = `${body.trim()}\n\n`;
    }
    out.push({
      title: `${title} (${i})`,
      body: body.trim(),
      url: `https://news.example/${i}`,
      source: pick(rnd, ["Policy Wire", "Ledger Daily", "Chain Brief", "regbot newsdesk"]),
      publishedAt: new Date(start + Math.floor(rnd() * span)).toISOString().slice(0, 10),
      jurisdictions: [place],
    });
  }
  return out;
}

/** 200 questions asked the way chat users ask: one word, several words, typos, jurisdictions, dates, no match. */
export function benchmarkQuestions(seed = 7): string[] {
  const rnd = random(seed);
  const kinds = [
    () => pick(rnd, ["stablecoins", "mica", "bitcoin", "mining", "tax", "etf", "aml", "licensing"]),
    () => `what are the ${pick(rnd, SUBJECTS)} rules in ${pick(rnd, PLACES)}?`,
    () => `did ${pick(rnd, PLACES)} ${pick(rnd, ["ban", "approve", "fine"])} ${pick(rnd, SUBJECTS)}?`,
    () => pick(rnd, ["regualtion of stablecoims", "bitcon etf aproval", "crypto tax in inida", "travle rule for exchnages"]),
    () => `any news from ${pick(rnd, PLACES)}?`,
    () => `${pick(rnd, SUBJECTS)} since ${2016 + Math.floor(rnd() * 10)}`,
    () => pick(rnd, ["best pizza in naples", "who won the world cup", "how do i bake bread"]),
  ];
  return Array.from({ length: 200 }, (_, i) => kinds[i % kinds.length]!());
}
