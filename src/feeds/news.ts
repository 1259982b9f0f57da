import type { Core } from "../core.js";
import { dispatchAlerts, type AlertSender, type DispatchReport } from "../alerts/dispatch.js";
import { silentLogger, type Logger } from "../logger.js";
import { isRegbotError } from "../errors.js";
import { silentMetrics, type Metrics } from "../metrics.js";
import { createFeedPoller, type FeedPollResult } from "./poll.js";
import type { FetchLimits } from "./fetch-feed.js";

/** Options of {@link startNews}. */
export interface NewsOptions {
  /** Senders of the platforms that run; alerts for other platforms wait in the queue. */
  readonly senders: Readonly<Record<string, AlertSender>>;
  /** Minutes between polls of one feed. Default 15. */
  readonly intervalMinutes?: number;
  /** How often to look for due feeds and queued alerts. Default a minute. */
  readonly tickMs?: number;
  readonly limits?: FetchLimits;
  readonly logger?: Logger;
  /** Hears each polling round and each dispatch round (for logs and tests). */
  readonly onPoll?: (results: FeedPollResult[]) => void;
  readonly onDispatch?: (report: DispatchReport) => void;
  /** Counts feed polls (by outcome) and alerts sent (by platform). Default: counts nothing. */
  readonly metrics?: Metrics;
}

/**
 * Keeps the store current while the bots run: polls the feeds that are due, then sends the queued alerts (one
 * message per chat per round). Resolves `stop()` once the round in progress has finished.
 */
export function startNews(core: Core, options: NewsOptions): { stop(): Promise<void> } {
  const logger = options.logger ?? silentLogger;
  const tickMs = options.tickMs ?? 60_000;
  const metrics = options.metrics ?? silentMetrics;
  // Each platform's sender, counting the messages its platform accepted.
  const senders = Object.fromEntries(
    Object.entries(options.senders).map(([platform, send]): [string, AlertSender] => [platform, async (message) => {
      const outcome = await send(message);
      if (outcome.status === "sent") metrics.alertSent(platform);
      return outcome;
    }]),
  );
  const poller = createFeedPoller({
    feeds: core.feeds,
    storeItems: (feed, items, source) => core.storeFeedItems(feed, items, source),
    logger,
    ...(options.intervalMinutes !== undefined ? { intervalMinutes: options.intervalMinutes } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
  });
  const getArticle = (id: string) => {
    try {
      return core.article(id);
    } catch (error) {
      if (isRegbotError(error, "NOT_FOUND")) return undefined;
      throw error;
    }
  };
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const round = () => {
    running = (async () => {
      try {
        const results = await poller.pollDue();
        for (const result of results) metrics.feedPoll(result.outcome);
        if (results.length) options.onPoll?.(results);
        if (Object.keys(senders).length > 0) {
          const report = await dispatchAlerts({ subscriptions: core.subscriptions, getArticle, senders, logger });
          options.onDispatch?.(report);
        }
      } catch (error) {
        logger.error({ err: error }, "a news round failed; the next one runs as planned");
      }
      if (!stopped) timer = setTimeout(round, tickMs);
    })();
  };
  round();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
