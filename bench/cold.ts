// Cold start as a process sees it, for `npm run bench`: open the database, load the saved index and answer one
// question, then report the time and the memory after load as one JSON line. Run in a fresh process, so
// neither the benchmark's corpus nor its warm caches count. Usage: tsx bench/cold.ts DB
import { createArticleStore, createCore, openDatabase } from "./product.js";

const file = process.argv[2];
if (!file) {
  console.error("usage: tsx bench/cold.ts DB");
  process.exit(2);
}
const started = process.hrtime.bigint();
const db = openDatabase(file);
const core = createCore({ store: createArticleStore(db, { file }) });
core.ask("is crypto trading banned in China?");
const coldMs = Number(process.hrtime.bigint() - started) / 1e6;
const { rss, heapUsed } = process.memoryUsage();
db.close();
console.log(JSON.stringify({ coldMs, rss, heapUsed }));
