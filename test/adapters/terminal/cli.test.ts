import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REGBOT_BIN, outsideCheckout } from "../../fakes/regbot-process.js";

// End to end: the real `bin/regbot` on the compiled dist/, in a child process, against temporary databases.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b/;
const STACK_LINE = "    at ";
const CHINA_QUESTION = "is crypto trading banned in China?";

interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface JsonCitation {
  n: number;
  id: string;
  title: string;
  url: string | null;
  source: string;
  publishedAt: string | null;
  jurisdictions: string[];
  snippet: string;
}

interface JsonAnswer {
  query: string;
  answer: string;
  citations: JsonCitation[];
}

interface JsonArticle {
  id: string;
  title: string;
  publishedAt: string | null;
  jurisdictions: string[];
  body: string;
}

let tmp: string;
/** A database seeded with the bundled corpus once, shared by the tests that only read. */
let seededDb: string;

/** A fresh, not yet existing database path. */
function freshDb(name: string): string {
  return path.join(fs.mkdtempSync(path.join(tmp, `${name}-`)), "regbot.db");
}

/** Runs `bin/regbot args…` with `db` as REGBOT_DB and `input` on stdin (a closed pipe by default). */
function regbot(args: readonly string[], options: { db: string; input?: string }): Result {
  const env: NodeJS.ProcessEnv = { ...process.env, REGBOT_DB: options.db, TELEGRAM_BOT_TOKEN: "", DISCORD_TOKEN: "", NO_COLOR: "1" };
  for (const name of ["REGBOT_DEBUG", "REGBOT_MAX_CITATIONS", "FORCE_COLOR"]) delete env[name];
  const result = spawnSync(process.execPath, [REGBOT_BIN, ...args], { cwd: outsideCheckout(), env, input: options.input ?? "", encoding: "utf8", timeout: 25_000 });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs a command that must succeed and print one line of JSON; returns it parsed. */
function json<T>(args: readonly string[], db: string): T {
  const result = regbot(args, { db });
  expect(result.stderr, `stderr of regbot ${args.join(" ")}`).toBe("");
  expect(result.code, `exit code of regbot ${args.join(" ")}`).toBe(0);
  const lines = result.stdout.split("\n");
  expect(lines.at(-1)).toBe("");
  expect(lines).toHaveLength(2);
  return JSON.parse(lines[0]!) as T;
}

/** Expects a failure reported as one plain line on stderr: no stack trace, nothing on stdout. */
function expectOneLineFailure(result: Result, code: number): void {
  expect(result.code).toBe(code);
  expect(result.stdout).toBe("");
  expect(result.stderr).not.toContain(STACK_LINE);
  expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
}

function writeArticles(dir: string, files: Record<string, string>): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

const ATLANTIS_MD = `---
title: "Atlantis bans crypto mining on the island"
url: https://example.com/atlantis-mining-ban
source: test desk
published: 2024-03-01
jurisdictions: [Japan]
---
The Atlantis regulator on 1 March 2024 banned crypto mining across the island. Miners have six months to shut down their machines.
`;

const LEMURIA_JSON = JSON.stringify({
  title: "Lemuria licenses its first stablecoin issuer",
  body: "The Lemuria central bank on 2 May 2023 granted the first stablecoin licence to a local trust company.\n\nThe issuer must hold reserves equal to every token in circulation.",
  url: "https://example.com/lemuria-stablecoin",
  source: "test desk",
  publishedAt: "2023-05-02",
  jurisdictions: ["Singapore"],
});

beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, "dist", "src", "main.js"))) {
    throw new Error(`regbot is not built: ${path.join(ROOT, "dist")} is missing. Run \`npm run build\` first (\`npm test\` does).`);
  }
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "regbot-cli-"));
  seededDb = path.join(tmp, "seeded.db");
  // Any reading command seeds an empty database with the bundled corpus.
  json(["latest", "--json"], seededDb);
});

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe("regbot ask --json", () => {
  let answer: JsonAnswer;
  beforeAll(() => {
    answer = json<JsonAnswer>(["ask", "--json", CHINA_QUESTION], seededDb);
  });

  it("prints one line of JSON with exactly the keys query, answer and citations", () => {
    expect(Object.keys(answer).sort()).toEqual(["answer", "citations", "query"]);
    expect(answer.query).toBe(CHINA_QUESTION);
    expect(typeof answer.answer).toBe("string");
  });

  it("numbers one to three citations from 1, each with the article's facts and a snippet", () => {
    const n = answer.citations.length;
    expect(n).toBeGreaterThanOrEqual(1);
    expect(n).toBeLessThanOrEqual(3);
    expect(answer.citations.map((c) => c.n)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    for (const c of answer.citations) {
      expect(Object.keys(c).sort()).toEqual(["id", "jurisdictions", "n", "publishedAt", "snippet", "source", "title", "url"]);
      expect(c.id).toMatch(/^[0-9a-f]{1,16}$/);
      expect(c.title.length).toBeGreaterThan(0);
      expect(c.url === null || typeof c.url === "string").toBe(true);
      expect(typeof c.source === "string" || c.source === null).toBe(true);
      if (c.publishedAt !== null) expect(c.publishedAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(Array.isArray(c.jurisdictions)).toBe(true);
      expect(c.snippet.length).toBeGreaterThan(0);
      expect(c.snippet.length).toBeLessThanOrEqual(300);
    }
  });

  it("cites at least one article about China", () => {
    expect(answer.citations.some((c) => c.jurisdictions.includes("China"))).toBe(true);
  });

  it("gives the answer as plain text, with each citation's number and no escape codes", () => {
    expect(answer.answer).not.toMatch(ANSI);
    for (const c of answer.citations) expect(answer.answer).toContain(`[${c.n}] ${c.title}`);
    expect(answer.answer).toContain("This is news, not legal advice.");
  });

  it("quotes every snippet verbatim from the article `article ID --json` shows", () => {
    for (const c of answer.citations) {
      const article = json<JsonArticle>(["article", c.id, "--json"], seededDb);
      expect(article.id).toBe(c.id);
      expect(article.title).toBe(c.title);
      expect(article.body).toContain(c.snippet.replace(/…$/, ""));
    }
  });

  it("answers one question per line of stdin with `-`, one JSON line each, in order", () => {
    const questions = ["is bitcoin mining banned in china?", "what does MiCA require of stablecoin issuers?", "when did the SEC approve spot bitcoin ETFs?"];
    const result = regbot(["ask", "--json", "-"], { db: seededDb, input: `${questions.join("\n")}\n` });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    const answers = lines.map((line) => JSON.parse(line) as JsonAnswer);
    expect(answers.map((a) => a.query)).toEqual(questions);
    for (const a of answers) expect(a.citations.length).toBeGreaterThan(0);
  });
});

describe("regbot ask", () => {
  it("stops quietly when the reader closes the pipe early (`regbot ask --json - | head -1`)", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, REGBOT_DB: seededDb, TELEGRAM_BOT_TOKEN: "", DISCORD_TOKEN: "", NO_COLOR: "1" };
    const child = spawn(process.execPath, [REGBOT_BIN, "ask", "--json", "-"], { cwd: outsideCheckout(), env, stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.stdin.end("is bitcoin banned in china?\n".repeat(500));
    // Read the first answer, then hang up like `head -1` does.
    await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
    expect(stderr).not.toContain(STACK_LINE);
    expect(stderr).not.toContain("EPIPE");
    expect(code).toBe(0);
  });

  it("prints a readable answer with numbered citations and no escape codes when piped", () => {
    const result = regbot(["ask", CHINA_QUESTION], { db: seededDb });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\[1\] /);
    expect(result.stdout).not.toMatch(ANSI);
  });
});

describe("regbot start and regbot chat with piped input", () => {
  it("start answers a piped question in the terminal chat when no bot token is set, and exits 0", () => {
    const result = regbot(["start"], { db: seededDb, input: "is bitcoin banned in china?\n" });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("[1]");
    expect(result.stdout).not.toMatch(ANSI);
    expect(result.stderr).toBe("No bot tokens set (TELEGRAM_BOT_TOKEN, DISCORD_TOKEN): starting the terminal chat.\n");
  });

  it("chat answers /help, /latest, /article with a bad id and an unknown command, then stops at /quit", () => {
    const input = ["/help", "/latest", "/article zzz", "/nonsense", "/quit", "is bitcoin banned in china?"].join("\n");
    const result = regbot(["chat"], { db: seededDb, input: `${input}\n` });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    const out = result.stdout;
    const help = out.indexOf("/article ID");
    // /latest lists articles, each with a byline ending in its id.
    const latest = out.search(/ · id [0-9a-f]{10}\n/);
    const badId = out.indexOf("No article with id “zzz”.");
    const unknown = out.indexOf("Unknown command /nonsense.");
    expect(out.startsWith("Ask a question about crypto regulation news")).toBe(true);
    expect(help).toBeGreaterThan(0);
    expect(latest).toBeGreaterThan(help);
    expect(badId).toBeGreaterThan(latest);
    expect(unknown).toBeGreaterThan(badId);
    // Nothing after /quit is answered.
    expect(out).not.toContain("[1]");
  });
});

describe("regbot latest", () => {
  it("lists articles newest first as {articles: [...]}", () => {
    const { articles, ...rest } = json<{ articles: JsonArticle[] }>(["latest", "--json"], seededDb);
    expect(rest).toEqual({});
    expect(articles.length).toBeGreaterThan(1);
    const dates = articles.map((a) => a.publishedAt ?? "");
    const dated = dates.filter((d) => d !== "");
    expect(dated).toEqual([...dated].sort().reverse());
    // Undated articles, if any, come after every dated one.
    expect(dates.slice(dates.indexOf("") === -1 ? dates.length : dates.indexOf("")).every((d) => d === "")).toBe(true);
  });

  it("lists only United Kingdom articles for --jurisdiction britain", () => {
    const { articles } = json<{ articles: JsonArticle[] }>(["latest", "--jurisdiction", "britain", "--json"], seededDb);
    expect(articles.length).toBeGreaterThan(0);
    for (const a of articles) expect(a.jurisdictions).toContain("United Kingdom");
  });

  it("says plainly when no stored article is about a known jurisdiction", () => {
    const result = regbot(["latest", "--jurisdiction", "peru"], { db: seededDb });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("No stored article about “peru”. See all the newest with /latest.\n");
  });

  it("refuses an unknown jurisdiction with a clear message and no stack trace", () => {
    const result = regbot(["latest", "--jurisdiction", "narnia", "--json"], { db: seededDb });
    expectOneLineFailure(result, 1);
    expect(result.stderr).toBe("regbot: Unknown jurisdiction “narnia”. Try a country or bloc name, e.g. “EU”, “Hong Kong”, “United States”.\n");
  });
});

describe("regbot ingest", () => {
  it("reports exactly {added, updated, unchanged, rejected}, and all unchanged the second time", () => {
    const db = freshDb("ingest");
    const dir = writeArticles(path.join(tmp, "ingest-twice"), { "atlantis.md": ATLANTIS_MD, "lemuria.json": LEMURIA_JSON });
    expect(json(["ingest", "--json", dir], db)).toEqual({ added: 2, updated: 0, unchanged: 0, rejected: [] });
    expect(json(["ingest", "--json", dir], db)).toEqual({ added: 0, updated: 0, unchanged: 2, rejected: [] });
  });

  it("counts an edited article with the same url as updated", () => {
    const db = freshDb("ingest-update");
    const dir = writeArticles(path.join(tmp, "ingest-update"), { "atlantis.md": ATLANTIS_MD });
    json(["ingest", "--json", dir], db);
    fs.writeFileSync(path.join(dir, "atlantis.md"), ATLANTIS_MD.replace("six months", "nine months"));
    expect(json(["ingest", "--json", dir], db)).toEqual({ added: 0, updated: 1, unchanged: 0, rejected: [] });
  });

  it("rejects a missing path by name and exits non-zero when nothing was ingested", () => {
    const missing = path.join(tmp, "no-such-folder");
    const result = regbot(["ingest", "--json", missing], { db: freshDb("ingest-missing") });
    expect(result.code).toBe(1);
    expect(result.stderr).not.toContain(STACK_LINE);
    expect(JSON.parse(result.stdout)).toEqual({ added: 0, updated: 0, unchanged: 0, rejected: [{ path: missing, reason: "no such file or folder" }] });
  });

  it("still exits 0 when some paths were ingested and others rejected", () => {
    const missing = path.join(tmp, "also-missing.md");
    const dir = writeArticles(path.join(tmp, "ingest-mixed"), { "atlantis.md": ATLANTIS_MD });
    const result = regbot(["ingest", "--json", dir, missing], { db: freshDb("ingest-mixed") });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ added: 1, updated: 0, unchanged: 0, rejected: [{ path: missing, reason: "no such file or folder" }] });
  });

  it("never seeds the bundled corpus: a fresh database holds only what was ingested", () => {
    const db = freshDb("ingest-only");
    const dir = writeArticles(path.join(tmp, "ingest-only"), { "atlantis.md": ATLANTIS_MD });
    json(["ingest", "--json", dir], db);
    const { articles } = json<{ articles: JsonArticle[] }>(["latest", "--json"], db);
    expect(articles.map((a) => a.title)).toEqual(["Atlantis bans crypto mining on the island"]);
  });
});

describe("regbot remove", () => {
  it("retracts an article so that no later answer cites it", () => {
    const db = freshDb("remove");
    const before = json<JsonAnswer>(["ask", "--json", CHINA_QUESTION], db);
    const target = before.citations[0]!;
    const removed = regbot(["remove", target.id], { db });
    expect(removed.code).toBe(0);
    expect(removed.stdout).toBe(`Removed ${target.id}: ${target.title}\n`);

    const questions = [CHINA_QUESTION, target.title, "is bitcoin banned in china?", "latest news from China"];
    const result = regbot(["ask", "--json", "-"], { db, input: `${questions.join("\n")}\n` });
    expect(result.code).toBe(0);
    for (const line of result.stdout.trimEnd().split("\n")) {
      const ids = (JSON.parse(line) as JsonAnswer).citations.map((c) => c.id);
      expect(ids).not.toContain(target.id);
    }
    const { articles } = json<{ articles: JsonArticle[] }>(["latest", "--limit", "50", "--json"], db);
    expect(articles.map((a) => a.id)).not.toContain(target.id);
    expectOneLineFailure(regbot(["article", target.id], { db }), 1);
  });

  it("refuses an unknown id with a clear message", () => {
    const result = regbot(["remove", "ffffffffff"], { db: seededDb });
    expectOneLineFailure(result, 1);
    expect(result.stderr).toContain("No article with id “ffffffffff”");
  });
});

describe("bad input", () => {
  it("refuses an empty question with one line and exit 1", () => {
    const result = regbot(["ask", ""], { db: seededDb });
    expectOneLineFailure(result, 1);
    expect(result.stderr).toBe("regbot: Ask a question, e.g. “is crypto trading banned in China?”\n");
  });

  it("refuses a 20 KB question with one line and exit 1", () => {
    const result = regbot(["ask", "is bitcoin banned ".repeat(1200).slice(0, 20 * 1024)], { db: seededDb });
    expectOneLineFailure(result, 1);
    expect(result.stderr).toMatch(/^regbot: That question is [\d,]+ characters long; ask in at most 1000 characters\.\n$/);
  });

  it("answers an oversized question on stdin with a message and goes on with the next one", () => {
    const input = `${"x".repeat(20 * 1024)}\nis bitcoin banned in china?\n`;
    const result = regbot(["ask", "--json", "-"], { db: seededDb, input });
    expect(result.code).toBe(0);
    const [tooLong, fine] = result.stdout.trimEnd().split("\n").map((line) => JSON.parse(line) as JsonAnswer);
    expect(tooLong!.citations).toEqual([]);
    expect(tooLong!.answer).toContain("ask in at most 1000 characters");
    expect(fine!.citations.length).toBeGreaterThan(0);
  });

  it("refuses a corrupt database file without touching it, and says which file and how to fix it", () => {
    const dir = fs.mkdtempSync(path.join(tmp, "corrupt-"));
    const db = path.join(dir, "regbot.db");
    const garbage = Buffer.from("this is not a database, just garbage bytes\n".repeat(200));
    fs.writeFileSync(db, garbage);
    for (const args of [["ask", CHINA_QUESTION], ["latest", "--json"], ["ingest", "--json", dir], ["chat"]]) {
      const result = regbot(args, { db, input: "/latest\n" });
      expectOneLineFailure(result, 1);
      expect(result.stderr).toContain(db);
      expect(result.stderr).toMatch(/--db|REGBOT_DB/);
      expect(result.stderr).toMatch(/restore a backup/i);
      expect(fs.readFileSync(db).equals(garbage), `the database file changed after regbot ${args[0]}`).toBe(true);
    }
    expect(fs.readdirSync(dir)).toEqual(["regbot.db"]);
  });

  it("exits 2 for an unknown command and names it", () => {
    const result = regbot(["frobnicate"], { db: seededDb });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("unknown command 'frobnicate'");
    expect(result.stderr).not.toContain(STACK_LINE);
  });

  it("exits 2 for a bad --limit", () => {
    const result = regbot(["latest", "--limit", "99"], { db: seededDb });
    expectOneLineFailure(result, 2);
    expect(result.stderr).toBe("--limit takes a whole number from 1 to 50.\n");
  });
});

describe("regbot --help", () => {
  it("describes every command", () => {
    const result = regbot(["--help"], { db: seededDb });
    expect(result.code).toBe(0);
    for (const command of ["start", "chat", "ask", "latest", "article", "ingest", "remove"]) {
      expect(result.stdout).toMatch(new RegExp(`^  ${command}\\b.*\\S`, "m"));
    }
    expect(result.stdout).toContain("--db <path>");
  });

  it("describes ask's question, its - for stdin and its --json flag", () => {
    const result = regbot(["ask", "--help"], { db: seededDb });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Usage: regbot ask [options] <question...>");
    expect(result.stdout).toContain("--json");
    expect(result.stdout).toMatch(/- to read questions from standard input/);
  });
});

describe(".gitignore", () => {
  it("keeps the runtime database and its WAL and SHM files out of git", () => {
    const files = ["data/regbot.db", "data/regbot.db-wal", "data/regbot.db-shm"];
    const result = spawnSync("git", ["check-ignore", ...files], { cwd: ROOT, encoding: "utf8" });
    expect(result.error).toBeUndefined();
    expect(result.stdout.trimEnd().split("\n")).toEqual(files);
  });
});
