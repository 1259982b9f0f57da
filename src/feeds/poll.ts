import type { ArticleDraft } from "../articles/article.js";
import { silentLogger, type Logger } from "../logger.js";
import type { Feed, FeedStore } from "./feed-store.js";
import { FetchError, fetchConditional, type FetchLimits } from "./fetch-feed.js";
import { parseFeedDocument } from "./parse-feed.js";
import type { FeedItemsReport } from "./store-items.js";

/** What polling one feed did. */
export interface FeedPollResult {
  readonly url: string;
  readonly name: string | null;
  readonly outcome: "new" | "unchanged" | "not-modified" | "failed";
  readonly added: number;
  readonly updated: number;
  readonly merged: number;
  /** Items the feed held that could not become articles, with why. */
  readonly skipped: ReadonlyArray<{ item: number; reason: string }>;
  /** Why the poll failed, in words. */
  readonly error: string | null;
  /** Set when this failure disabled the feed. */
  readonly disabled: string | null;
}

/** What the poller needs. */
export interface FeedPollerDeps {
  readonly feeds: FeedStore;
  /** Stores a feed's items as articles (deduplicated) and reports what it did. */
  readonly storeItems: (feed: Feed, items: readonly ArticleDraft[], source: string | null) => FeedItemsReport;
  readonly now?: () => Date;
  /** Random number in [0, 1), for the jitter. */
  readonly random?: () => number;
  /** Minutes between polls of a healthy feed. Default 15. */
  readonly intervalMinutes?: number;
  readonly limits?: FetchLimits;
  readonly logger?: Logger;
}

/** Failures in a row after which a feed is disabled (until `feeds add` names it again). */
export const MAX_FAILURES = 10;
/** The longest wait between polls of a failing feed. */
const MAX_BACKOFF_MS = 24 * 60 * 60 * 1000;

/** Polls feeds: fetched conditionally, parsed, stored once; failures back off and, in the end, disable a feed. */
export interface FeedPoller {
  /** Polls one feed now. Never throws for a feed's own failure: the result says what went wrong. */
  poll(feed: Feed): Promise<FeedPollResult>;
  /** Polls every enabled feed, one after another. */
  pollAll(): Promise<FeedPollResult[]>;
  /** Polls the feeds that are due. */
  pollDue(): Promise<FeedPollResult[]>;
}

/** Creates a poller over the feed store. */
export function createFeedPoller(deps: FeedPollerDeps): FeedPoller {
  const now = deps.now ?? (() => new Date());
  const random = deps.random ?? Math.random;
  const logger = deps.logger ?? silentLogger;
  const intervalMs = (deps.intervalMinutes ?? 15) * 60_000;
  /** The next poll after a success: the interval, give or take a tenth, so feeds of one host spread out. */
  const nextAfterSuccess = (at: Date) => new Date(at.getTime() + intervalMs * (0.9 + 0.2 * random()));
  /** After the n-th failure in a row: the interval doubled n times, capped at a day. */
  const nextAfterFailure = (at: Date, failures: number) => new Date(at.getTime() + Math.min(intervalMs * 2 ** failures, MAX_BACKOFF_MS) * (0.9 + 0.2 * random()));

  const fail = (feed: Feed, at: Date, error: string): FeedPollResult => {
    const failures = feed.failures + 1;
    const disable = failures >= MAX_FAILURES ? `${failures} failures in a row; the last: ${error}` : null;
    deps.feeds.recordFailure(feed.id, { status: error, at, nextPollAt: nextAfterFailure(at, failures), disable });
    logger.warn({ feed: feed.url, failures, error }, disable ? "feed disabled" : "feed poll failed");
    return { url: feed.url, name: feed.name, outcome: "failed", added: 0, updated: 0, merged: 0, skipped: [], error, disabled: disable };
  };

  const poll = async (feed: Feed): Promise<FeedPollResult> => {
    const started = now();
    let fetched;
    try {
      fetched = await fetchConditional(feed.url, { etag: feed.etag, lastModified: feed.lastModified }, deps.limits);
    } catch (error) {
      return fail(feed, now(), error instanceof FetchError ? error.message : `unexpected error: ${String(error)}`);
    }
    if (fetched.kind === "not-modified") {
      deps.feeds.recordSuccess(feed.id, { status: "not modified", title: null, etag: feed.etag, lastModified: feed.lastModified, added: 0, at: started, nextPollAt: nextAfterSuccess(started) });
      return { url: feed.url, name: feed.name, outcome: "not-modified", added: 0, updated: 0, merged: 0, skipped: [], error: null, disabled: null };
    }
    const parsed = parseFeedDocument(fetched.body, { contentType: fetched.contentType });
    if ("error" in parsed) return fail(feed, now(), parsed.error);
    if (parsed.items.length === 0 && parsed.skipped.length > 0) {
      return fail(feed, now(), `no usable items (${parsed.skipped.length} skipped: ${parsed.skipped[0]!.reason})`);
    }
    let stored: FeedItemsReport;
    try {
      // Each item keeps the source the feed gives it (its own <source>, else the feed's title) unless the user named the feed.
      stored = deps.storeItems(feed, parsed.items, feed.name);
    } catch (error) {
      // The store refused (a full disk, a read-only file): the feed is fine, so its validators are not saved and
      // the next poll fetches everything again.
      return fail(feed, now(), `could not store its articles: ${error instanceof Error ? error.message : String(error)}`);
    }
    const at = now();
    const status = stored.added > 0 ? `ok: ${stored.added} new` : "ok: nothing new";
    deps.feeds.recordSuccess(feed.id, { status, title: parsed.title, etag: fetched.etag, lastModified: fetched.lastModified, added: stored.added, at, nextPollAt: nextAfterSuccess(at) });
    logger.info({ feed: feed.url, added: stored.added, updated: stored.updated, merged: stored.merged, skipped: parsed.skipped.length }, "feed polled");
    return {
      url: feed.url,
      name: feed.name,
      outcome: stored.added > 0 ? "new" : "unchanged",
      added: stored.added,
      updated: stored.updated,
      merged: stored.merged,
      skipped: parsed.skipped,
      error: null,
      disabled: null,
    };
  };

  const pollEach = async (feeds: readonly Feed[]) => {
    const results: FeedPollResult[] = [];
    for (const feed of feeds) results.push(await poll(feed));
    return results;
  };

  return {
    poll,
    pollAll: () => pollEach(deps.feeds.enabled()),
    pollDue: () => pollEach(deps.feeds.due(now())),
  };
}
