import { EmbedBuilder, MessageFlags, SlashCommandBuilder } from "discord.js";
import { formatDate } from "../../../src/search/answer.js";
import type { Command } from "../context.js";
import { escapeDiscord, NO_PINGS } from "../render.js";

/** `/help`: how to use the bot. */
export const help = {
  data: new SlashCommandBuilder().setName("help").setDescription("How to use regbot"),
  async execute(interaction) {
    const text = [
      "I answer questions about crypto regulation news with numbered citations from stored articles — never with text of my own.",
      "",
      "`/ask question` — e.g. `/ask is crypto trading banned in China?` (or mention me with a question)",
      "`/latest [jurisdiction]` — the newest articles",
      "`/article id` — a whole article (type to search titles)",
      "`/about` — what I know and where it comes from",
      "`/qa` — server managers: where I answer",
      "`/subscribe [topic]`, `/subscriptions`, `/unsubscribe` — server managers: new articles posted in this channel as they come (e.g. `/subscribe topic: EU stablecoins`)",
      "`/warn`, `/warns`, `/unwarn`, `/resetwarns`, `/warnconfig`, `/modlog` — moderators: warnings with a limit",
      "",
      "This is news, not legal advice.",
    ].join("\n");
    await interaction.reply({ embeds: [new EmbedBuilder().setTitle("regbot").setDescription(text)], allowedMentions: NO_PINGS, flags: MessageFlags.Ephemeral });
  },
} satisfies Command;

/** `/about`: corpus size, newest article, sources. */
export const about = {
  data: new SlashCommandBuilder().setName("about").setDescription("What regbot knows and where it comes from"),
  async execute(interaction, deps) {
    const a = deps.core.about();
    const text = [
      `I store **${a.articles}** articles on crypto regulation${a.newest ? `; the newest is from ${formatDate(a.newest)}` : ""}.`,
      a.sources.length ? `Sources: ${escapeDiscord(a.sources.join(", "))}.` : "",
      a.jurisdictions.length ? `Jurisdictions: ${escapeDiscord(a.jurisdictions.join(", "))}.` : "",
      "Answers quote stored articles only. This is news, not legal advice.",
    ].filter(Boolean).join("\n");
    await interaction.reply({ embeds: [new EmbedBuilder().setTitle("About regbot").setDescription(text.slice(0, 4096))], allowedMentions: NO_PINGS });
  },
} satisfies Command;
