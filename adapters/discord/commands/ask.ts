import { SlashCommandBuilder } from "discord.js";
import { isRegbotError } from "../../../src/errors.js";
import { secondsSince } from "../../../src/metrics.js";
import { answersAllowed, PAGE, replyPrivately, type Command } from "../context.js";
import { answerButtons, answerEmbed, NO_PINGS } from "../render.js";

/** `/ask question`: a cited answer as an embed; autocomplete suggests article titles as the user types. */
export const ask = {
  data: new SlashCommandBuilder()
    .setName("ask")
    .setDescription("Ask about crypto regulation news; the answer cites stored articles")
    .addStringOption((o) => o.setName("question").setDescription("Your question, e.g. is crypto trading banned in China?").setRequired(true).setMaxLength(1000).setAutocomplete(true)),
  async execute(interaction, deps) {
    if (!answersAllowed(deps.core, interaction.guildId, interaction.channelId)) {
      return replyPrivately(interaction, "Answers are turned off in this channel (server managers: /qa).");
    }
    const question = interaction.options.getString("question", true);
    // Discord wants a first response within 3 s. An answer from the index in memory takes milliseconds and is sent
    // as that response; only when the index must be loaded or built first is the reply deferred ("thinking…").
    const deferred = !deps.core.searchReady();
    if (deferred) await interaction.deferReply();
    try {
      const started = performance.now();
      const answer = deps.core.ask(question, { maxCitations: PAGE });
      deps.metrics?.answer("discord", answer.citations.length > 0, secondsSince(started));
      const more = answer.citations.length >= PAGE ? `more:${deps.recent.remember(question)}:${PAGE}` : null;
      const reply = { embeds: [answerEmbed(answer)], components: answerButtons(answer.citations, more), allowedMentions: NO_PINGS };
      if (deferred) await interaction.editReply(reply);
      else await interaction.reply(reply);
    } catch (error) {
      if (isRegbotError(error, "BAD_INPUT")) return replyPrivately(interaction, error.message);
      throw error;
    }
  },
  async autocomplete(interaction, deps) {
    const typed = interaction.options.getFocused().trim();
    const titles = typed
      ? safeAsk(deps, typed).map((c) => c.article.title)
      : deps.core.latest({ limit: 25 }).map((a) => a.title);
    const unique = [...new Set(titles)].slice(0, 25);
    await interaction.respond(unique.map((t) => ({ name: t.slice(0, 100), value: t.slice(0, 100) })));
  },
} satisfies Command;

function safeAsk(deps: Parameters<Command["execute"]>[1], text: string) {
  try {
    return deps.core.ask(text, { maxCitations: 25 }).citations;
  } catch {
    return [];
  }
}
