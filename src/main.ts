import fs from "node:fs";
import path from "node:path";
import { runCli } from "../adapters/terminal/cli.js";
import { createArticleStore } from "./articles/store.js";
import { env, loadDotEnv, PACKAGE_ROOT, readConfig } from "./config.js";
import { createLogger } from "./logger.js";
import { startTelegram } from "../adapters/telegram/run.js";
import { deployDiscordCommands, startDiscord, startDiscordShards } from "../adapters/discord/run.js";
import { createCore } from "./core.js";
import { isRegbotError, RegbotError } from "./errors.js";
import { openDatabase, type Db } from "./storage/database.js";
import { startNews } from "./feeds/news.js";
import type { AlertSender } from "./alerts/dispatch.js";
import { REST } from "discord.js";
import { createTelegramAlertSender } from "../adapters/telegram/alerts.js";
import { createDiscordAlertSender } from "../adapters/discord/alerts.js";

/**
 * The composition root: configuration → database → core → the adapters that are configured. The only module
 * that wires real things together.
 */
export async function main(argv: readonly string[]): Promise<number> {
  loadDotEnv();
  const logger = createLogger({ level: env("LOG_LEVEL") });
  const version = (JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string }).version;
  return runCli(
    {
      version,
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
      openCore: ({ db, seed, writes }) => {
        const config = readConfig({ db });
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
        const store = createArticleStore(database, { file: config.db });
        const core = createCore({ store, bundledDir: config.bundledDir, maxCitations: config.maxCitations, logger, readonly });
        if (seed && !readonly) core.ensureCorpus();
        return { core, close: () => database.close() };
      },
      startBots: async (core, { shards }) => {
        const config = readConfig();
        if (!config.telegramToken && !config.discordToken) return false;
        const running: Array<{ stop: () => Promise<void>; done: Promise<void> }> = [];
        const senders: Record<string, AlertSender> = {};
        const stopAll = () => void Promise.all(running.map((r) => r.stop()));
        try {
          if (config.telegramToken) {
            const telegram = await startTelegram(config.telegramToken, {
              core,
              logger,
              apiRoot: config.telegramApiRoot,
              flood: { limit: config.floodLimit, windowMs: 60_000 },
              webhook: config.telegramWebhook,
            });
            running.push(telegram);
            senders.telegram = createTelegramAlertSender(telegram.bot.api, { subscriptions: core.subscriptions });
            const mode = config.telegramWebhook ? `webhook on port ${config.telegramWebhook.port}` : "long polling";
            process.stderr.write(`regbot: Telegram bot @${telegram.bot.botInfo.username} is running (${mode}).\n`);
          }
          if (config.discordToken && shards !== undefined) {
            const sharded = await startDiscordShards({ token: config.discordToken, shards, db: config.db, apiRoot: config.discordApiRoot });
            running.push(sharded);
            process.stderr.write(`regbot: Discord bot is running in ${sharded.count} shard process(es).\n`);
          } else if (config.discordToken) {
            const discord = await startDiscord(config.discordToken, { core, logger, apiRoot: config.discordApiRoot });
            running.push(discord);
            process.stderr.write(`regbot: Discord bot ${discord.client.user?.tag ?? ""} is running.\n`);
          }
          if (config.discordToken) {
            // Alerts go out over REST from this process only, also when the gateway runs in shard processes.
            senders.discord = createDiscordAlertSender(new REST(config.discordApiRoot ? { api: config.discordApiRoot } : {}).setToken(config.discordToken));
          }
        } catch (error) {
          await Promise.all(running.map((r) => r.stop()));
          throw error;
        }
        const news = startNews(core, { senders, intervalMinutes: config.feedIntervalMinutes, logger });
        let newsStopped!: () => void;
        const newsDone = new Promise<void>((resolve) => (newsStopped = resolve));
        running.push({ stop: () => news.stop().then(newsStopped), done: newsDone });
        process.stderr.write("regbot: Ctrl+C stops it.\n");
        process.once("SIGINT", stopAll);
        process.once("SIGTERM", stopAll);
        try {
          // When one bot stops on its own (Telegram refused the token later, say), the other stops too.
          await Promise.race(running.map((r) => r.done)).finally(stopAll);
          await Promise.all(running.map((r) => r.done));
        } finally {
          process.off("SIGINT", stopAll);
          process.off("SIGTERM", stopAll);
        }
        return true;
      },
      startNews: (core) => startNews(core, { senders: {}, intervalMinutes: readConfig().feedIntervalMinutes, logger }),
      deployDiscord: async (guildId) => {
        const config = readConfig();
        if (!config.discordToken) throw new RegbotError("BAD_INPUT", "Set DISCORD_TOKEN (the bot token from the Discord Developer Portal) to deploy the commands.");
        return deployDiscordCommands({ token: config.discordToken, applicationId: config.discordApplicationId, guildId, apiRoot: config.discordApiRoot });
      },
    },
    argv,
  );
}
