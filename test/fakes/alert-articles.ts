/**
 * New regulation articles both chat adapters' alert tests ingest after a chat subscribes: published in the week
 * before {@link ALERT_NOW} (older ones are not announced), as JSON files (file name → contents) for `core.ingest`.
 */
import path from "node:path";
import { expect } from "vitest";
import type { Core } from "../../src/core.js";
import { asJson } from "./articles.js";
import { tempDir, writeFiles } from "./temp-store.js";

/** The clock of the alert tests' core: the articles below are from the days before. */
export const ALERT_NOW = new Date("2024-07-20T12:00:00Z");

/** A title that breaks HTML and markdown and would ping everyone if echoed raw. */
export const HOSTILE_TITLE = "EU stablecoin rules <3 </a> _*[ & <b>bold</b> @everyone <@&123456789012345678>";

export const EU_GUIDANCE = {
  title: "EU regulators publish MiCA stablecoin guidance",
  url: "https://news.example/eu/guidance?a=1&b=2",
  source: "EU Desk",
  publishedAt: "2024-07-19",
  jurisdictions: ["European Union"],
  body: "The European Banking Authority published guidance for stablecoin issuers under MiCA. Issuers must hold reserves and apply for a licence.",
};

export const HOSTILE = {
  title: HOSTILE_TITLE,
  url: "https://news.example/eu/hostile",
  source: "Chain <Wire> & Co",
  publishedAt: "2024-07-18",
  jurisdictions: ["European Union"],
  body: "The European Union regulator said stablecoin issuers must follow the new licensing rules <script>alert(1)</script> and publish reserves.",
};

export const HONG_KONG = {
  title: "Hong Kong names its first licensed stablecoin issuers",
  url: "https://news.example/hk/issuers",
  source: "HK Wire",
  publishedAt: "2024-07-17",
  jurisdictions: ["Hong Kong"],
  body: "The Hong Kong Monetary Authority licensed its first stablecoin issuers under the new regulation.",
};

/** `n` more EU stablecoin articles, one a day backwards from 2024-07-19 (for digests). */
export function euSeries(n: number): Array<typeof EU_GUIDANCE> {
  return Array.from({ length: n }, (_, i) => ({
    title: `EU stablecoin regulation update number ${i + 1}`,
    url: `https://news.example/eu/update-${i + 1}`,
    source: "EU Desk",
    publishedAt: `2024-07-${String(19 - (i % 7)).padStart(2, "0")}`,
    jurisdictions: ["European Union"],
    body: `Update ${i + 1}: the European Union regulator set new licensing rules and reserve requirements for stablecoin issuers.`,
  }));
}

/** Ingests `articles` into `core` as new arrivals (queueing alerts for the chats subscribed); returns their ids, in order. */
export function arrive(core: Core, articles: ReadonlyArray<object>): string[] {
  const dir = path.join(tempDir(), "arrivals");
  const files = Object.fromEntries(articles.map((a, i) => [`a${String(i).padStart(2, "0")}.json`, asJson(a)]));
  const report = core.ingest([writeFiles(dir, files)]);
  expect(report.rejected).toEqual([]);
  const byTitle = new Map(core.latest({ limit: 50, all: true }).map((a) => [a.title, a.id]));
  return articles.map((a) => {
    const id = byTitle.get((a as { title: string }).title);
    expect(id, (a as { title: string }).title).toBeDefined();
    expect(core.article(id!).relevant, "a regulation article").toBe(true);
    return id!;
  });
}

/** What `dispatchAlerts` needs to read articles from a core. */
export function articleReader(core: Core): (id: string) => ReturnType<Core["article"]> | undefined {
  return (id) => {
    try {
      return core.article(id);
    } catch {
      return undefined;
    }
  };
}
