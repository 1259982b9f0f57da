import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { wordsOf } from "../../src/articles/words.js";
import { analyze } from "../../src/search/analyzer.js";
import { createArticleIndex, type ArticleIndex, type IndexedArticle } from "../../src/search/article-index.js";
import { indexWorkerEntry, startBackgroundIndex, withoutTypeScriptLoaders } from "../../src/search/background-index.js";

const article = (id: string, title: string, body: string, jurisdictions: string[] = []): IndexedArticle => ({
  id,
  title,
  body,
  publishedAt: "2023-05-01",
  jurisdictions,
  topics: [],
  relevant: true,
});

const EU = article("eu", "EU adopts MiCA rules for stablecoin issuers", "The regulation sets reserve rules for stablecoin issuers and licences for exchanges.", ["European Union"]);
const JP = article("jp", "Japan passes stablecoin law", "Only banks and trust companies may issue stablecoins, the new law says.", ["Japan"]);
const CN = article("cn", "China bans crypto trading", "The central bank said all crypto trading and mining is illegal.", ["China"]);
const US = article("us", "SEC approves spot bitcoin ETFs", "The commission approved eleven exchange-traded products that hold bitcoin.", ["United States"]);
const CN_LATER = article("cn", "China bans crypto mining too", "Mining is now illegal everywhere in China, the state council said.", ["China"]);

/** What a search for `question` returns: ids and scores, in order. */
const hits = (index: ArticleIndex, question: string) => index.search(analyze(question).map((term) => ({ term, weight: 1 }))).map((h) => [h.id, h.score]);

const QUESTIONS = ["stablecoin issuers", "is crypto mining illegal in china", "bitcoin etf", "exchanges"];

beforeAll(() => {
  // `npm test` builds first; a bare `vitest` run after a fresh clone has no worker to start.
  if (!indexWorkerEntry()) throw new Error("The index worker is not built: run `npm run build` (npm test does) before these tests.");
});

describe("startBackgroundIndex", () => {
  it("builds in a worker the very index this thread builds from the same changes", () => {
    const here = createArticleIndex();
    here.add([EU, JP, CN]);
    here.remove([CN]);
    here.add([CN_LATER, US]);

    const background = startBackgroundIndex();
    background.apply([], [EU, JP, CN]);
    background.apply([CN], [CN_LATER, US]);
    const bytes = background.finish();
    const index = createArticleIndex(bytes);

    expect(Buffer.from(bytes)).toEqual(Buffer.from(here.toBytes()));
    expect(index.size).toBe(4);
    for (const question of QUESTIONS) expect(hits(index, question)).toEqual(hits(here, question));
    expect(hits(index, "china mining")[0]![0]).toBe("cn");
  });

  it("builds the same index when this thread finds the words of the bodies for the worker, or never does", () => {
    const here = createArticleIndex();
    here.add([EU, JP, CN]);
    here.remove([CN]);
    here.add([CN_LATER, US]);
    for (const helpFromLag of [0, Infinity]) {
      const background = startBackgroundIndex(undefined, { helpFromLag });
      background.apply([], [EU, JP, CN]);
      background.apply([CN], [CN_LATER, US]);
      expect(Buffer.from(background.finish()), `helpFromLag ${helpFromLag}`).toEqual(Buffer.from(here.toBytes()));
    }
  });

  it("builds the same index from articles that come with their words (as ingestion sends them), all or some", () => {
    const here = createArticleIndex();
    here.add([EU, JP, CN]);
    here.remove([CN]);
    here.add([CN_LATER, US]);
    const withWords = (article: IndexedArticle) => ({ ...article, bodyWords: wordsOf(article.body) });
    for (const helpFromLag of [0, Infinity]) {
      const background = startBackgroundIndex(undefined, { helpFromLag });
      background.apply([], [EU, JP, CN].map(withWords));
      background.apply([CN], [withWords(CN_LATER), US]);
      expect(Buffer.from(background.finish()), `helpFromLag ${helpFromLag}`).toEqual(Buffer.from(here.toBytes()));
    }
  });

  it("goes on from a saved index, and leaves the caller's bytes as they were", () => {
    const saved = createArticleIndex();
    // Over 4 KB, so the bytes have a buffer of their own (smaller Buffers share Node's pool, which is copied anyway).
    const more = Array.from({ length: 40 }, (_, i) => article(`x${i}`, `Regulator note ${i}`, `Exchange number ${i} must register with the regulator ${"and report trades ".repeat(5)}`));
    saved.add([EU, JP, ...more]);
    const bytes = saved.toBytes();
    expect(bytes.byteLength).toBeGreaterThan(4096);
    const copy = Buffer.from(bytes);

    const background = startBackgroundIndex(bytes);
    background.apply([], [CN, US]);
    const index = createArticleIndex(background.finish());

    expect(Buffer.from(bytes)).toEqual(copy);
    const here = createArticleIndex(bytes);
    here.add([CN, US]);
    for (const question of QUESTIONS) expect(hits(index, question)).toEqual(hits(here, question));
  });

  it("says why when the worker cannot build the index, so the caller builds it instead", () => {
    const background = startBackgroundIndex(new TextEncoder().encode("not an index"));
    background.apply([], [EU]);
    expect(() => background.finish()).toThrow(/the index worker failed: .+/);
  });

  it("says at once when the worker cannot load its code (a partial or stale build), instead of going silent", () => {
    // The worker's module alone, without the modules it imports.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "regbot-worker-"));
    fs.writeFileSync(path.join(dir, "package.json"), '{"type": "module"}');
    fs.copyFileSync(indexWorkerEntry()!, path.join(dir, "index-worker.js"));
    const background = startBackgroundIndex(undefined, { entry: pathToFileURL(path.join(dir, "index-worker.js")) });
    // Silence would cost the stall timeout (60 s), far past this test's.
    const failing = () => {
      for (let i = 0; i < 100; i++) background.apply([], [EU]);
      background.finish();
    };
    try {
      expect(failing).toThrow(/the index worker failed: it could not load its modules \(.+\.js/);
    } finally {
      background.abort();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gives up on a worker that handles nothing for too long, saying so, so the caller can build the index itself", () => {
    const background = startBackgroundIndex(undefined, { maxAhead: 0, stallMs: 1 });
    expect(() => background.apply([], [EU, JP, CN, US])).toThrow(/handled nothing for 1 ms/);
    background.abort();
  });

  it("refuses changes after it finished, instead of losing them", () => {
    const background = startBackgroundIndex();
    background.apply([], [EU]);
    background.finish();
    expect(() => background.apply([], [JP])).toThrow(/already finished/);
  });
});

describe("withoutTypeScriptLoaders", () => {
  it("starts the worker without tsx's TypeScript loader, which only slows its start, and keeps every other option", () => {
    const tsx = ["--require", "/app/node_modules/tsx/dist/preflight.cjs", "--import", "file:///app/node_modules/tsx/dist/loader.mjs"];
    expect(withoutTypeScriptLoaders(tsx)).toEqual([]);
    expect(withoutTypeScriptLoaders(["--max-old-space-size=4096", ...tsx, "--enable-source-maps"])).toEqual(["--max-old-space-size=4096", "--enable-source-maps"]);
    expect(withoutTypeScriptLoaders(["--import=tsx", "-r", "ts-node/register", "--trace-warnings", "--import"])).toEqual(["--trace-warnings", "--import"]);
  });

  it("keeps other hooks, which the worker may need to find its packages (Yarn PnP) or to be traced", () => {
    const hooks = ["--require", "/app/.pnp.cjs", "--experimental-loader", "/app/.pnp.loader.mjs", "--import", "@opentelemetry/auto-instrumentations-node/register", "-r", "dotenv/config"];
    expect(withoutTypeScriptLoaders(hooks)).toEqual(hooks);
  });

  it("still starts a worker in a process run through tsx with options Node refuses to hand a worker explicitly", () => {
    // --max-old-space-size is inherited by a worker, but refused in an explicit execArgv: the worker then inherits all.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "regbot-worker-"));
    const script = path.join(dir, "start.mts");
    const source = (file: string) => JSON.stringify(pathToFileURL(path.resolve(file)).href);
    fs.writeFileSync(
      script,
      [
        `import { startBackgroundIndex } from ${source("src/search/background-index.ts")};`,
        `import { createArticleIndex } from ${source("src/search/article-index.ts")};`,
        `const background = startBackgroundIndex();`,
        `background.apply([], [{ id: "a", title: "Japan passes stablecoin law", body: "Only banks may issue stablecoins.", publishedAt: null, jurisdictions: [], topics: [], relevant: true }]);`,
        `process.stdout.write(String(createArticleIndex(background.finish()).size));`,
      ].join("\n"),
    );
    try {
      const run = spawnSync(process.execPath, ["--max-old-space-size=512", "--import", "tsx", script], { encoding: "utf8", timeout: 30_000 });
      expect(run.stderr).toBe("");
      expect(run.stdout).toBe("1");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
