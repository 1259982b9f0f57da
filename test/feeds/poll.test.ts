import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createCore, type Core } from "../../src/core.js";
import { createFeedPoller, MAX_FAILURES } from "../../src/feeds/poll.js";
import { openTempStore, tempDir, writeFiles } from "../fakes/temp-store.js";
import { startFeedServer } from "../fakes/feed-server.js";

const FIXTURES = path.join(import.meta.dirname, "..", "fixtures", "feeds");
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name));

/** A core over an empty temp store whose clock is the day of the CoinDesk snapshot. */
function coreAt(iso = "2023-03-13T12:00:00Z"): { core: Core; clock: { now: Date } } {
  const clock = { now: new Date(iso) };
  const store = openTempStore(undefined, { now: () => clock.now });
  return { core: createCore({ store, now: () => clock.now }), clock };
}

function pollerFor(core: Core, clock: { now: Date }) {
  return createFeedPoller({ feeds: core.feeds, storeItems: (feed, items, source) => core.storeFeedItems(feed, items, source), now: () => clock.now, random: () => 0.5 });
}

const item = (fields: { title: string; link: string; guid?: string; body: string; date?: string }) => `
  <item>
    <title>${fields.title}</title>
    <link>${fields.link}</link>
    ${fields.guid ? `<guid isPermaLink="false">${fields.guid}</guid>` : ""}
    <pubDate>${fields.date ?? "Mon, 13 Mar 2023 09:00:00 GMT"}</pubDate>
    <description><![CDATA[${fields.body}]]></description>
  </item>`;
const rss = (title: string, items: string[]) => `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>${title}</title><link>https://example.org</link>${items.join("")}</channel></rss>`;

const STORY =
  "The European Commission fined the exchange Bitfront 4 million euros on Monday for breaching the anti-money laundering rules of the MiCA framework. " +
  "Regulators said the exchange failed to verify customers for two years and must now appoint an independent monitor. The exchange said it would appeal the decision in court.";

describe("polling feeds", () => {
  it("stores a real feed's items once: the second poll sends If-None-Match, gets 304 and adds nothing", async () => {
    const { core, clock } = coreAt();
    const server = await startFeedServer({ "/coindesk": { body: fixture("coindesk-2023-03-13.rss"), etag: '"snap-1"' } });
    const { feed } = core.feeds.add(server.url("/coindesk"));
    const poller = pollerFor(core, clock);

    // 50 items, one of them a headline without text (it is skipped, with the reason).
    const first = await poller.poll(feed);
    expect(first).toMatchObject({ outcome: "new", added: 49, error: null, skipped: [{ item: 19, reason: "no text" }] });
    expect(core.count()).toBe(49);

    const second = await poller.poll(core.feeds.get(feed.url)!);
    expect(second.outcome).toBe("not-modified");
    expect(server.hits("/coindesk")[1]!.headers["if-none-match"]).toBe('"snap-1"');
    expect(core.count()).toBe(49);
  });

  it("adds nothing when a server without validators serves the same feed again", async () => {
    const { core, clock } = coreAt();
    const server = await startFeedServer({ "/coindesk": { body: fixture("coindesk-2023-03-13.rss") } });
    const { feed } = core.feeds.add(server.url("/coindesk"));
    const poller = pollerFor(core, clock);
    await poller.poll(feed);
    const again = await poller.poll(core.feeds.get(feed.url)!);
    expect(again).toMatchObject({ outcome: "unchanged", added: 0, updated: 0 });
    expect(core.count()).toBe(49);
  });

  it("marks the Policy section and the Regulations tag as regulation news, and a liquidation story not", async () => {
    const { core, clock } = coreAt();
    const server = await startFeedServer({ "/coindesk": { body: fixture("coindesk-2023-03-13.rss") } });
    await pollerFor(core, clock).poll(core.feeds.add(server.url("/coindesk")).feed);
    const byTitle = new Map(core.latest({ limit: 50, all: true }).map((a) => [a.title, core.article(a.id)]));
    expect(byTitle.get("EU Merchants Could Be Required to Accept Digital Euro, Ministers Told")?.relevant).toBe(true);
    expect(byTitle.get("HSBC Subsidiary to Acquire Silicon Valley Bank's U.K. Unit for 1 Pound")?.relevant).toBe(true);
    expect(byTitle.get("Bitcoin Regains $20K After $200M in Crypto Liquidations; Some Traders Brush Off USDC Fears")?.relevant).toBe(false);
    const latest = core.latest({ limit: 50 }).map((a) => a.title);
    expect(latest).toContain("EU Merchants Could Be Required to Accept Digital Euro, Ministers Told");
    expect(latest).not.toContain("Bitcoin Regains $20K After $200M in Crypto Liquidations; Some Traders Brush Off USDC Fears");
  });

  it("keeps the articles' source as the feed's title, or the name the user gave the feed", async () => {
    const { core, clock } = coreAt();
    const server = await startFeedServer({ "/coindesk": { body: fixture("coindesk-2023-03-13.rss") } });
    await pollerFor(core, clock).poll(core.feeds.add(server.url("/coindesk"), { name: "CoinDesk Policy" }).feed);
    expect(new Set(core.latest({ limit: 50, all: true }).map((a) => a.source))).toEqual(new Set(["CoinDesk Policy"]));
  });

  it("reports each broken feed in words, keeps polling the others, and touches nothing stored", async () => {
    const { core, clock } = coreAt();
    const server = await startFeedServer({
      "/good": { body: rss("Good desk", [item({ title: "SEC sues exchange over unregistered securities", link: "https://example.org/sec", body: STORY })]) },
      "/unrecognized": { body: fixture("unrecognized.rss") },
      "/html": { body: "<!DOCTYPE html><html><head><title>Home</title></head><body><p>Welcome</p></body></html>", contentType: "text/html" },
      "/invalid": { body: "<rss><channel><item><title>x</item>" },
      "/error": { status: 500, body: "oops" },
    });
    for (const p of ["/unrecognized", "/html", "/invalid", "/error", "/good"]) core.feeds.add(server.url(p));
    const versionBefore = core.count();
    const results = await pollerFor(core, clock).pollAll();
    const byPath = new Map(results.map((r) => [new URL(r.url).pathname, r]));
    expect(byPath.get("/good")).toMatchObject({ outcome: "new", added: 1 });
    expect(byPath.get("/error")).toMatchObject({ outcome: "failed", error: "HTTP 500 Internal Server Error" });
    expect(byPath.get("/html")!.error).toMatch(/HTML page/);
    expect(byPath.get("/unrecognized")!.outcome).toBe("failed");
    expect(byPath.get("/unrecognized")!.error).toBeTruthy();
    expect(byPath.get("/invalid")!.outcome).toBe("failed");
    expect(core.count()).toBe(versionBefore + 1);
    const listed = new Map(core.feeds.list().map((f) => [new URL(f.url).pathname, f]));
    expect(listed.get("/error")).toMatchObject({ failures: 1, errorsTotal: 1, status: "HTTP 500 Internal Server Error" });
    expect(listed.get("/good")).toMatchObject({ failures: 0, itemsAdded: 1, status: "ok: 1 new" });
  });

  it("backs off a failing feed (doubling) and disables it after many failures in a row, keeping the reason", async () => {
    const { core, clock } = coreAt();
    const server = await startFeedServer({ "/down": { status: 503, body: "" } });
    const poller = pollerFor(core, clock);
    let feed = core.feeds.add(server.url("/down")).feed;
    const waits: number[] = [];
    for (let i = 0; i < MAX_FAILURES; i++) {
      const result = await poller.poll(feed);
      feed = core.feeds.get(feed.url)!;
      waits.push(new Date(feed.nextPollAt!).getTime() - clock.now.getTime());
      if (i < MAX_FAILURES - 1) expect(result.disabled).toBeNull();
      else expect(result.disabled).toMatch(/^10 failures in a row; the last: HTTP 503/);
    }
    expect(waits[1]).toBe(2 * waits[0]!);
    expect(waits[2]).toBe(2 * waits[1]!);
    expect(Math.max(...waits)).toBe(24 * 60 * 60 * 1000);
    expect(feed.disabledReason).toMatch(/HTTP 503/);
    expect(core.feeds.due(new Date("2030-01-01"))).toEqual([]);
    // Adding it again enables it.
    expect(core.feeds.add(feed.url).feed).toMatchObject({ disabledReason: null, failures: 0 });
  });

  it("stores the same story from two outlets once, keeping the second outlet's link as an alternate", async () => {
    const { core, clock } = coreAt();
    const server = await startFeedServer({
      "/a": { body: rss("Outlet A", [item({ title: "EU fines exchange Bitfront 4 million euros under MiCA", link: "https://outlet-a.example/bitfront", body: STORY })]) },
      "/b": {
        body: rss("Outlet B", [
          item({ title: "EU fines crypto exchange Bitfront 4 million euros under MiCA", link: "https://outlet-b.example/news/bitfront?utm_source=rss", body: `${STORY} Shares of listed exchanges were unchanged.` }),
        ]),
      },
    });
    const poller = pollerFor(core, clock);
    await poller.poll(core.feeds.add(server.url("/a")).feed);
    const b = await poller.poll(core.feeds.add(server.url("/b")).feed);
    expect(b).toMatchObject({ added: 0, merged: 1 });
    expect(core.count()).toBe(1);
    const [stored] = core.latest({ limit: 5, all: true });
    expect(core.article(stored!.id).alternates).toEqual(["https://outlet-b.example/news/bitfront"]);
  });

  it("finds the other outlet's copy published a day later, and not one published a month later", async () => {
    const { core, clock } = coreAt();
    const copy = (date: string, link: string) => item({ title: "EU fines crypto exchange Bitfront 4 million euros under MiCA", link, body: STORY, date });
    const server = await startFeedServer({
      "/a": { body: rss("Outlet A", [item({ title: "EU fines exchange Bitfront 4 million euros under MiCA", link: "https://outlet-a.example/bitfront", body: STORY })]) },
      "/b": { body: rss("Outlet B", [copy("Tue, 14 Mar 2023 09:00:00 GMT", "https://outlet-b.example/1"), copy("Thu, 13 Apr 2023 09:00:00 GMT", "https://outlet-c.example/1")]) },
    });
    const poller = pollerFor(core, clock);
    await poller.poll(core.feeds.add(server.url("/a")).feed);
    expect(await poller.poll(core.feeds.add(server.url("/b")).feed)).toMatchObject({ added: 1, merged: 1 });
  });

  it("stores two stories that differ only in a number as two articles", async () => {
    const { core, clock } = coreAt();
    const server = await startFeedServer({
      "/a": { body: rss("Outlet A", [item({ title: "EU fines exchange Bitfront 4 million euros under MiCA", link: "https://outlet-a.example/1", body: STORY })]) },
      "/b": { body: rss("Outlet B", [item({ title: "EU fines exchange Bitfront 5 million euros under MiCA", link: "https://outlet-b.example/2", body: STORY.replace("4 million", "5 million") })]) },
    });
    const poller = pollerFor(core, clock);
    await poller.poll(core.feeds.add(server.url("/a")).feed);
    expect(await poller.poll(core.feeds.add(server.url("/b")).feed)).toMatchObject({ added: 1, merged: 0 });
    expect(core.count()).toBe(2);
  });

  it("knows an item by its guid when its link changes, so the article keeps its id", async () => {
    const { core, clock } = coreAt();
    const server = await startFeedServer({ "/feed": { body: rss("Desk", [item({ title: "SEC sues exchange", link: "https://example.org/old", guid: "story-42", body: STORY })]) } });
    const poller = pollerFor(core, clock);
    const feed = core.feeds.add(server.url("/feed")).feed;
    await poller.poll(feed);
    const [before] = core.latest({ limit: 1, all: true });
    server.routes["/feed"] = { body: rss("Desk", [item({ title: "SEC sues exchange over securities", link: "https://example.org/new", guid: "story-42", body: STORY })]) };
    expect(await poller.poll(core.feeds.get(feed.url)!)).toMatchObject({ added: 0, updated: 1 });
    expect(core.count()).toBe(1);
    expect(core.article(before!.id)).toMatchObject({ title: "SEC sues exchange over securities", url: "https://example.org/new" });
  });

  it("does not bring back an article the user removed", async () => {
    const { core, clock } = coreAt();
    const server = await startFeedServer({ "/feed": { body: rss("Desk", [item({ title: "SEC sues exchange", link: "https://example.org/x", body: STORY })]) } });
    const poller = pollerFor(core, clock);
    const feed = core.feeds.add(server.url("/feed")).feed;
    await poller.poll(feed);
    core.remove(core.latest({ limit: 1, all: true })[0]!.id);
    await poller.poll(core.feeds.get(feed.url)!);
    expect(core.count()).toBe(0);
    // Not under a new link with the same guid either, nor as the same text elsewhere.
    server.routes["/feed"] = {
      body: rss("Desk", [
        item({ title: "SEC sues exchange", link: "https://example.org/x-moved", guid: "https://example.org/x", body: STORY }),
        item({ title: "SEC sues exchange", link: "https://mirror.example/x", body: STORY }),
      ]),
    };
    await poller.poll(core.feeds.get(feed.url)!);
    expect(core.count()).toBe(0);
  });

  it("makes new articles searchable at once", async () => {
    const { core, clock } = coreAt();
    const server = await startFeedServer({ "/coindesk": { body: fixture("coindesk-2023-03-13.rss") } });
    await pollerFor(core, clock).poll(core.feeds.add(server.url("/coindesk")).feed);
    const answer = core.ask("will merchants have to accept the digital euro?");
    expect(answer.citations[0]?.article.title).toBe("EU Merchants Could Be Required to Accept Digital Euro, Ministers Told");
  });

  it("retracts what a feed brought when it is purged", async () => {
    const { core, clock } = coreAt();
    const server = await startFeedServer({ "/coindesk": { body: fixture("coindesk-2023-03-13.rss") } });
    const feed = core.feeds.add(server.url("/coindesk")).feed;
    await pollerFor(core, clock).poll(feed);
    expect(core.retractFeed(feed.id)).toBe(49);
    expect(core.count()).toBe(0);
    expect(core.ask("digital euro merchants").citations).toEqual([]);
  });

  it("stores the items of feed files given to ingest the same way: another outlet's copy once, as an alternate", () => {
    const { core } = coreAt();
    const dir = writeFiles(tempDir(), {
      "a.rss": rss("Outlet A", [item({ title: "EU fines exchange Bitfront 4 million euros under MiCA", link: "https://outlet-a.example/bitfront", guid: "a-1", body: STORY })]),
      "b.xml": rss("Outlet B", [item({ title: "EU fines crypto exchange Bitfront 4 million euros under MiCA", link: "https://outlet-b.example/bitfront", guid: "b-1", body: STORY })]),
    });
    expect(core.ingest([dir])).toEqual({ added: 1, updated: 0, unchanged: 1, rejected: [] });
    const [stored] = core.latest({ limit: 5, all: true });
    expect(core.article(stored!.id)).toMatchObject({ guid: "a-1", alternates: ["https://outlet-b.example/bitfront"] });
    // Again: nothing changes.
    expect(core.ingest([dir])).toEqual({ added: 0, updated: 0, unchanged: 2, rejected: [] });
  });
});
