import { Client, Events, GatewayIntentBits, Partials, type ButtonInteraction, type Interaction, type Message } from "discord.js";
import { isRegbotError } from "../../src/errors.js";
import { withFields } from "../../src/logger.js";
import { secondsSince, silentMetrics } from "../../src/metrics.js";
import { sendArticle } from "./commands/article.js";
import { COMMANDS } from "./commands/index.js";
import { removeWarningButton } from "./commands/moderation.js";
import { answersAllowed, PAGE, replyPrivately, type DiscordDeps } from "./context.js";
import { answerButtons, answerEmbed, NO_PINGS } from "./render.js";

/** Options of {@link createDiscordClient}. */
export interface DiscordClientOptions extends DiscordDeps {
  /** Another REST API root (a fake one in tests); the gateway URL then comes from it too. */
  readonly apiRoot?: string | undefined;
}

/**
 * Creates the discord.js client with the minimal intents (no privileged ones) and regbot's handlers. Messages
 * never ping anyone; a failing handler is logged and answered, and never stops the client.
 */
export function createDiscordClient(given: DiscordClientOptions): Client {
  // Every line this client logs says it is Discord's; lines about an interaction carry its guild, channel and id.
  const options: DiscordClientOptions = { ...given, logger: withFields(given.logger, { platform: "discord" }) };
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages],
    partials: [Partials.Channel],
    allowedMentions: NO_PINGS,
    ...(options.apiRoot ? { rest: { api: options.apiRoot } } : {}),
  });

  const metrics = options.metrics ?? silentMetrics;
  client.on(Events.InteractionCreate, (interaction) => {
    metrics.update("discord");
    options.logger.debug({ update: interaction.id, chat: interaction.channelId, guild: interaction.guildId, user: interaction.user.id }, "interaction received");
    void handleInteraction(interaction, options).catch(async (error: unknown) => {
      metrics.error("discord");
      options.logger.error({ update: interaction.id, chat: interaction.channelId, guild: interaction.guildId, err: error }, "a Discord interaction handler failed");
      if (interaction.isRepliable()) {
        await replyPrivately(interaction, "Something went wrong while answering; please try again in a moment.").catch(() => undefined);
      }
    });
  });

  client.on(Events.MessageCreate, (message) => {
    void handleMention(message, client, options).catch((error: unknown) => {
      metrics.error("discord");
      options.logger.error({ update: message.id, chat: message.channelId, guild: message.guildId, err: error }, "a Discord message handler failed");
    });
  });

  client.on(Events.Error, (error) => options.logger.error({ err: error }, "the Discord client reported an error"));
  return client;
}

async function handleInteraction(interaction: Interaction, deps: DiscordDeps): Promise<void> {
  if (interaction.isAutocomplete()) {
    const command = COMMANDS.get(interaction.commandName);
    // Autocomplete cannot be deferred and must answer within 3 seconds, with at most 25 choices.
    await (command?.autocomplete ? command.autocomplete(interaction, deps) : interaction.respond([]));
    return;
  }
  if (interaction.isChatInputCommand()) {
    const command = COMMANDS.get(interaction.commandName);
    if (!command) return replyPrivately(interaction, `I do not know /${interaction.commandName.slice(0, 32)}. Try /help.`);
    await command.execute(interaction, deps);
    return;
  }
  if (interaction.isButton()) await handleButton(interaction, deps);
}

async function handleButton(interaction: ButtonInteraction, deps: DiscordDeps): Promise<void> {
  const article = /^art:([0-9a-f]{1,16})$/.exec(interaction.customId);
  if (article) return sendArticle(interaction, deps, article[1]!);
  const remove = /^uw:(\d+):(\d+)$/.exec(interaction.customId);
  if (remove) return removeWarningButton(interaction, deps, remove[1]!, Number(remove[2]));
  const more = /^more:([0-9a-z]+):(\d+)$/.exec(interaction.customId);
  if (!more) return replyPrivately(interaction, "This button no longer works: please ask again.");
  const question = deps.recent.recall(more[1]!);
  if (!question) return replyPrivately(interaction, "This answer has expired: please ask again.");
  const shown = Number(more[2]);
  const answer = deps.core.ask(question, { maxCitations: shown + PAGE });
  const fresh = answer.citations.slice(shown);
  if (fresh.length === 0) return replyPrivately(interaction, "No more stored articles answer this.");
  const next = fresh.length >= PAGE ? `more:${more[1]}:${shown + PAGE}` : null;
  await interaction.reply({ embeds: [answerEmbed({ ...answer, notice: null }, fresh)], components: answerButtons(fresh, next), allowedMentions: NO_PINGS });
}

/** A message that mentions the bot (its content arrives without the Message Content intent) is a question. */
async function handleMention(message: Message, client: Client, deps: DiscordDeps): Promise<void> {
  const me = client.user;
  if (!me || message.author.bot || !message.mentions.users.has(me.id)) return;
  const metrics = deps.metrics ?? silentMetrics;
  metrics.update("discord");
  if (!answersAllowed(deps.core, message.guildId, message.channelId)) return;
  const question = message.content.replace(new RegExp(`<@!?${me.id}>`, "g"), " ").trim();
  let reply;
  if (!question) {
    reply = { content: "Ask me about crypto regulation news, e.g. “is crypto trading banned in China?” — or use /ask." };
  } else {
    try {
      const started = performance.now();
      const answer = deps.core.ask(question, { maxCitations: PAGE });
      metrics.answer("discord", answer.citations.length > 0, secondsSince(started));
      const more = answer.citations.length >= PAGE ? `more:${deps.recent.remember(question)}:${PAGE}` : null;
      reply = { embeds: [answerEmbed(answer)], components: answerButtons(answer.citations, more) };
    } catch (error) {
      if (!isRegbotError(error, "BAD_INPUT")) throw error;
      reply = { content: error.message.slice(0, 2000) };
    }
  }
  await message.reply({ ...reply, allowedMentions: NO_PINGS });
}
