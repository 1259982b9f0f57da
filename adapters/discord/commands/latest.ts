import { SlashCommandBuilder } from "discord.js";
import { JURISDICTIONS } from "../../../src/articles/jurisdictions.js";
import { answersAllowed, replyPrivately, type Command } from "../context.js";
import { articleListEmbed, NO_PINGS } from "../render.js";

/** The jurisdictions offered as choices (Discord allows 25): the ones regbot knows best. */
const CHOICES = JURISDICTIONS.slice(0, 21).map((j) => ({ name: j.name, value: j.name }));

/** `/latest [jurisdiction]`: the newest articles, each with source and date. */
export const latest = {
  data: new SlashCommandBuilder()
    .setName("latest")
    .setDescription("The newest stored articles, optionally for one jurisdiction")
    .addStringOption((o) => o.setName("jurisdiction").setDescription("Only this jurisdiction").addChoices(...CHOICES)),
  async execute(interaction, deps) {
    if (!answersAllowed(deps.core, interaction.guildId, interaction.channelId)) {
      return replyPrivately(interaction, "Answers are turned off in this channel (server managers: /qa).");
    }
    const jurisdiction = interaction.options.getString("jurisdiction") ?? undefined;
    const articles = deps.core.latest({ jurisdiction, limit: 5 });
    if (articles.length === 0) return replyPrivately(interaction, jurisdiction ? `No stored article about ${jurisdiction} yet.` : "No articles are stored yet.");
    await interaction.reply({ embeds: [articleListEmbed(articles, jurisdiction ? `Latest: ${jurisdiction}` : "Latest articles")], allowedMentions: NO_PINGS });
  },
} satisfies Command;
