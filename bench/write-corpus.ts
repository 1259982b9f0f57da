// Writes the synthetic corpus for `npm run bench` as JSON files of 1,000 articles, in a process of its own: the
// drafts (hundreds of megabytes at 100k) are then never garbage in the heap of the process that measures the
// ingest, whose collector would sweep them on the second core while the index worker needs it.
// Usage: tsx bench/write-corpus.ts DIR SIZE
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bundledSentences, syntheticArticles } from "./corpus.js";

const [dir, sizeArg] = process.argv.slice(2);
const size = Number(sizeArg);
if (!dir || !Number.isInteger(size) || size <= 0) {
  console.error("usage: tsx bench/write-corpus.ts DIR SIZE");
  process.exit(2);
}
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const drafts = syntheticArticles(size, bundledSentences(root));
fs.mkdirSync(dir);
for (let i = 0; i < drafts.length; i += 1000) fs.writeFileSync(path.join(dir, `part-${String(i / 1000).padStart(4, "0")}.json`), JSON.stringify(drafts.slice(i, i + 1000)));
