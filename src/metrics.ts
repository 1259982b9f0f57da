import { collectDefaultMetrics, Counter, Histogram, Registry } from "prom-client";
import type { FeedPollResult } from "./feeds/poll.js";

/** What the bots count, in words an operator reads on a dashboard. `platform` is `telegram` or `discord`. */
export interface Metrics {
  /** One update (Telegram) or interaction / mention (Discord) handled. */
  update(platform: string): void;
  /** A question answered: with citations (`cited`) or none, and how long the core took to answer it. */
  answer(platform: string, cited: boolean, seconds: number): void;
  /** A warning recorded by a moderator. */
  warning(platform: string): void;
  /** A mute, kick or ban carried out at a chat's warn limit. */
  action(platform: string, action: "mute" | "kick" | "ban"): void;
  /** One feed polled; a `failed` poll also counts in `regbot_feed_failures_total`. */
  feedPoll(outcome: FeedPollResult["outcome"]): void;
  /** One alert message a platform accepted. */
  alertSent(platform: string): void;
  /** A handler failed (logged and answered with an apology). */
  error(platform: string): void;
  /** The registry `/metrics` serves (empty for {@link silentMetrics}). */
  readonly registry: Registry;
}

/** Answer times: the core answers from memory in milliseconds; a second or two means something is wrong. */
const ANSWER_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2];

/**
 * Creates the counters on a registry of their own (never prom-client's global one, so two bots in one test
 * process do not collide), with Node's process metrics (`process_*`, `nodejs_*`) alongside.
 */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Counter<L>({ name, help, labelNames, registers: [registry] });
  const updates = counter("regbot_updates_total", "Updates (Telegram) and interactions or mentions (Discord) handled.", ["platform"]);
  const answers = counter("regbot_answers_total", "Questions answered, by whether the answer cited an article.", ["platform", "outcome"]);
  const answerSeconds = new Histogram({ name: "regbot_answer_seconds", help: "Time the core took to answer a question.", buckets: ANSWER_BUCKETS, registers: [registry] });
  const warnings = counter("regbot_warnings_total", "Warnings recorded by moderators.", ["platform"]);
  const actions = counter("regbot_moderation_actions_total", "Mutes, kicks and bans carried out at a warn limit.", ["platform", "action"]);
  const feedPolls = counter("regbot_feed_polls_total", "Feed polls, by outcome.", ["outcome"]);
  const feedFailures = counter("regbot_feed_failures_total", "Feed polls that failed.", []);
  const alerts = counter("regbot_alerts_sent_total", "Alert messages the platform accepted.", ["platform"]);
  const errors = counter("regbot_errors_total", "Handlers that failed.", ["platform"]);
  return {
    registry,
    update: (platform) => updates.inc({ platform }),
    answer: (platform, cited, seconds) => {
      answers.inc({ platform, outcome: cited ? "cited" : "none" });
      answerSeconds.observe(seconds);
    },
    warning: (platform) => warnings.inc({ platform }),
    action: (platform, action) => actions.inc({ platform, action }),
    feedPoll: (outcome) => {
      feedPolls.inc({ outcome });
      if (outcome === "failed") feedFailures.inc();
    },
    alertSent: (platform) => alerts.inc({ platform }),
    error: (platform) => errors.inc({ platform }),
  };
}

/** Counts nothing: the default wherever no metrics are passed, so callers need no `if`. */
export const silentMetrics: Metrics = {
  registry: new Registry(),
  update() {},
  answer() {},
  warning() {},
  action() {},
  feedPoll() {},
  alertSent() {},
  error() {},
};

/** Seconds since `start` (a `performance.now()` reading), for {@link Metrics.answer}. */
export function secondsSince(start: number): number {
  return (performance.now() - start) / 1000;
}
