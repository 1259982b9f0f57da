import fs from "node:fs";
import path from "node:path";
import { runCli } from "../adapters/terminal/cli.js";
import { createArticleStore } from "./articles/store.js";
import { env, loadDotEnv, PACKAGE_ROOT, readConfig } from "./config.js";
import { createLogger } from "./logger.js";
import { startTelegram } from "../adapters/telegram/run.js";
import { createCore } from "./core.js";
import { isRegbotError } from "./errors.js";
import { openDatabase, type Db } from "./storage/database.js";

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
      startBots: async (core) => {
        const config = readConfig();
        if (config.discordToken && !config.telegramToken) {
          process.stderr.write("DISCORD_TOKEN is set, but the Discord adapter is not part of this version yet: starting the terminal chat.\n");
        }
        if (!config.telegramToken) return false;
        const telegram = await startTelegram(config.telegramToken, {
          core,
          logger,
          apiRoot: config.telegramApiRoot,
          flood: { limit: config.floodLimit, windowMs: 60_000 },
          webhook: config.telegramWebhook,
        });
        const mode = config.telegramWebhook ? `webhook on port ${config.telegramWebhook.port}` : "long polling";
        process.stderr.write(`regbot: Telegram bot @${telegram.bot.botInfo.username} is running (${mode}). Ctrl+C stops it.\n`);
        const stop = () => void telegram.stop();
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
        try {
          await telegram.done;
        } finally {
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
        }
        return true;
      },
    },
    argv,
  );
}
