import { execFile } from "node:child_process";
import Database from "better-sqlite3";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { startFeedServer } from "../../fakes/feed-server.js";
import { tempDir } from "../../fakes/temp-store.js";
import { REGBOT_BIN, outsideCheckout } from "../../fakes/regbot-process.js";

// End to end: `regbot feeds …` and `regbot ingest` of feed files and pages, through the real bin/regbot on the
// compiled dist/, against a loopback feed server. Asynchronous child processes, so the server can answer.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const FIXTURES = path.join(ROOT, "test", "fixtures");

function regbot(args: readonly string[], db: string, extra: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, REGBOT_DB: db, TELEGRAM_BOT_TOKEN: "", DISCORD_TOKEN: "", NO_COLOR: "1", ...extra };
  delete env.REGBOT_DEBUG;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [REGBOT_BIN, ...args], { cwd: outsideCheckout(), env, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
      if (code === null) reject(error);
      else resolve({ code, stdout, stderr });
    });
  });
}

const coindesk = () => fs.readFileSync(path.join(FIXTURES, "feeds", "coindesk-2023-03-13.rss"));

describe("regbot feeds", () => {
  it("adds a feed and stores its articles at once; list shows its status; a second add says it is there", async () => {
    const server = await startFeedServer({ "/rss": { body: coindesk(), etag: '"a"' } });
    const db = path.join(tempDir(), "regbot.db");
    const added = await regbot(["feeds", "add", server.url("/rss"), "--name", "CoinDesk"], db);
    expect(added.code).toBe(0);
    expect(added.stdout).toContain(`Added “CoinDesk” ${server.url("/rss")}: 49 new, 1 item skipped (no text).`);

    const list = await regbot(["feeds", "list", "--json"], db);
    const [feed] = (JSON.parse(list.stdout) as { feeds: Array<{ url: string; status: string; itemsAdded: number; failures: number; newItemAt: string | null }> }).feeds;
    expect(feed).toMatchObject({ url: server.url("/rss"), status: "ok: 49 new", itemsAdded: 49, failures: 0 });
    expect(feed!.newItemAt).not.toBeNull();

    const latest = await regbot(["latest", "-n", "50", "--json"], db);
    const titles = (JSON.parse(latest.stdout) as { articles: Array<{ title: string }> }).articles.map((a) => a.title);
    expect(titles).toContain("EU Merchants Could Be Required to Accept Digital Euro, Ministers Told");
    expect(titles).not.toContain("Bitcoin Regains $20K After $200M in Crypto Liquidations; Some Traders Brush Off USDC Fears");

    const again = await regbot(["feeds", "add", server.url("/rss")], db);
    expect(again.stdout).toBe(`Already polling ${server.url("/rss")}.\n`);
  });

  it("refuses to add what is not a feed, saying what it found, and keeps nothing", async () => {
    const server = await startFeedServer({ "/page": { body: "<!DOCTYPE html><html><head><title>News</title></head><body>Hi</body></html>", contentType: "text/html" } });
    const db = path.join(tempDir(), "regbot.db");
    const result = await regbot(["feeds", "add", server.url("/page")], db);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^regbot: Not added: http:\/\/127\.0\.0\.1:\d+\/page .*HTML page/);
    expect(result.stderr).toContain("--no-check");
    expect((await regbot(["feeds", "list"], db)).stdout).toContain("No feeds yet");
  });

  it("polls every feed, names each failure, and exits 0 when the run completed", async () => {
    const server = await startFeedServer({ "/rss": { body: coindesk() }, "/broken": { status: 500 } });
    const db = path.join(tempDir(), "regbot.db");
    const added = await regbot(["feeds", "add", "--no-check", server.url("/rss")], db, { REGBOT_FEED_INTERVAL: "30" });
    expect(added.stdout).toContain("`regbot start` polls it every 30 minutes");
    expect((await regbot(["feeds", "add", "--no-check", server.url("/broken")], db)).code).toBe(0);
    const polled = await regbot(["feeds", "poll"], db);
    expect(polled.code).toBe(0);
    expect(polled.stdout).toContain(`FAILED ${server.url("/broken")}: HTTP 500 Internal Server Error`);
    expect(polled.stdout).toContain(`ok ${server.url("/rss")}: 49 new`);
    expect(polled.stdout).toContain("2 feeds polled, 49 new articles, 1 failed.");
    const list = await regbot(["feeds", "list"], db);
    expect(list.stdout).toContain("errors: 1 in a row, 1 in all");
  });

  it("removes a feed, keeping its articles, or retracting them with --purge", async () => {
    const server = await startFeedServer({ "/rss": { body: coindesk() } });
    const db = path.join(tempDir(), "regbot.db");
    await regbot(["feeds", "add", server.url("/rss")], db);
    const removed = await regbot(["feeds", "remove", server.url("/rss"), "--purge"], db);
    expect(removed.stdout).toContain("retracted 49 articles it brought");
    const latest = JSON.parse((await regbot(["latest", "-n", "50", "--all", "--json"], db)).stdout) as { articles: Array<{ source: string | null }> };
    expect(latest.articles.filter((a) => a.source === "CoinDesk")).toEqual([]);
    const again = await regbot(["feeds", "remove", server.url("/rss")], db);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("No feed");

    // Without --purge the articles stay.
    server.routes["/heise"] = { body: fs.readFileSync(path.join(FIXTURES, "feeds", "heise.atom")), contentType: "application/atom+xml" };
    await regbot(["feeds", "add", server.url("/heise"), "--name", "heise"], db);
    const kept = await regbot(["feeds", "remove", server.url("/heise")], db);
    const stay = Number(/its (\d+) articles stay/.exec(kept.stdout)?.[1]);
    expect(stay).toBeGreaterThan(0);
    const reader = new Database(db, { readonly: true });
    const live = reader.prepare("SELECT count(*) AS n FROM articles WHERE source = 'heise' AND retracted_at IS NULL").get() as { n: number };
    reader.close();
    expect(live.n).toBe(stay);
  });

  it("enables a disabled feed again when it is added again, fetching it at once", async () => {
    const server = await startFeedServer({ "/rss": { body: coindesk() } });
    const db = path.join(tempDir(), "regbot.db");
    await regbot(["feeds", "add", "--no-check", server.url("/rss")], db);
    const writer = new Database(db);
    writer.prepare("UPDATE feeds SET disabled_reason = '10 failures in a row; the last: HTTP 500', failures = 10").run();
    writer.close();
    expect((await regbot(["feeds", "list"], db)).stdout).toContain("DISABLED: 10 failures in a row");

    const again = await regbot(["feeds", "add", server.url("/rss")], db);
    expect(again.stdout).toContain(`Re-enabled “CoinDesk: Bitcoin, Ethereum, Crypto News and Price Data” ${server.url("/rss")}: 49 new`);
    const list = await regbot(["feeds", "list"], db);
    expect(list.stdout).not.toContain("DISABLED");
    expect(list.stdout).toContain("errors: 0 in a row");
  });

  it("refuses a URL that is not http(s) as a usage error", async () => {
    const db = path.join(tempDir(), "regbot.db");
    const result = await regbot(["feeds", "add", "ftp://example.org/feed"], db);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Feeds are fetched over http or https, not ftp:");
  });
});

describe("regbot ingest of feed files and pages", () => {
  it("stores each item of an RSS file, and the article text of an HTML page", async () => {
    const db = path.join(tempDir(), "regbot.db");
    const result = await regbot(["ingest", "--json", path.join(FIXTURES, "feeds", "coindesk-2023-03-13.rss"), path.join(FIXTURES, "html", "bbc-1", "source.html")], db);
    const report = JSON.parse(result.stdout) as { added: number; rejected: Array<{ path: string; reason: string }> };
    expect(report.added).toBe(50);
    expect(report.rejected).toEqual([{ path: `${path.join(FIXTURES, "feeds", "coindesk-2023-03-13.rss")} (item 19)`, reason: "no text" }]);
  });

  it("rejects a file that is not a feed with the reason, and still ingests the rest", async () => {
    const db = path.join(tempDir(), "regbot.db");
    const result = await regbot(["ingest", "--json", path.join(FIXTURES, "feeds", "unrecognized.rss"), path.join(FIXTURES, "feeds", "heise.atom")], db);
    const report = JSON.parse(result.stdout) as { added: number; rejected: Array<{ path: string; reason: string }> };
    expect(report.added).toBeGreaterThan(0);
    expect(report.rejected.map((r) => r.path)).toEqual([path.join(FIXTURES, "feeds", "unrecognized.rss")]);
  });
});
