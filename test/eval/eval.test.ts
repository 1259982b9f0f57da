import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bundledCore, evaluate, loadQuestions, ROOT, type EvalMetrics } from "./evaluate.js";

// The ratchet: quality may only go up. Raise test/eval/baseline.json whenever `npm run eval` improves.
const baseline = JSON.parse(fs.readFileSync(path.join(ROOT, "test", "eval", "baseline.json"), "utf8")) as EvalMetrics;

describe("answer quality on the bundled corpus", () => {
  const questions = loadQuestions();
  const { core, dispose } = bundledCore();
  afterAll(dispose);
  const result = evaluate(core, questions);

  it("has a question set of at least 80 questions, 10 of them unanswerable", () => {
    expect(questions.length).toBeGreaterThanOrEqual(80);
    expect(questions.filter((q) => q.article === null).length).toBeGreaterThanOrEqual(10);
  });

  it("names only articles that exist in the bundled corpus", () => {
    const titles = new Set(core.latest({ limit: 50 }).map((a) => a.title));
    const missing = questions.filter((q) => q.article !== null && !titles.has(q.article)).map((q) => q.article);
    expect(missing).toEqual([]);
  });

  for (const key of Object.keys(baseline) as Array<keyof EvalMetrics>) {
    it(`keeps ${key} at or above the recorded baseline (${baseline[key]})`, () => {
      expect(result.metrics[key], result.misses.join("\n")).toBeGreaterThanOrEqual(baseline[key] - 1e-9);
    });
  }
});
