// `npm run eval`: asks the question set against the bundled corpus and prints the quality figures.
import { bundledCore, evaluate, loadQuestions, TARGETS, type EvalMetrics } from "./evaluate.js";

const questions = loadQuestions();
const { core, dispose } = bundledCore();
const result = evaluate(core, questions);
dispose();

const rows: Array<[keyof EvalMetrics, string]> = [
  ["recallAt1", "recall@1"],
  ["recallAt3", "recall@3"],
  ["mrr", "MRR"],
  ["unanswerable", "unanswerable, no citation"],
  ["snippetFacts", "snippets holding their fact"],
];
console.log(`${questions.length} questions: ${result.counts.answerable} answerable, ${result.counts.unanswerable} unanswerable, ${result.counts.factual} with a fact\n`);
for (const [key, label] of rows) {
  const value = result.metrics[key];
  const target = TARGETS[key];
  console.log(`${label.padEnd(30)} ${value.toFixed(3)}   target ≥ ${target.toFixed(2)}   ${value >= target ? "pass" : "FAIL"}`);
}
if (result.misses.length) {
  console.log(`\nMisses (${result.misses.length}):`);
  for (const miss of result.misses) console.log(`  ${miss}`);
}
