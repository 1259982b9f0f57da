import { MessageFlags, SlashCommandBuilder } from "discord.js";
import { isRegbotError } from "../../../src/errors.js";
import { replyPrivately, type Command } from "../context.js";
import { articleEmbeds, NO_PINGS } from "../render.js";

/** `/article id`: the whole article (autocomplete finds it by title). Shown only to the one who asked. */
export const article = {
  data: new SlashCommandBuilder()
    .setName("article")
    .setDescription("Show a whole stored article")
    .addStringOption((o) => o.setName("id").setDescription("The article (type to search titles)").setRequired(true).setAutocomplete(true)),
  async execute(interaction, deps) {
    await sendArticle(interaction, deps, interaction.options.getString("id", true));
  },
  async autocomplete(interaction, deps) {
    const typed = interaction.options.getFocused().trim();
    let found: Array<{ id: string; title: string }> = [];
    try {
      found = typed ? deps.core.ask(typed, { maxCitations: 25 }).citations.map((c) => c.article) : deps.core.latest({ limit: 25 });
    } catch {
      found = [];
    }
    await interaction.respond(found.slice(0, 25).map((a) => ({ name: a.title.slice(0, 100), value: a.id })));
  },
} satisfies Command;

/** Sends an article privately, in as many messages as Discord's limits need. */
export async function sendArticle(interaction: Parameters<Command["execute"]>[0] | import("discord.js").ButtonInteraction, deps: Parameters<Command["execute"]>[1], id: string): Promise<void> {
  let messages;
  try {
    messages = articleEmbeds(deps.core.article(id));
  } catch (error) {
    if (isRegbotError(error, "NOT_FOUND")) return replyPrivately(interaction, error.message);
    throw error;
  }
  for (const [i, embeds] of messages.entries()) {
    const payload = { embeds, allowedMentions: NO_PINGS, flags: MessageFlags.Ephemeral } as const;
    if (i === 0) await interaction.reply(payload);
    else await interaction.followUp(payload);
  }
}
