// The program each Discord shard runs when regbot is sharded (`regbot start --shards N|auto`): the Discord
// adapter only — Telegram stays in the parent process, so its token is never polled twice. discord.js tells the
// client which shards it runs through the environment the ShardingManager sets.
import { createArticleStore } from "../../src/articles/store.js";
import { loadDotEnv, readConfig } from "../../src/config.js";
import { createCore } from "../../src/core.js";
import { createLogger } from "../../src/logger.js";
import { openDatabase } from "../../src/storage/database.js";
import { startDiscord } from "./run.js";

loadDotEnv();
const config = readConfig({ db: process.env.REGBOT_SHARD_DB });
const logger = createLogger({ level: config.logLevel });
const database = openDatabase(config.db);
const core = createCore({ store: createArticleStore(database, { file: config.db }), maxCitations: config.maxCitations, logger });
const discord = await startDiscord(config.discordToken ?? "", { core, logger, apiRoot: config.discordApiRoot });
const stop = () => void discord.stop();
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
await discord.done;
database.close();
// The IPC channel to the ShardingManager would keep this process alive.
process.exit(0);
