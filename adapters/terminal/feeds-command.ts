import { Command, CommanderError } from "commander";
import pc from "picocolors";
import type { Core } from "../../src/core.js";
import { RegbotError } from "../../src/errors.js";
import type { Feed } from "../../src/feeds/feed-store.js";
import { createFeedPoller, type FeedPollResult } from "../../src/feeds/poll.js";

/** What the `feeds` commands need from the CLI. */
export interface FeedsCommandDeps {
  readonly withCore: <T>(work: (core: Core) => T | Promise<T>) => Promise<T>;
  readonly out: (line: string) => void;
  readonly color: () => boolean;
  /** Minutes between polls of a feed (REGBOT_FEED_INTERVAL); read when a command runs. Default 15. */
  readonly intervalMinutes?: () => number;
}

/** Checks a feed URL as typed: http(s) only; returned in its canonical form (the key `feeds remove` matches). */
export function feedUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new CommanderError(2, "regbot.usage", `“${raw.slice(0, 200)}” is not a URL. Give the feed's address, e.g. https://www.coindesk.com/arc/outboundfeeds/rss/`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new CommanderError(2, "regbot.usage", `Feeds are fetched over http or https, not ${url.protocol}`);
  url.hash = "";
  return url.toString();
}

/** The `regbot feeds` commands: add, list, remove, poll. */
export function feedsCommand(deps: FeedsCommandDeps): Command {
  const { out } = deps;
  const feeds = new Command("feeds").description("News feeds (RSS, Atom, JSON Feed) that `regbot start` polls (every 15 minutes unless REGBOT_FEED_INTERVAL says otherwise).");
  const interval = () => deps.intervalMinutes?.() ?? 15;
  const poller = (core: Core) =>
    createFeedPoller({ feeds: core.feeds, storeItems: (feed, items, source) => core.storeFeedItems(feed, items, source), intervalMinutes: interval() });

  feeds
    .command("add")
    .description("Add a feed. Fetches it at once and stores its articles; refuses what is not a feed (unless --no-check).")
    .argument("<url>", "the feed's http(s) address")
    .option("--name <name>", "a name to show as the articles' source (default: the feed's own title)")
    .option("--no-check", "add it without fetching it now (it is polled by `regbot start` or `regbot feeds poll`)")
    .action((raw: string, opts: { name?: string; check: boolean }) => {
      const url = feedUrl(raw);
      const name = opts.name?.trim() || null;
      return deps.withCore(async (core) => {
        const { feed, created, reenabled } = core.feeds.add(url, { name });
        if (!created && !reenabled) {
          out(`Already polling ${url}${name ? ` (as “${name}”)` : ""}.`);
          return;
        }
        if (!opts.check) {
          out(`${created ? "Added" : "Re-enabled"} ${url}; \`regbot start\` polls it every ${interval()} minutes (or now: regbot feeds poll).`);
          return;
        }
        const result = await poller(core).poll(feed);
        if (result.outcome === "failed") {
          if (created) core.feeds.remove(url);
          throw new RegbotError("BAD_INPUT", `Not added: ${url} ${result.error}. Check the address (a site's feed is often at /feed, /rss or /atom.xml), or add it anyway with --no-check.`);
        }
        const stored = core.feeds.get(url);
        const title = stored?.name ?? stored?.title;
        out(`${created ? "Added" : "Re-enabled"} ${title ? `“${title}” ` : ""}${url}: ${describeResult(result)}.`);
      });
    });

  feeds
    .command("list")
    .description("List feeds with their last status, last new item and error count.")
    .option("--json", "print {feeds: [...]} as JSON")
    .action((opts: { json?: boolean }) =>
      deps.withCore((core) => {
        const list = core.feeds.list();
        if (opts.json) return out(JSON.stringify({ feeds: list }));
        if (list.length === 0) return out("No feeds yet. Add one: regbot feeds add URL");
        out(list.map((f) => renderFeed(f, deps.color())).join("\n\n"));
      }),
    );

  feeds
    .command("remove")
    .description("Stop polling a feed. Its articles stay unless --purge.")
    .argument("<url>", "the feed's address, as `feeds list` shows it")
    .option("--purge", "also retract the articles it brought")
    .action((raw: string, opts: { purge?: boolean }) =>
      deps.withCore((core) => {
        const url = feedUrl(raw);
        const feed = core.feeds.get(url);
        if (!feed) throw new RegbotError("NOT_FOUND", `No feed ${url}. \`regbot feeds list\` shows the feeds.`);
        const purged = opts.purge ? core.retractFeed(feed.id) : 0;
        core.feeds.remove(url);
        out(`Removed ${url}${opts.purge ? `; retracted ${purged} article${purged === 1 ? "" : "s"} it brought` : `; its ${feed.itemsAdded} article${feed.itemsAdded === 1 ? "" : "s"} stay`}.`);
      }),
    );

  feeds
    .command("poll")
    .description("Poll every enabled feed once, now. Exits 0 when the run completed, even if some feeds failed (each is named).")
    .option("--json", "print {feeds: [...]} with each feed's result")
    .action((opts: { json?: boolean }) =>
      deps.withCore(async (core) => {
        const results = await poller(core).pollAll();
        if (opts.json) return out(JSON.stringify({ feeds: results }));
        if (results.length === 0) return out("No feeds to poll. Add one: regbot feeds add URL");
        for (const r of results) out(`${r.outcome === "failed" ? "FAILED" : "ok"} ${r.name ?? r.url}: ${describeResult(r)}`);
        const failed = results.filter((r) => r.outcome === "failed").length;
        const added = results.reduce((n, r) => n + r.added, 0);
        out(`${results.length} feed${results.length === 1 ? "" : "s"} polled, ${added} new article${added === 1 ? "" : "s"}${failed ? `, ${failed} failed` : ""}.`);
      }),
    );
  return feeds;
}

function describeResult(r: FeedPollResult): string {
  if (r.outcome === "failed") return `${r.error}${r.disabled ? " — the feed is now disabled; `regbot feeds add URL` enables it again" : ""}`;
  if (r.outcome === "not-modified") return "not modified since the last poll";
  const parts = [`${r.added} new`];
  if (r.updated) parts.push(`${r.updated} updated`);
  if (r.merged) parts.push(`${r.merged} already stored from another outlet`);
  if (r.skipped.length) parts.push(`${r.skipped.length} item${r.skipped.length === 1 ? "" : "s"} skipped (${r.skipped[0]!.reason})`);
  return parts.join(", ");
}

function renderFeed(f: Feed, color: boolean): string {
  const c = color ? pc : { bold: (s: string) => s, red: (s: string) => s, dim: (s: string) => s };
  const day = (iso: string | null) => (iso ? iso.replace("T", " ").slice(0, 16) : "never");
  const lines = [c.bold(f.name ?? f.title ?? f.url), `  ${f.url}`];
  if (f.disabledReason) lines.push(c.red(`  DISABLED: ${f.disabledReason}`));
  lines.push(`  last poll: ${day(f.polledAt)}${f.status ? ` (${f.status})` : ""}`);
  lines.push(`  last new item: ${day(f.newItemAt)}; ${f.itemsAdded} articles in all`);
  lines.push(`  errors: ${f.failures} in a row, ${f.errorsTotal} in all${f.disabledReason ? "" : `; next poll: ${f.nextPollAt ? day(f.nextPollAt) : "at the next start"}`}`);
  return lines.join("\n");
}
