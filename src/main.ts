import fs from "node:fs";
import path from "node:path";
import { runCli } from "../adapters/terminal/cli.js";
import { createArticleStore } from "./articles/store.js";
import { loadDotEnv, PACKAGE_ROOT, readConfig, type Config } from "./config.js";
import { createLogger, type Logger } from "./logger.js";
import { createCore, type Core } from "./core.js";
import { isRegbotError, RegbotError } from "./errors.js";
import { openDatabase, type Db } from "./storage/database.js";
import { startNews } from "./feeds/news.js";
import { acquireRunLock } from "./storage/run-lock.js";
import type { AlertSender } from "./alerts/dispatch.js";
import type { HealthCheck } from "./health.js";

/**
 * The composition root: configuration → database → core → the adapters that are configured. The only module
 * that wires real things together.
 */
export async function main(argv: readonly string[]): Promise<number> {
  loadDotEnv();
  let checked: Config | undefined;
  let logger!: Logger;
  // The connection the core writes through: the health check proves it still can.
  let openDb: Db | undefined;
  // Every setting is read and checked once, when the first command that needs settings asks (only then is the
  // --db flag known): all problems are reported together before a database opens or a bot connects, while
  // --help, --version and `regbot config` still run with bad settings. The logger takes LOG_LEVEL from it.
  const settings = (flags: { db?: string | undefined } = {}): Config => {
    if (checked) return checked;
    checked = readConfig(flags);
    logger = createLogger({ level: checked.logLevel });
    return checked;
  };
  /** Erases warning evidence past its retention now and once a day while running; returns the stop. */
  const housekeeping = (core: Core, days: number) => {
    const prune = () => {
      try {
        const erased = core.moderation.privacy.pruneEvidence(days);
        if (erased) logger.info({ erased, days }, "warning evidence past its retention erased");
      } catch (error) {
        logger.warn({ err: error }, "erasing old warning evidence failed; it is tried again tomorrow");
      }
    };
    prune();
    const timer = setInterval(prune, 24 * 60 * 60 * 1000);
    timer.unref();
    return () => clearInterval(timer);
  };
  const version = (JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string }).version;
  return runCli(
    {
      version,
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
      openCore: ({ db, seed, writes }) => {
        const config = settings({ db });
        let database: Db;
        let readonly = false;
        try {
          database = openDatabase(config.db);
        } catch (error) {
          // A read-only database still answers questions; only commands that write need it writable.
          if (writes || !isRegbotError(error, "DB_READONLY")) throw error;
          database = openDatabase(config.db, { readonly: true });
          readonly = true;
          logger.warn({ db: config.db }, "the database is read-only: answering from it without saving anything");
        }
        openDb = database;
        const store = createArticleStore(database, { file: config.db });
        const core = createCore({ store, bundledDir: config.bundledDir, maxCitations: config.maxCitations, logger, readonly });
        if (seed && !readonly) core.ensureCorpus();
        return { core, close: () => database.close() };
      },
      startBots: async (core, { shards }) => {
        const config = settings();
        if (!config.telegramToken && !config.discordToken) return false;
        // One `regbot start` per database: a second is refused, and `regbot restore` waits for this one to stop.
        const releaseRunLock = acquireRunLock(config.db);
        const running: Array<{ stop: () => Promise<void>; done: Promise<void> }> = [];
        const senders: Record<string, AlertSender> = {};
        let stopping = false;
        const stopAll = () => {
          stopping = true;
          void Promise.all(running.map((r) => r.stop()));
        };
        // Listening from the start: a signal while the bots are still starting stops what has started (and the rest
        // as soon as it has), instead of killing the process mid-start.
        process.once("SIGINT", stopAll);
        process.once("SIGTERM", stopAll);
        // Each platform's library loads only when its bot runs: other commands (and a one-platform start) start faster.
        const { createMetrics } = await import("./metrics.js");
        const metrics = createMetrics();
        const checks: Record<string, HealthCheck> = {};
        try {
          if (config.telegramToken) {
            const [{ startTelegram }, { createTelegramAlertSender }, { Api }] = await Promise.all([import("../adapters/telegram/run.js"), import("../adapters/telegram/alerts.js"), import("grammy")]);
            const telegram = await startTelegram(config.telegramToken, {
              core,
              logger,
              apiRoot: config.telegramApiRoot,
              flood: { limit: config.floodLimit, windowMs: 60_000 },
              webhook: config.telegramWebhook,
              metrics,
            });
            running.push(telegram);
            checks.telegram = () =>
              telegram.connected()
                ? { ok: true, detail: config.telegramWebhook ? "webhook server listening" : "receiving updates (long polling)" }
                : { ok: false, detail: config.telegramWebhook ? "webhook server not listening" : "not receiving updates: polling stopped, or getUpdates unanswered for 90 s" };
            // Alerts use an API client without the bot's retries: a 429 leaves the alert queued for the next round
            // instead of holding the whole round (and a shutdown) while it waits.
            const alertApi = new Api(config.telegramToken, config.telegramApiRoot ? { apiRoot: config.telegramApiRoot } : undefined);
            senders.telegram = createTelegramAlertSender(alertApi, { moveChat: (from, to) => core.moveChat("telegram", from, to) });
            const mode = config.telegramWebhook ? `webhook on port ${config.telegramWebhook.port}` : "long polling";
            process.stderr.write(`regbot: Telegram bot @${telegram.bot.botInfo.username} is running (${mode}).\n`);
          }
          const discordRun = config.discordToken ? await import("../adapters/discord/run.js") : undefined;
          if (config.discordToken && discordRun && shards !== undefined) {
            const { startDiscordShards } = discordRun;
            const sharded = await startDiscordShards({ token: config.discordToken, shards, db: config.db, apiRoot: config.discordApiRoot });
            running.push(sharded);
            checks.discord = () => (sharded.connected() ? { ok: true, detail: `${sharded.count} shard process(es) running and ready` } : { ok: false, detail: "a shard process is down or not ready" });
            process.stderr.write(`regbot: Discord bot is running in ${sharded.count} shard process(es).\n`);
          } else if (config.discordToken && discordRun) {
            const { startDiscord } = discordRun;
            const discord = await startDiscord(config.discordToken, { core, logger, apiRoot: config.discordApiRoot, metrics });
            running.push(discord);
            checks.discord = () => (discord.connected() ? { ok: true, detail: "gateway ready" } : { ok: false, detail: `gateway not ready (status ${discord.client.ws.status})` });
            process.stderr.write(`regbot: Discord bot ${discord.client.user?.tag ?? ""} is running.\n`);
          }
          if (config.discordToken) {
            const [{ REST }, { createDiscordAlertSender }] = await Promise.all([import("discord.js"), import("../adapters/discord/alerts.js")]);
            // Alerts go out over REST from this process only, also when the gateway runs in shard processes.
            senders.discord = createDiscordAlertSender(new REST(config.discordApiRoot ? { api: config.discordApiRoot } : {}).setToken(config.discordToken));
          }
          if (config.health) {
            const { databaseWritable, startHealthServer } = await import("./health.js");
            const health = await startHealthServer({ ...config.health, metrics, checks: { database: databaseWritable(openDb!), ...checks } });
            let healthClosed!: () => void;
            const healthDone = new Promise<void>((resolve) => (healthClosed = resolve));
            running.push({ stop: () => health.close().then(healthClosed), done: healthDone });
            process.stderr.write(`regbot: health on http://${config.health.host}:${health.address().port}/healthz, metrics on /metrics.\n`);
          }
        } catch (error) {
          await Promise.all(running.map((r) => r.stop()));
          process.off("SIGINT", stopAll);
          process.off("SIGTERM", stopAll);
          releaseRunLock();
          throw error;
        }
        const news = startNews(core, { senders, intervalMinutes: config.feedIntervalMinutes, logger, metrics });
        const stopHousekeeping = housekeeping(core, config.evidenceDays);
        let newsStopped!: () => void;
        const newsDone = new Promise<void>((resolve) => (newsStopped = resolve));
        running.push({ stop: () => (stopHousekeeping(), news.stop().then(newsStopped)), done: newsDone });
        process.stderr.write("regbot: Ctrl+C stops it.\n");
        if (stopping) stopAll();
        try {
          // When one bot stops on its own (Telegram refused the token later, say), the other stops too.
          await Promise.race(running.map((r) => r.done)).finally(stopAll);
          await Promise.all(running.map((r) => r.done));
        } finally {
          process.off("SIGINT", stopAll);
          process.off("SIGTERM", stopAll);
          releaseRunLock();
        }
        return true;
      },
      feedIntervalMinutes: () => settings().feedIntervalMinutes,
      startNews: (core) => {
        const { feedIntervalMinutes, evidenceDays, db } = settings();
        // The terminal chat polls feeds and writes too: one `regbot start` per database, as with the bots.
        const releaseRunLock = acquireRunLock(db);
        const stopHousekeeping = housekeeping(core, evidenceDays);
        const news = startNews(core, { senders: {}, intervalMinutes: feedIntervalMinutes, logger });
        return { stop: () => (stopHousekeeping(), news.stop().finally(releaseRunLock)) };
      },
      deployDiscord: async (guildId) => {
        const config = settings();
        if (!config.discordToken) throw new RegbotError("BAD_INPUT", "Set DISCORD_TOKEN (the bot token from the Discord Developer Portal) to deploy the commands.");
        const { deployDiscordCommands } = await import("../adapters/discord/run.js");
        return deployDiscordCommands({ token: config.discordToken, applicationId: config.discordApplicationId, guildId, apiRoot: config.discordApiRoot });
      },
    },
    argv,
  );
}
