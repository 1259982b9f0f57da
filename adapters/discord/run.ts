import path from "node:path";
import { fileURLToPath } from "node:url";
import { Events, REST, Routes, ShardingManager, Status, type Client } from "discord.js";
import { createRecentQuestions } from "../../src/chats/recent-questions.js";
import { RegbotError } from "../../src/errors.js";
import { createDiscordClient, type DiscordClientOptions } from "./client.js";
import { COMMANDS } from "./commands/index.js";
import { liftDueBans } from "./commands/moderation.js";

/** A running Discord client. */
export interface DiscordRunner {
  readonly client: Client;
  /** Destroys the client (closing the gateway connection). */
  stop(): Promise<void>;
  /** Resolves after `stop()`. */
  readonly done: Promise<void>;
  /** Whether the gateway connection is up: the client is ready and every shard it runs is Ready (for `/healthz`). */
  connected(): boolean;
}

/** Logs in with the minimal intents and resolves once the client is ready. */
export async function startDiscord(token: string, options: Omit<DiscordClientOptions, "recent">): Promise<DiscordRunner> {
  const client = createDiscordClient({ ...options, recent: createRecentQuestions() });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  try {
    await client.login(token);
    await ready;
  } catch (error) {
    await client.destroy();
    const code = (error as { code?: string }).code;
    if (code === "TokenInvalid" || (error as { status?: number }).status === 401) {
      throw new RegbotError("PLATFORM", "Discord refused DISCORD_TOKEN (401 Unauthorized). Copy the bot token again from the Developer Portal (Bot → Reset Token).", { cause: error });
    }
    if (code === "DisallowedIntents") throw new RegbotError("PLATFORM", "Discord refused the gateway intents. regbot needs no privileged intents; check the application's settings.", { cause: error });
    throw new RegbotError("PLATFORM", `Cannot connect to Discord: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  // Timed bans are lifted by the bot: now (some may have fallen due while it was down) and every minute.
  const sweep = () => void liftDueBans(client, options).catch((error: unknown) => options.logger.warn({ err: error }, "lifting timed bans failed"));
  sweep();
  const timer = setInterval(sweep, 60_000);
  timer.unref();
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    client,
    done,
    connected: () => client.isReady() && client.ws.status === Status.Ready && client.ws.shards.every((shard) => shard.status === Status.Ready),
    stop: async () => {
      clearInterval(timer);
      await client.destroy();
      finish();
    },
  };
}

/**
 * Registers regbot's slash commands (bulk overwrite): for one guild (instant, for setting up) or globally.
 * Returns the names deployed.
 */
export async function deployDiscordCommands(options: { token: string; applicationId?: string | undefined; guildId?: string | undefined; apiRoot?: string | undefined }): Promise<string[]> {
  const rest = new REST(options.apiRoot ? { api: options.apiRoot } : {}).setToken(options.token);
  try {
    const applicationId = options.applicationId ?? ((await rest.get(Routes.currentApplication())) as { id: string }).id;
    const body = [...COMMANDS.values()].map((c) => c.data.toJSON());
    const route = options.guildId ? Routes.applicationGuildCommands(applicationId, options.guildId) : Routes.applicationCommands(applicationId);
    await rest.put(route, { body });
    return body.map((c) => c.name);
  } catch (error) {
    if ((error as { status?: number }).status === 401) throw new RegbotError("PLATFORM", "Discord refused DISCORD_TOKEN (401 Unauthorized). Copy the bot token again from the Developer Portal.", { cause: error });
    throw new RegbotError("PLATFORM", `Deploying the commands failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/**
 * Runs the Discord adapter in shard processes (for bots in more than 2,500 servers): `shards` is a number, or
 * "auto" for Discord's recommendation. Each shard opens the same database; this process only supervises.
 */
export async function startDiscordShards(options: { token: string; shards: number | "auto"; db: string; apiRoot?: string | undefined }): Promise<{ stop(): Promise<void>; done: Promise<void>; count: number; connected(): boolean }> {
  let total = options.shards;
  if (total === "auto") {
    // Asked through our own REST client, so DISCORD_API_ROOT applies (discord.js's helper always calls discord.com).
    const rest = new REST(options.apiRoot ? { api: options.apiRoot } : {}).setToken(options.token);
    try {
      total = ((await rest.get(Routes.gatewayBot())) as { shards: number }).shards;
    } catch (error) {
      throw new RegbotError("PLATFORM", `Cannot ask Discord how many shards to run: ${error instanceof Error ? error.message : String(error)}. Give a number: --shards 2.`, { cause: error });
    }
  }
  const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), "shard.js");
  const manager = new ShardingManager(entry, { token: options.token, totalShards: total, mode: "process", respawn: true, execArgv: [] });
  process.env.REGBOT_SHARD_DB = options.db;
  await manager.spawn({ amount: total, delay: 5500, timeout: 60_000 });
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    count: total,
    done,
    // Every shard process alive and its client ready (a respawning shard is not, until it is ready again).
    connected: () => manager.shards.size === total && [...manager.shards.values()].every((shard) => shard.ready && shard.process !== null && shard.process.exitCode === null),
    stop: async () => {
      manager.respawn = false;
      await Promise.all([...manager.shards.values()].map((shard) => new Promise<void>((resolve) => {
        const child = shard.process;
        if (!child || child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      })));
      finish();
    },
  };
}
