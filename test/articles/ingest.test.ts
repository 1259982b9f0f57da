import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ingestPaths, toRecord } from "../../src/articles/ingest.js";
import type { StoreChange } from "../../src/articles/store.js";
import { openTempStore, tempDir, writeFiles } from "../fakes/temp-store.js";

const json = (value: unknown) => JSON.stringify(value, null, 2);

const THAI = {
  title: "Thailand bans crypto payments",
  body: "The Bank of Thailand said shops may no longer accept cryptocurrency as payment from 1 April 2022.",
  url: "https://news.example/thai-ban",
  publishedAt: "2022-03-23",
};

const SWISS_MD = ["---", "title: FINMA publishes ICO guidelines", "published: 2018-02-16", "---", "FINMA sorted tokens into payment, utility and asset tokens."].join("\n");

const KOREA_TXT = [
  "Korea DeskSouth Korea Requires Real-Name Accounts",
  "",
  "South Korea Requires Real-Name Accounts",
  "",
  "By Staff Reporter | January 30, 2018",
  "",
  "South Korea's Financial Services Commission banned anonymous accounts for crypto trading.",
].join("\n");

/** A folder holding one article of each format. */
function corpus(): string {
  return writeFiles(tempDir(), { "thai.json": json(THAI), "swiss.md": SWISS_MD, "nested/korea.txt": KOREA_TXT });
}

describe("ingestPaths", () => {
  it("ingests .txt, .md and .json files from a folder and its subfolders", () => {
    const store = openTempStore();
    const report = ingestPaths(store, [corpus()]);
    expect(report).toMatchObject({ added: 3, updated: 0, unchanged: 0, rejected: [] });
    expect(store.all().map((a) => a.title).sort()).toEqual(["FINMA publishes ICO guidelines", "South Korea Requires Real-Name Accounts", "Thailand bans crypto payments"]);
  });

  it("stores the cleaned article with its date, canonical URL and inferred jurisdiction", () => {
    const store = openTempStore();
    ingestPaths(store, [corpus()]);
    const korea = store.all().find((a) => a.title.startsWith("South Korea"));
    expect(korea).toMatchObject({ publishedAt: "2018-01-30", jurisdictions: ["South Korea"], url: null });
    expect(korea?.body.startsWith("South Korea's Financial Services Commission")).toBe(true);
    expect(store.all().find((a) => a.title.startsWith("Thailand"))?.url).toBe("https://news.example/thai-ban");
  });

  it("changes nothing when the same files are ingested again", () => {
    const store = openTempStore();
    const dir = corpus();
    ingestPaths(store, [dir]);
    const version = store.version();
    const again = ingestPaths(store, [dir]);
    expect(again).toMatchObject({ added: 0, updated: 0, unchanged: 3, rejected: [] });
    expect(store.count()).toBe(3);
    expect(store.version()).toBe(version);
  });

  it("updates the stored article, keeping its id, when the text at the same URL changed", () => {
    const store = openTempStore();
    const dir = tempDir();
    writeFiles(dir, { "thai.json": json(THAI) });
    ingestPaths(store, [dir]);
    const [before] = store.all();
    writeFiles(dir, { "thai.json": json({ ...THAI, body: `${THAI.body} The ban was later extended to payment apps.` }) });
    const report = ingestPaths(store, [dir]);
    expect(report).toMatchObject({ added: 0, updated: 1, unchanged: 0 });
    expect(store.count()).toBe(1);
    expect(store.get(before!.id)?.body).toContain("extended to payment apps");
  });

  it("treats a URL with utm_* parameters as the same article", () => {
    const store = openTempStore();
    const first = writeFiles(tempDir(), { "a.json": json(THAI) });
    const second = writeFiles(tempDir(), {
      "b.json": json({ ...THAI, url: `${THAI.url}?utm_source=newsletter&utm_medium=email`, body: `${THAI.body} Updated with comment.` }),
    });
    ingestPaths(store, [first]);
    expect(ingestPaths(store, [second])).toMatchObject({ added: 0, updated: 1 });
    expect(store.count()).toBe(1);
  });

  it("stores the same story once when two files hold it", () => {
    const store = openTempStore();
    const dir = writeFiles(tempDir(), { "a.md": SWISS_MD, "b.md": SWISS_MD });
    expect(ingestPaths(store, [dir])).toMatchObject({ added: 1, unchanged: 1 });
    expect(store.count()).toBe(1);
  });

  it("rejects the one bad item of a JSON array, naming it, and stores the rest", () => {
    const store = openTempStore();
    const dir = tempDir();
    const file = path.join(dir, "batch.json");
    writeFiles(dir, { "batch.json": json([THAI, { title: "No body here" }, { ...THAI, url: "https://news.example/other", title: "Another story" }]) });
    const report = ingestPaths(store, [file]);
    expect(report.rejected).toEqual([{ path: `${file} (item 2)`, reason: "missing body text" }]);
    expect(report.added).toBe(2);
    expect(store.count()).toBe(2);
  });

  describe("with an input it cannot read", () => {
    const cases: Array<{ input: string; contents?: string | Buffer; reason: string | RegExp }> = [
      { input: "empty.txt", contents: "", reason: "empty file" },
      { input: "blank.md", contents: "  \n\n\t \n", reason: "empty file" },
      { input: "image.txt", contents: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]), reason: "binary file, not text" },
      { input: "latin1.txt", contents: Buffer.from("Caf\xe9 Bitcoin\n\nA caf\xe9 in Z\xfcrich takes bitcoin.", "latin1"), reason: "not UTF-8 text (save it as UTF-8)" },
      { input: "report.pdf", contents: "%PDF-1.7 pretend", reason: 'unsupported file type ".pdf": use .txt, .md, .markdown, .json, .html, .htm, .xml, .rss, .atom' },
      { input: "README", contents: "no extension", reason: 'unsupported file type "(none)": use .txt, .md, .markdown, .json, .html, .htm, .xml, .rss, .atom' },
      { input: "missing.txt", reason: "no such file or folder" },
      { input: "broken.json", contents: "{ not json", reason: /^not valid JSON \(/ },
    ];

    it.each(cases)("rejects $input with a clear reason and still ingests the rest", ({ input, contents, reason }) => {
      const store = openTempStore();
      const dir = tempDir();
      writeFiles(dir, { "good.json": json(THAI) });
      if (contents !== undefined) writeFiles(dir, { [input]: contents });
      const bad = path.join(dir, input);
      const report = ingestPaths(store, [path.join(dir, "good.json"), bad]);
      expect(report.rejected).toHaveLength(1);
      expect(report.rejected[0]!.path).toBe(bad);
      if (typeof reason === "string") expect(report.rejected[0]!.reason).toBe(reason);
      else expect(report.rejected[0]!.reason).toMatch(reason);
      expect(report.added).toBe(1);
      expect(store.count()).toBe(1);
    });

    it("rejects a folder that holds no article files, and still ingests the rest", () => {
      const store = openTempStore();
      const dir = tempDir();
      const good = writeFiles(path.join(dir, "good"), { "thai.json": json(THAI) });
      const empty = writeFiles(path.join(dir, "pictures"), { "chart.png": "not an article", ".hidden.txt": "hidden" });
      const report = ingestPaths(store, [good, empty]);
      expect(report.rejected).toEqual([{ path: empty, reason: "no article files (.txt, .md, .markdown, .json, .html, .htm, .xml, .rss, .atom) in this folder" }]);
      expect(report.added).toBe(1);
    });
  });

  it("reports a folder without article files even when a path beside it with a similar name was rejected", () => {
    const store = openTempStore();
    const dir = tempDir();
    const empty = path.join(dir, "pictures");
    fs.mkdirSync(empty);
    const report = ingestPaths(store, [`${empty}-old.txt`, empty]);
    expect(report.rejected).toEqual([
      { path: `${empty}-old.txt`, reason: "no such file or folder" },
      { path: empty, reason: "no article files (.txt, .md, .markdown, .json, .html, .htm, .xml, .rss, .atom) in this folder" },
    ]);
  });

  it("skips files of other types and hidden files inside a folder without complaint", () => {
    const store = openTempStore();
    const dir = writeFiles(tempDir(), { "thai.json": json(THAI), "notes.pdf": "%PDF", ".draft.md": SWISS_MD });
    expect(ingestPaths(store, [dir])).toMatchObject({ added: 1, rejected: [] });
  });

  it("stores markup and SQL in titles verbatim", () => {
    const store = openTempStore();
    const titles = ["I <3 bitcoin ETFs", "Exchange closes </a> accounts <script>alert(1)</script>", "'; DROP TABLE articles; --", "Odd _*[ characters ]* in a title_"];
    const items = titles.map((title, i) => ({ title, body: `Story number ${i + 1} about the SEC and a crypto exchange.`, url: `https://news.example/${i}` }));
    const dir = writeFiles(tempDir(), {
      "odd.json": json(items),
      "odd.md": ["---", `title: "Quote ' and \\" and & in Markdown <b>"`, "---", "The body of a Markdown story."].join("\n"),
    });
    expect(ingestPaths(store, [dir])).toMatchObject({ added: 5, rejected: [] });
    expect(store.all().map((a) => a.title).sort()).toEqual([...titles, `Quote ' and " and & in Markdown <b>`].sort());
    expect(store.count()).toBe(5);
  });

  it("reports progress after every file", () => {
    const store = openTempStore();
    const calls: Array<[number, number]> = [];
    ingestPaths(store, [corpus()], { onProgress: (done, total) => calls.push([done, total]) });
    expect(calls).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
  });

  it("tells the index about every article it adds or changes, and nothing when nothing changed", () => {
    const store = openTempStore();
    const dir = corpus();
    const changes: StoreChange[] = [];
    ingestPaths(store, [dir], { onChange: (change) => changes.push(change) });
    expect(changes.flatMap((c) => c.upserted.map((a) => a.title)).sort()).toEqual(store.all().map((a) => a.title).sort());
    changes.length = 0;
    ingestPaths(store, [dir], { onChange: (change) => changes.push(change) });
    expect(changes).toEqual([]);
  });

  it("returns the identity of every article it read, changed or not", () => {
    const store = openTempStore();
    const dir = corpus();
    ingestPaths(store, [dir]);
    const { identities } = ingestPaths(store, [dir]);
    expect(identities.size).toBe(3);
    expect(identities.has("url:https://news.example/thai-ban")).toBe(true);
  });
});

describe("toRecord", () => {
  it("maps given jurisdictions onto canonical names instead of inferring them", () => {
    const record = toRecord({ title: "Rules in Europe", body: "Thailand is not the subject here.", jurisdictions: ["EU"] });
    expect(record.jurisdictions).toEqual(["European Union"]);
  });

  it("infers jurisdictions and topics when none are given", () => {
    const record = toRecord({ title: "Thailand bans crypto payments", body: "Shops may no longer accept crypto." });
    expect(record.jurisdictions).toEqual(["Thailand"]);
    expect(record.topics).toEqual(["trading-ban"]);
  });

  it("lower-cases given topics and removes duplicates", () => {
    expect(toRecord({ title: "T", body: "B", topics: ["Tax", "tax", "ETF"] }).topics).toEqual(["tax", "etf"]);
  });

  it("derives the id from the normalised URL, so tracked links give the same id", () => {
    const a = toRecord({ title: "A", body: "B", url: "https://news.example/x?utm_source=a" });
    const b = toRecord({ title: "Other", body: "Text", url: "https://NEWS.example/x/" });
    expect(a.id).toBe(b.id);
    expect(a.url).toBe("https://news.example/x");
  });

  it("reads a folder once even when a symlink loops back to it", () => {
    const dir = writeFiles(tempDir(), { "thai.json": json(THAI) });
    fs.symlinkSync(dir, path.join(dir, "loop"));
    const report = ingestPaths(openTempStore(), [dir]);
    expect(report).toMatchObject({ added: 1, unchanged: 0, rejected: [] });
  });

  it.skipIf(process.platform === "win32")("refuses a named pipe instead of waiting on it forever", () => {
    const dir = writeFiles(tempDir(), { "thai.json": json(THAI) });
    const fifo = path.join(dir, "stuck.txt");
    execFileSync("mkfifo", [fifo]);
    const report = ingestPaths(openTempStore(), [dir]);
    expect(report.added).toBe(1);
    expect(report.rejected).toEqual([{ path: fifo, reason: "not a regular file (a pipe, socket or device)" }]);
  });

  it("reads a UTF-8 file that starts with a byte-order mark, as editors on Windows save them", () => {
    const json = JSON.stringify({ title: "Thailand bans crypto payments", body: "Shops may no longer accept crypto from April." });
    const dir = writeFiles(tempDir(), { "thai.json": Buffer.from(`\ufeff${json}`, "utf8") });
    const store = openTempStore();
    expect(ingestPaths(store, [dir])).toMatchObject({ added: 1, rejected: [] });
    expect(store.all()[0]!.title).toBe("Thailand bans crypto payments");
  });

  it("reads a UTF-16 file that starts with a byte-order mark", () => {
    const text = `\ufeff${SWISS_MD}`;
    const dir = writeFiles(tempDir(), { "swiss.md": Buffer.from(text, "utf16le") });
    const report = ingestPaths(openTempStore(), [dir]);
    expect(report).toMatchObject({ added: 1, rejected: [] });
  });
});

