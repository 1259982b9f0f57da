import { Events, REST, Routes, type Client } from "discord.js";
import { createRecentQuestions } from "../../src/chats/recent-questions.js";
import { RegbotError } from "../../src/errors.js";
import { createDiscordClient, type DiscordClientOptions } from "./client.js";
import { COMMANDS } from "./commands/index.js";

/** A running Discord client. */
export interface DiscordRunner {
  readonly client: Client;
  /** Destroys the client (closing the gateway connection). */
  stop(): Promise<void>;
  /** Resolves after `stop()`. */
  readonly done: Promise<void>;
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
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    client,
    done,
    stop: async () => {
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
