import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createArticleStore } from "../../src/articles/store.js";
import { createCore, type Core } from "../../src/core.js";
import { openDatabase } from "../../src/storage/database.js";

/** One question of the quality set. */
export interface EvalQuestion {
  readonly q: string;
  /** Exact title of the article that should be cited first; `null` when no stored article answers it. */
  readonly article: string | null;
  /** Text the snippet of that article must hold. */
  readonly fact?: string | null;
  readonly kind: string;
}

/** The figures `npm run eval` prints and the ratchet test guards. */
export interface EvalMetrics {
  recallAt1: number;
  recallAt3: number;
  mrr: number;
  unanswerable: number;
  snippetFacts: number;
}

export interface EvalResult {
  readonly metrics: EvalMetrics;
  readonly misses: string[];
  readonly counts: { answerable: number; unanswerable: number; factual: number };
}

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, "../..");

/** Every question file under test/eval/ (questions-*.json). */
export function loadQuestions(): EvalQuestion[] {
  return fs
    .readdirSync(here)
    .filter((f) => /^questions-.*\.json$/.test(f))
    .sort()
    .flatMap((f) => JSON.parse(fs.readFileSync(path.join(here, f), "utf8")) as EvalQuestion[]);
}

/** A core over a fresh temporary database seeded with the bundled corpus. */
export function bundledCore(): { core: Core; dispose: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "regbot-eval-"));
  const file = path.join(dir, "eval.db");
  const db = openDatabase(file);
  const core = createCore({ store: createArticleStore(db, { file }), bundledDir: path.join(ROOT, "data", "articles") });
  core.ensureCorpus();
  return { core, dispose: () => { db.close(); fs.rmSync(dir, { recursive: true, force: true }); } };
}

/** Asks every question and scores the answers. */
export function evaluate(core: Core, questions: readonly EvalQuestion[]): EvalResult {
  let hit1 = 0, hit3 = 0, rr = 0, answerable = 0, silent = 0, unanswerable = 0, factual = 0, facts = 0;
  const misses: string[] = [];
  for (const question of questions) {
    const answer = core.ask(question.q);
    const titles = answer.citations.map((c) => c.article.title);
    if (question.article === null) {
      unanswerable++;
      if (titles.length === 0) silent++;
      else misses.push(`[unanswerable] "${question.q}" cited: ${titles[0]}`);
      continue;
    }
    answerable++;
    const rank = titles.indexOf(question.article) + 1;
    if (rank === 1) hit1++;
    if (rank >= 1 && rank <= 3) hit3++;
    if (rank >= 1) rr += 1 / rank;
    if (rank !== 1) misses.push(`[${question.kind}] "${question.q}" → want "${question.article}", got ${titles.length ? titles.map((t, i) => `${i + 1}. ${t}`).join(" | ") : "no citation"}${answer.notice ? ` (${answer.notice})` : ""}`);
    if (question.fact) {
      factual++;
      const snippet = answer.citations.find((c) => c.article.title === question.article)?.snippet.text ?? "";
      if (snippet.toLowerCase().includes(question.fact.toLowerCase())) facts++;
      else if (rank >= 1) misses.push(`[fact] "${question.q}" → snippet lacks "${question.fact}": ${snippet}`);
    }
  }
  const share = (n: number, d: number) => (d === 0 ? 1 : n / d);
  return {
    metrics: {
      recallAt1: share(hit1, answerable),
      recallAt3: share(hit3, answerable),
      mrr: share(rr, answerable),
      unanswerable: share(silent, unanswerable),
      snippetFacts: share(facts, factual),
    },
    misses,
    counts: { answerable, unanswerable, factual },
  };
}

/** The targets the issue sets. */
export const TARGETS: EvalMetrics = { recallAt1: 0.92, recallAt3: 0.98, mrr: 0.9, unanswerable: 0.9, snippetFacts: 0.85 };
