import { MessageFlags, type AutocompleteInteraction, type ChatInputCommandInteraction, type RepliableInteraction, type SlashCommandOptionsOnlyBuilder } from "discord.js";
import type { RecentQuestions } from "../../src/chats/recent-questions.js";
import type { Core } from "../../src/core.js";
import type { Logger } from "../../src/logger.js";
import type { Metrics } from "../../src/metrics.js";
import { NO_PINGS } from "./render.js";

/** What every Discord feature needs. */
export interface DiscordDeps {
  readonly core: Core;
  readonly logger: Logger;
  readonly recent: RecentQuestions;
  /** Counts interactions, answers, warnings and errors for `/metrics`. Default: counts nothing. */
  readonly metrics?: Metrics;
}

/** One slash command: its definition (deployed with `regbot discord deploy`) and its handlers. */
export interface Command {
  readonly data: SlashCommandOptionsOnlyBuilder;
  execute(interaction: ChatInputCommandInteraction, deps: DiscordDeps): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, deps: DiscordDeps): Promise<void>;
}

/** Citations per answer and per "More". */
export const PAGE = 3;

/** Whether answers are allowed in this channel (set with /qa): off in this channel, or "only chosen channels". */
export function answersAllowed(core: Core, guildId: string | null, channelId: string | null): boolean {
  if (!guildId || !channelId) return true;
  const channel = core.chats.find("discord", `${guildId}:${channelId}`);
  if (channel?.answers === "off") return false;
  const guild = core.chats.find("discord", guildId);
  if (guild?.answers === "here") return channel?.answers === "on";
  return true;
}

/** Answers an interaction privately (ephemeral) with a plain message, whether or not it was deferred. */
export async function replyPrivately(interaction: RepliableInteraction, content: string): Promise<void> {
  const message = { content: content.slice(0, 2000), allowedMentions: NO_PINGS, flags: MessageFlags.Ephemeral } as const;
  if (interaction.deferred && !interaction.replied) {
    // A deferred reply is public ("regbot is thinking…"): take it away and tell only the one who asked.
    await interaction.deleteReply().catch(() => undefined);
    await interaction.followUp(message);
  } else if (interaction.replied || interaction.deferred) await interaction.followUp(message);
  else await interaction.reply(message);
}
