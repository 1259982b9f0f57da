import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it, onTestFinished } from "vitest";
import { createArticleStore, type ArticleStore } from "../src/articles/store.js";
import { createCore, MAX_QUESTION_LENGTH, type Core } from "../src/core.js";
import { RegbotError, type RegbotErrorCode } from "../src/errors.js";
import { openTempStore, tempDir, writeFiles } from "./fakes/temp-store.js";
import { regbotErrorOf } from "./fakes/regbot-error.js";
import { savedIndexes } from "../src/search/saved-index.js";
import { openDatabase } from "../src/storage/database.js";

const THAI_JSON = JSON.stringify({
  title: "Thailand bans crypto payments",
  body: "The Bank of Thailand said on 23 March 2022 that digital asset businesses may no longer help shops accept cryptocurrency as payment for goods and services. The ban takes effect on 1 April 2022.",
  url: "https://news.example/thai-ban",
  publishedAt: "2022-03-23",
  jurisdictions: ["Thailand"],
});
const SWISS_MD = [
  "---",
  "title: Swiss regulator FINMA publishes ICO guidelines",
  "published: 2018-02-16",
  "jurisdictions: [Switzerland]",
  "---",
  "FINMA published guidelines on initial coin offerings, sorting tokens into payment, utility and asset tokens. Asset tokens are treated as securities.",
].join("\n");
const KOREA_TXT = [
  "South Korea Requires Real-Name Bank Accounts for Crypto Trading",
  "",
  "By Staff Reporter | January 30, 2018",
  "",
  "South Korea's Financial Services Commission said anonymous bank accounts can no longer be used to trade cryptocurrency on exchanges from 30 January 2018. Traders must open real-name accounts at the same bank as their exchange.",
].join("\n");
const NIGERIA_JSON = JSON.stringify({
  title: "Nigeria's central bank lifts its crypto banking ban",
  body: "The Central Bank of Nigeria told banks on 22 December 2023 that they may again open accounts for virtual asset service providers, lifting a 2021 order that barred banks from dealing in cryptocurrency.",
  publishedAt: "2023-12-22",
  jurisdictions: ["Nigeria"],
});
const CANADA_TXT = [
  "Canada Approves North America's First Bitcoin ETF",
  "",
  "Published 12 February 2021",
  "",
  "The Ontario Securities Commission approved the Purpose Bitcoin ETF, the first exchange-traded fund in North America to hold physical bitcoin.",
].join("\n");

const THAI_QUESTION = "are crypto payments banned in Thailand?";

/** A bundled corpus of three small articles in a temp folder. */
function bundledCorpus(): string {
  return writeFiles(tempDir(), { "thai.json": THAI_JSON, "swiss.md": SWISS_MD, "korea.txt": KOREA_TXT });
}

/** A core over a real store in a temp folder, seeded from `bundledDir` unless told otherwise. */
function setup(options: { bundledDir?: string; seed?: boolean } = {}): { core: Core; store: ArticleStore; bundledDir: string } {
  const bundledDir = options.bundledDir ?? bundledCorpus();
  const store = openTempStore();
  const core = createCore({ store, bundledDir });
  if (options.seed ?? true) core.ensureCorpus();
  return { core, store, bundledDir };
}

/** A second core over the same database file, as another process would open it. */
function secondProcess(store: ArticleStore, bundledDir?: string): { core: Core; store: ArticleStore } {
  const other = openTempStore(store.file);
  return { core: createCore({ store: other, ...(bundledDir ? { bundledDir } : {}) }), store: other };
}

const idOf = (store: ArticleStore, titleStart: string): string => {
  const article = store.all().find((a) => a.title.startsWith(titleStart));
  if (!article) throw new Error(`no stored article titled “${titleStart}…”`);
  return article.id;
};

const citedIds = (core: Core, question: string) => core.ask(question).citations.map((c) => c.article.id);


/** Counts every write of the saved search index, from any connection, in the meta table. */
function countIndexSaves(store: ArticleStore): () => number {
  store.db.exec(`
    CREATE TRIGGER count_index_inserts AFTER INSERT ON search_index BEGIN
      INSERT INTO meta (key, value) VALUES ('test_index_saves', '1')
        ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1;
    END;
    CREATE TRIGGER count_index_updates AFTER UPDATE ON search_index BEGIN
      INSERT INTO meta (key, value) VALUES ('test_index_saves', '1')
        ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1;
    END;`);
  return () => Number(store.getMeta("test_index_saves") ?? 0);
}

function savedIndexVersion(store: ArticleStore): number | undefined {
  return store.db.prepare<[], { store_version: number }>("SELECT store_version FROM search_index WHERE name = 'articles'").get()?.store_version;
}

describe("ensureCorpus", () => {
  it("seeds an empty store from the bundled folder, and only once", () => {
    const { core, store } = setup({ seed: false });
    const first = core.ensureCorpus();
    expect(first).toMatchObject({ seeded: true, report: { added: 3, updated: 0, unchanged: 0, rejected: [] } });
    expect(core.ensureCorpus()).toEqual({ seeded: false });
    expect(store.count()).toBe(3);
  });

  it("does not run when the store already holds the user's own articles and was never seeded", () => {
    const { core, store } = setup({ seed: false });
    core.ingest([writeFiles(tempDir(), { "nigeria.json": NIGERIA_JSON })]);
    expect(core.ensureCorpus()).toEqual({ seeded: false });
    expect(store.all().map((a) => a.title)).toEqual(["Nigeria's central bank lifts its crypto banking ban"]);
  });

  it("brings a store seeded earlier up to a changed bundled folder and keeps the user's articles", () => {
    const { core, store, bundledDir } = setup();
    const swissId = idOf(store, "Swiss");
    core.ingest([writeFiles(tempDir(), { "nigeria.json": NIGERIA_JSON })]);
    fs.rmSync(path.join(bundledDir, "swiss.md"));
    writeFiles(bundledDir, { "canada.txt": CANADA_TXT });

    const next = secondProcess(store, bundledDir).core;
    expect(next.ensureCorpus()).toMatchObject({ seeded: true, report: { added: 1, rejected: [] } });
    expect(next.count()).toBe(4);
    expect(next.latest({ limit: 10 }).map((a) => a.title)).toEqual([
      "Nigeria's central bank lifts its crypto banking ban",
      "Thailand bans crypto payments",
      "Canada Approves North America's First Bitcoin ETF",
      "South Korea Requires Real-Name Bank Accounts for Crypto Trading",
    ]);
    expect(() => next.article(swissId)).toThrow(RegbotError);
    expect(citedIds(next, "what did FINMA say about ICO tokens?")).not.toContain(swissId);
    expect(citedIds(core, "what did FINMA say about ICO tokens?")).not.toContain(swissId);
  });

  it("does not bring back a bundled article the user removed, even when the bundled folder changes", () => {
    const { core, store, bundledDir } = setup();
    const thaiId = idOf(store, "Thailand");
    core.remove(thaiId);
    writeFiles(bundledDir, { "canada.txt": CANADA_TXT });
    expect(core.ensureCorpus()).toMatchObject({ seeded: true, report: { added: 1 } });
    expect(regbotErrorOf(() => core.article(thaiId)).code).toBe<RegbotErrorCode>("NOT_FOUND");
    expect(citedIds(core, THAI_QUESTION)).not.toContain(thaiId);
    expect(core.count()).toBe(3);
  });

  it("updates a bundled article edited in a new release under the same id, and keeps a removal removed", () => {
    const bundledDir = bundledCorpus();
    const { core, store } = setup({ bundledDir });
    const thai = idOf(store, "Thailand");
    const swiss = idOf(store, "Swiss");
    core.remove(swiss);
    writeFiles(bundledDir, {
      "thai.json": JSON.stringify({ ...JSON.parse(THAI_JSON), body: "The Bank of Thailand banned crypto payments from 1 April 2022, it said in an edited story." }),
      "swiss.md": SWISS_MD.replace("Asset tokens are treated as securities.", "Asset tokens are treated like shares."),
    });
    expect(secondProcess(store, bundledDir).core.ensureCorpus().report).toMatchObject({ added: 0, updated: 1 });
    expect(core.article(thai).body).toContain("edited story");
    expect(() => core.article(swiss)).toThrow(RegbotError);
    expect(store.count()).toBe(2);
  });

  it("does nothing without a bundled folder", () => {
    const store = openTempStore();
    expect(createCore({ store }).ensureCorpus()).toEqual({ seeded: false });
    expect(store.count()).toBe(0);
  });

  it("names the bundled folder when it cannot be read", () => {
    const missing = path.join(tempDir(), "no-such-folder");
    const core = createCore({ store: openTempStore(), bundledDir: missing });
    const error = regbotErrorOf(() => core.ensureCorpus());
    expect(error.code).toBe<RegbotErrorCode>("IO");
    expect(error.message).toContain(missing);
  });
});

describe("ask", () => {
  it("cites the stored article that answers, with a snippet taken from its text", () => {
    const { core, store } = setup();
    const answer = core.ask(THAI_QUESTION);
    expect(answer.citations[0]).toMatchObject({ n: 1, article: { id: idOf(store, "Thailand"), title: "Thailand bans crypto payments" } });
    expect(store.get(answer.citations[0]!.article.id)!.body).toContain(answer.citations[0]!.snippet.text);
  });

  it("refuses an empty question with BAD_INPUT and an example of what to ask", () => {
    const { core } = setup();
    for (const question of ["", "   \n\t"]) {
      const error = regbotErrorOf(() => core.ask(question));
      expect(error.code).toBe<RegbotErrorCode>("BAD_INPUT");
      expect(error.message).toBe("Ask a question, e.g. “is crypto trading banned in China?”");
    }
  });

  it("refuses a 20 KB question with BAD_INPUT, saying how long it is and what the limit is", () => {
    const { core } = setup();
    const question = "is crypto banned? ".repeat(1200).slice(0, 20 * 1024);
    const error = regbotErrorOf(() => core.ask(question));
    expect(error.code).toBe<RegbotErrorCode>("BAD_INPUT");
    expect(error.message).toBe(`That question is 20,480 characters long; ask in at most ${MAX_QUESTION_LENGTH} characters.`);
  });

  it("takes a question of exactly the longest allowed length", () => {
    const { core } = setup();
    const question = `${THAI_QUESTION} `.repeat(50).slice(0, MAX_QUESTION_LENGTH);
    expect(() => core.ask(question)).not.toThrow();
  });

  it("saves the search index with the store version it reflects", () => {
    const { core, store } = setup();
    core.ask(THAI_QUESTION);
    expect(savedIndexVersion(store)).toBe(store.version());
    expect(Number(store.getMeta("store_version"))).toBe(store.version());
  });

  it("answers in a second process from the saved index, without rebuilding it", () => {
    const { core, store } = setup();
    const expected = citedIds(core, THAI_QUESTION);
    const saves = countIndexSaves(store);
    const later = secondProcess(store).core;
    expect(citedIds(later, THAI_QUESTION)).toEqual(expected);
    expect(saves()).toBe(0);
    expect(savedIndexVersion(store)).toBe(store.version());
  });

  it("keeps the saved index current through its own ingests, so the next process need not rebuild", () => {
    const { core, store } = setup();
    core.ask(THAI_QUESTION);
    core.ingest([writeFiles(tempDir(), { "nigeria.json": NIGERIA_JSON })]);
    expect(savedIndexVersion(store)).toBe(store.version());
    const saves = countIndexSaves(store);
    const later = secondProcess(store).core;
    expect(citedIds(later, "did Nigeria lift its crypto banking ban?")).toContain(idOf(store, "Nigeria"));
    expect(saves()).toBe(0);
  });

  it("updates a saved index when a fresh process ingests (as `regbot ingest` does), instead of leaving it to be rebuilt", () => {
    const { core, store } = setup();
    core.ask(THAI_QUESTION);
    secondProcess(store).core.ingest([writeFiles(tempDir(), { "nigeria.json": NIGERIA_JSON })]);
    expect(savedIndexVersion(store)).toBe(store.version());
  });

  it("leaves a saved index after ingesting into a new database, so the first question need not build one", () => {
    const { core, store } = setup({ seed: false });
    core.ingest([writeFiles(tempDir(), { "nigeria.json": NIGERIA_JSON })]);
    expect(savedIndexVersion(store)).toBe(store.version());
    const saves = countIndexSaves(store);
    expect(citedIds(secondProcess(store).core, "did Nigeria lift its crypto banking ban?")).toContain(idOf(store, "Nigeria"));
    expect(saves()).toBe(0);
  });

  // Latin-1 maps each byte to one character, so the binary parts survive an edit of the header unchanged.
  const otherFormat = (data: Buffer) => Buffer.from(data.toString("latin1").replace(/"format":"[0-9a-f]+"/, `"format":"${"0".repeat(16)}"`), "latin1");
  it.each<[string, (data: Buffer) => Buffer | string]>([
    ["written by another version of the analyzer", otherFormat],
    ["saved as JSON text by a version before the binary layout", () => JSON.stringify({ format: "0123456789abcdef", ms: {}, df: [], vocab: [], jargon: [] })],
    ["cut short", (data) => data.subarray(0, data.length - 100)],
    ["whose header counts fewer postings than it holds", (data) => Buffer.from(data.toString("latin1").replace(/"postings":(\d+)/, (_, n: string) => `"postings":${Number(n) - 2}`), "latin1")],
  ])("rebuilds a saved index %s instead of reading it", (_, damage) => {
    const { core, store } = setup();
    core.ask(THAI_QUESTION);
    // Saved again as it would have been written: through the same file and checksum, so what is read is the damage.
    const saved = savedIndexes(store.db, store.file);
    const version = savedIndexVersion(store)!;
    const bytes = Buffer.from(saved.load(version)!);
    const damaged = damage(bytes);
    expect(damaged).not.toEqual(bytes);
    if (typeof damaged === "string") store.db.prepare("UPDATE search_index SET data = ?").run(damaged);
    else saved.save(version, damaged);
    const saves = countIndexSaves(store);
    expect(citedIds(secondProcess(store).core, THAI_QUESTION)).toEqual(citedIds(core, THAI_QUESTION));
    expect(saves()).toBe(1);
  });

  it("answers from a read-only database without writing an index file beside it", () => {
    const { core, store } = setup();
    const expected = citedIds(core, THAI_QUESTION);
    fs.rmSync(`${store.file}.index`);
    const db = openDatabase(store.file, { readonly: true });
    onTestFinished(() => {
      db.close();
    });
    const readonlyCore = createCore({ store: createArticleStore(db, { file: store.file }), readonly: true });
    expect(citedIds(readonlyCore, THAI_QUESTION)).toEqual(expected);
    expect(fs.existsSync(`${store.file}.index`)).toBe(false);
  });

  it("forgets the words of a removed article, so a typo is not corrected to them", () => {
    const { core, store } = setup();
    core.ingest([writeFiles(tempDir(), { "zorblax.json": JSON.stringify({ title: "Zorblax token banned", body: "Regulators banned the zorblax token outright." }) })]);
    expect(core.ask("is zorblx banned?").notice).toContain("zorblax");
    core.remove(idOf(store, "Zorblax"));
    expect(core.ask("is zorblx banned?").notice ?? "").not.toContain("zorblax");
  });

  it("sees an article another process ingested since its last answer", () => {
    const { core, store } = setup();
    expect(citedIds(core, "did Nigeria lift its crypto banking ban?")).toEqual([]);
    secondProcess(store).core.ingest([writeFiles(tempDir(), { "nigeria.json": NIGERIA_JSON })]);
    expect(citedIds(core, "did Nigeria lift its crypto banking ban?")).toContain(idOf(store, "Nigeria"));
  });

  it("cites an article it ingested itself right away", () => {
    const { core, store } = setup();
    core.ask(THAI_QUESTION);
    core.ingest([writeFiles(tempDir(), { "canada.txt": CANADA_TXT })]);
    expect(citedIds(core, "did Canada approve a bitcoin ETF?")).toContain(idOf(store, "Canada"));
  });
});

describe("remove", () => {
  it("makes the article never cited again", () => {
    const { core, store } = setup();
    const thaiId = idOf(store, "Thailand");
    expect(citedIds(core, THAI_QUESTION)).toContain(thaiId);
    core.remove(thaiId);
    expect(citedIds(core, THAI_QUESTION)).not.toContain(thaiId);
    expect(citedIds(core, "crypto payments")).not.toContain(thaiId);
    expect(citedIds(secondProcess(store).core, THAI_QUESTION)).not.toContain(thaiId);
  });

  it("takes the article out of another process's answers too", () => {
    const { core, store } = setup();
    const thaiId = idOf(store, "Thailand");
    expect(citedIds(core, THAI_QUESTION)).toContain(thaiId);
    secondProcess(store).core.remove(thaiId);
    expect(citedIds(core, THAI_QUESTION)).not.toContain(thaiId);
  });

  it("works before any question was asked", () => {
    const { core, store } = setup();
    const thaiId = idOf(store, "Thailand");
    core.remove(thaiId);
    expect(citedIds(core, THAI_QUESTION)).not.toContain(thaiId);
  });

  it("returns the removed article's summary, after which the article is not found", () => {
    const { core, store } = setup();
    const thaiId = idOf(store, "Thailand");
    expect(core.remove(thaiId)).toMatchObject({ id: thaiId, title: "Thailand bans crypto payments" });
    expect(regbotErrorOf(() => core.article(thaiId)).code).toBe<RegbotErrorCode>("NOT_FOUND");
    expect(regbotErrorOf(() => core.remove(thaiId)).code).toBe<RegbotErrorCode>("NOT_FOUND");
    expect(core.count()).toBe(2);
  });
});

describe("article", () => {
  it("finds an article by its id, whatever the case and surrounding spaces", () => {
    const { core, store } = setup();
    const thaiId = idOf(store, "Thailand");
    expect(core.article(` ${thaiId.toUpperCase()} `).title).toBe("Thailand bans crypto payments");
  });

  it("says where ids are shown when the id is unknown, quoting at most 40 characters of it", () => {
    const { core } = setup();
    const error = regbotErrorOf(() => core.article(`'; DROP TABLE articles; --${"x".repeat(100)}`));
    expect(error.code).toBe<RegbotErrorCode>("NOT_FOUND");
    expect(error.message).toBe(`No article with id “'; DROP TABLE articles; --${"x".repeat(14)}…”. Each citation and /latest show the id (as “id 1a2b3c4d5e”).`);
  });

  it("does not echo terminal escape sequences from the id it was given", () => {
    const { core } = setup();
    const error = regbotErrorOf(() => core.article("\u001b]0;pwned\u0007\u001b[31mred"));
    expect(error.message).not.toMatch(/[\u0000-\u001f]/);
    expect(error.message).toContain("“]0;pwned[31mred”");
  });
});

describe("latest", () => {
  it("lists the newest articles first", () => {
    const { core } = setup();
    expect(core.latest().map((a) => a.publishedAt)).toEqual(["2022-03-23", "2018-02-16", "2018-01-30"]);
  });

  it("understands a jurisdiction by demonym or alias", () => {
    const { core } = setup();
    expect(core.latest({ jurisdiction: "swiss" }).map((a) => a.title)).toEqual(["Swiss regulator FINMA publishes ICO guidelines"]);
    expect(core.latest({ jurisdiction: "Korea" }).map((a) => a.jurisdictions)).toEqual([["South Korea"]]);
  });

  it("returns nothing for a known jurisdiction without articles", () => {
    expect(setup().core.latest({ jurisdiction: "Brazil" })).toEqual([]);
  });

  it("refuses an unknown jurisdiction with BAD_INPUT and examples", () => {
    const error = regbotErrorOf(() => setup().core.latest({ jurisdiction: "Atlantis" }));
    expect(error.code).toBe<RegbotErrorCode>("BAD_INPUT");
    expect(error.message).toContain("Unknown jurisdiction “Atlantis”");
  });

  it("shows at least one and at most fifty articles, whatever limit is asked for", () => {
    const { core } = setup();
    expect(core.latest({ limit: 0 })).toHaveLength(1);
    expect(core.latest({ limit: 1000 })).toHaveLength(3);
  });
});

describe("ingest", () => {
  it("reports what it did, without internal bookkeeping", () => {
    const { core } = setup();
    const report = core.ingest([writeFiles(tempDir(), { "nigeria.json": NIGERIA_JSON, "empty.md": "" })]);
    expect(report).toEqual({ added: 1, updated: 0, unchanged: 0, rejected: [{ path: expect.stringMatching(/empty\.md$/), reason: "empty file" }] });
  });

  it("says when every file is stored and the search index is being finished, after the last file, and only when something changed", () => {
    for (const indexInWorkerFromBytes of [1, Infinity]) {
      const core = createCore({ store: openTempStore(), indexInWorkerFromBytes });
      const files = writeFiles(tempDir(), { "nigeria.json": NIGERIA_JSON, "canada.txt": CANADA_TXT });
      const events: string[] = [];
      const options = { onProgress: (done: number, total: number) => events.push(`${done}/${total}`), onIndexing: () => events.push("indexing") };
      core.ingest([files], options);
      expect(events, `worker from ${indexInWorkerFromBytes} bytes`).toEqual(["1/2", "2/2", "indexing"]);
      events.length = 0;
      core.ingest([files], options);
      expect(events).toEqual(["1/2", "2/2"]);
    }
  });

  it.each([
    ["part-way through the ingest", { maxAhead: 0 }, /worker stopped; the index will be built here after the ingest/],
    ["at the finish", {}, /could not be built in a worker; building it here/],
  ])("builds the index here, saved, when the worker stops answering %s", (_, options, warning) => {
    // A worker that handles nothing: it ends at once, and the core hears no more from it.
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "package.json"), '{"type": "module"}');
    fs.writeFileSync(path.join(dir, "silent-worker.js"), "// handles nothing\n");
    const logged: string[] = [];
    const logger = { debug() {}, info() {}, warn: (_: object, msg?: string) => logged.push(msg ?? ""), error() {} };
    const files = writeFiles(tempDir(), { "thai.json": THAI_JSON, "swiss.md": SWISS_MD, "korea.txt": KOREA_TXT, "nigeria.json": NIGERIA_JSON, "canada.txt": CANADA_TXT });
    const store = openTempStore();
    const indexWorker = { ...options, stallMs: 50, entry: pathToFileURL(path.join(dir, "silent-worker.js")) };
    const core = createCore({ store, logger, indexInWorkerFromBytes: 1, indexWorker });

    expect(core.ingest([files]).added).toBe(5);
    expect(logged).toEqual([expect.stringMatching(warning)]);
    expect(savedIndexVersion(store)).toBe(store.version());
    const here = createCore({ store: openTempStore(), indexInWorkerFromBytes: Infinity });
    here.ingest([files]);
    for (const question of [THAI_QUESTION, "did Nigeria lift its crypto banking ban?", "bitcoin ETF in Canada"]) {
      expect(citedIds(core, question)).toEqual(citedIds(here, question));
    }
    const saves = countIndexSaves(store);
    expect(citedIds(secondProcess(store).core, "did Nigeria lift its crypto banking ban?")).toContain(idOf(store, "Nigeria"));
    expect(saves()).toBe(0);
  });

  it("builds the index of a large ingest in a worker thread, saved and answering as one built here", () => {
    const logged: string[] = [];
    const logger = { debug() {}, info: (_: object, msg?: string) => logged.push(`info ${msg}`), warn: (_: object, msg?: string) => logged.push(`warn ${msg}`), error() {} };
    const files = writeFiles(tempDir(), { "thai.json": THAI_JSON, "swiss.md": SWISS_MD, "korea.txt": KOREA_TXT, "nigeria.json": NIGERIA_JSON, "canada.txt": CANADA_TXT });
    const store = openTempStore();
    // Any ingest counts as large here; in use, one of 8 MiB or more does.
    const core = createCore({ store, logger, indexInWorkerFromBytes: 1 });
    expect(core.ingest([files]).added).toBe(5);

    expect(logged).toContain("info search index built in a worker");
    expect(logged.filter((line) => line.startsWith("warn"))).toEqual([]);
    expect(savedIndexVersion(store)).toBe(store.version());
    // This process and the next answer from the saved index, without building one.
    const saves = countIndexSaves(store);
    const here = createCore({ store: openTempStore(), indexInWorkerFromBytes: Infinity });
    here.ingest([files]);
    for (const question of [THAI_QUESTION, "did Nigeria lift its crypto banking ban?", "bitcoin ETF in Canada"]) {
      expect(citedIds(core, question)).toEqual(citedIds(here, question));
      expect(citedIds(core, question).length).toBeGreaterThan(0);
    }
    expect(citedIds(secondProcess(store).core, "did Nigeria lift its crypto banking ban?")).toContain(idOf(store, "Nigeria"));
    expect(saves()).toBe(0);
  });
});

describe("moveChat", () => {
  it("moves everything kept per chat to the new id: answer settings, warnings, members seen, subscriptions", () => {
    const { core } = setup({ seed: false });
    const old = { platform: "telegram", chatId: "-100" };
    core.chats.set("telegram", "-100", { answers: "off", threadId: null });
    core.moderation.ledger.warn(old, { id: "42", name: "Mallory" }, { id: "7", name: "Mod" }, "spam");
    core.moderation.members.saw(old, { id: "42", name: "Mallory", username: "mallory" });
    core.subscriptions.add({ platform: "telegram", chatId: "-100", query: "EU", createdBy: "7" });

    core.moveChat("telegram", "-100", "-100999");

    const moved = { platform: "telegram", chatId: "-100999" };
    expect(core.chats.get("telegram", "-100999").answers).toBe("off");
    expect(core.moderation.ledger.active(moved, "42")).toHaveLength(1);
    expect(core.moderation.members.byUsername(moved, "mallory")?.id).toBe("42");
    expect(core.subscriptions.list("telegram", "-100999").map((s) => s.query)).toEqual(["EU"]);
    expect(core.chats.find("telegram", "-100")).toBeUndefined();
    expect(core.moderation.ledger.active(old, "42")).toEqual([]);
    expect(core.subscriptions.list("telegram", "-100")).toEqual([]);
  });
});
