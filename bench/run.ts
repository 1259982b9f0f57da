// `npm run bench`: speed, memory and size of the answer path, measured side by side with the raw engines
// (MiniSearch's search alone, SQLite FTS5 with bm25 + snippet) on the same synthetic corpus and questions.
// Usage: npm run bench [-- --sizes 1000,10000,100000]
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { renderAnswerHtml } from "../adapters/telegram/render.js";
import { toRecord } from "../src/articles/ingest.js";
import { createArticleStore } from "../src/articles/store.js";
import { createCore } from "../src/core.js";
import { createArticleIndex } from "../src/search/article-index.js";
import { parseQuestion } from "../src/search/query.js";
import { openDatabase } from "../src/storage/database.js";
import { benchmarkQuestions, bundledSentences, syntheticArticles } from "./corpus.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({ options: { sizes: { type: "string", default: "1000,10000" } } });
const sizes = values.sizes!.split(",").map(Number).filter((n) => Number.isInteger(n) && n > 0);

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const stats = (samples: number[]) => {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), mean: s.reduce((a, b) => a + b, 0) / s.length };
};
const fmt = (n: number, digits = 1) => n.toFixed(digits);
const mb = (bytes: number) => `${fmt(bytes / 1024 / 1024)} MB`;
const verdict = (ok: boolean) => (ok ? "pass" : "FAIL");

console.log(`regbot bench — ${os.cpus()[0]?.model ?? "cpu"}, ${os.cpus().length} cores, Node ${process.version}`);
const pool = bundledSentences(ROOT);
const questions = benchmarkQuestions();

for (const size of sizes) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "regbot-bench-"));
  const file = path.join(dir, "bench.db");
  console.log(`\n== ${size.toLocaleString("en")} articles ==`);
  const drafts = syntheticArticles(size, pool);

  // Ingest: records (identity, inference) into SQLite in transactions of 1,000, then the index.
  let db = openDatabase(file);
  let store = createArticleStore(db, { file });
  let t = process.hrtime.bigint();
  for (let i = 0; i < drafts.length; i += 1000) store.upsertMany(drafts.slice(i, i + 1000).map((d) => toRecord(d)), { origin: "user" });
  const storeMs = ms(t);
  t = process.hrtime.bigint();
  let core = createCore({ store });
  core.ask("stablecoin rules"); // builds and saves the index
  const indexMs = ms(t);
  db.close();

  // Cold start: open the database and load the saved index until the first answer.
  t = process.hrtime.bigint();
  db = openDatabase(file);
  store = createArticleStore(db, { file });
  core = createCore({ store });
  core.ask("is crypto trading banned in China?");
  const coldMs = ms(t);
  const memory = process.memoryUsage();

  // Warm answers through the full path: understanding, search, snippets, citations, Telegram HTML.
  const full: number[] = [];
  for (let round = 0; round < 2; round++) {
    for (const q of questions) {
      const s = process.hrtime.bigint();
      renderAnswerHtml(core.ask(q));
      if (round === 1) full.push(ms(s));
    }
  }

  // MiniSearch's own search alone, on the same analysed terms.
  const raw = createArticleIndex();
  raw.add(store.all());
  const parsed = questions.map((q) => parseQuestion(q, raw));
  const engine: number[] = [];
  for (const p of parsed) {
    const s = process.hrtime.bigint();
    raw.search(p.terms);
    engine.push(ms(s));
  }

  // SQLite FTS5 on the same articles: porter tokenizer, bm25 + snippet(), OR of the question's words, LIMIT 10.
  t = process.hrtime.bigint();
  db.exec("CREATE VIRTUAL TABLE bench_fts USING fts5(title, body, tokenize = 'porter')");
  db.exec("INSERT INTO bench_fts (rowid, title, body) SELECT rowid, title, body FROM articles WHERE retracted_at IS NULL");
  const ftsBuildMs = ms(t);
  const ftsQuery = db.prepare("SELECT rowid, snippet(bench_fts, 1, '[', ']', '…', 24) AS s FROM bench_fts WHERE bench_fts MATCH ? ORDER BY bm25(bench_fts, 2.0, 1.0) LIMIT 10");
  const fts: number[] = [];
  for (const q of questions) {
    const words = (q.toLowerCase().match(/[a-z0-9]+/g) ?? []).filter((w) => w.length > 2);
    if (words.length === 0) continue;
    const match = words.map((w) => `"${w}"`).join(" OR ");
    const s = process.hrtime.bigint();
    ftsQuery.all(match);
    fts.push(ms(s));
  }
  db.exec("DROP TABLE bench_fts");

  const dbBytes = ["", "-wal"].map((x) => (fs.existsSync(file + x) ? fs.statSync(file + x).size : 0)).reduce((a, b) => a + b, 0);
  const indexBytes = (db.prepare("SELECT length(data) AS n FROM search_index").get() as { n: number } | undefined)?.n ?? 0;
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });

  const ours = stats(full);
  const mini = stats(engine);
  const lite = stats(fts);
  const ingestRate = size / ((storeMs + indexMs) / 1000);
  console.log(`ingest: ${fmt(size / (storeMs / 1000), 0)} articles/s into SQLite, index build ${fmt(indexMs / 1000, 2)} s → ${fmt(ingestRate, 0)} articles/s overall   target ≥ 5,000/s ${verdict(ingestRate >= 5000)}`);
  console.log(`cold start (open + load index + first answer): ${fmt(coldMs, 0)} ms   target ${size <= 10_000 ? "≤ 300 ms" : "≤ 3 s"} ${verdict(coldMs <= (size <= 10_000 ? 300 : 3000))}`);
  console.log(`answer path p50 ${fmt(ours.p50, 2)} / p95 ${fmt(ours.p95, 2)} / p99 ${fmt(ours.p99, 2)} ms, ${fmt(1000 / ours.mean, 0)} answers/s on one core   target p99 ${size <= 10_000 ? "≤ 10" : "≤ 50"} ms ${verdict(ours.p99 <= (size <= 10_000 ? 10 : 50))}`);
  console.log(`  MiniSearch search alone:   p50 ${fmt(mini.p50, 2)} / p95 ${fmt(mini.p95, 2)} / p99 ${fmt(mini.p99, 2)} ms`);
  console.log(`  SQLite FTS5 (bm25+snippet): p50 ${fmt(lite.p50, 2)} / p95 ${fmt(lite.p95, 2)} / p99 ${fmt(lite.p99, 2)} ms (build ${fmt(ftsBuildMs / 1000, 2)} s)`);
  console.log(`  ours p99 / FTS5 p99 = ${fmt(ours.p99 / lite.p99, 2)}   target ≤ 1 (ambition 0.5) ${verdict(ours.p99 <= lite.p99)}`);
  console.log(`memory after load: RSS ${mb(memory.rss)}, heap ${mb(memory.heapUsed)}; on disk: database ${mb(dbBytes)}, saved index ${mb(indexBytes)}`);
}
