import { EmbedBuilder, MessageFlags, PermissionFlagsBits, SlashCommandBuilder, type AutocompleteInteraction, type ChatInputCommandInteraction } from "discord.js";
import { MAX_SUBSCRIPTION_LENGTH, subscriptionPhrase } from "../../../src/alerts/match.js";
import { queryKey, type Subscription } from "../../../src/alerts/subscriptions.js";
import { isRegbotError } from "../../../src/errors.js";
import { replyPrivately, type Command } from "../context.js";
import { cutTo, DISCORD_LIMITS, escapeDiscord, NO_PINGS } from "../render.js";

const PLATFORM = "discord";

/** "about European Union mentioning stablecoins" (escaped), or "" when the subscription takes all regulation news. */
const filterText = (query: string) => escapeDiscord(subscriptionPhrase(query));

function willBePosted(query: string): string {
  const filter = filterText(query);
  return filter ? `New regulation articles ${filter} will be posted in this channel.` : "All new regulation articles will be posted in this channel.";
}

/** A subscription as autocomplete shows it. */
const choiceName = (sub: Subscription, n: number) => cutTo(`${n}. ${sub.query || "all regulation news"}${sub.pausedReason ? " (paused)" : ""}`, 100);

/**
 * The checks every command that changes subscriptions shares: in a server channel, by a member who can manage the
 * server. Declared as the commands' default permission and checked again here, since server admins can change who
 * sees a command. Returns the channel, or `null` when it answered a refusal.
 */
async function managedChannel(interaction: ChatInputCommandInteraction): Promise<string | null> {
  if (!interaction.inGuild()) {
    await replyPrivately(interaction, "Subscriptions post new articles in server channels: use this command in a channel of your server.");
    return null;
  }
  if (!interaction.memberPermissions.has(PermissionFlagsBits.ManageGuild)) {
    await replyPrivately(interaction, "Only members who can manage this server can change this channel's subscriptions.");
    return null;
  }
  return interaction.channelId;
}

/** `/subscribe [topic]`: new regulation articles (all, or only those of a jurisdiction or with some words) are posted in this channel. */
export const subscribe = {
  data: new SlashCommandBuilder()
    .setName("subscribe")
    .setDescription("Post new regulation articles in this channel as they come")
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setDMPermission(false)
    .addStringOption((o) => o.setName("topic").setDescription("Only these: a jurisdiction and/or keywords, e.g. EU stablecoins").setMaxLength(MAX_SUBSCRIPTION_LENGTH)),
  async execute(interaction, deps) {
    const channelId = await managedChannel(interaction);
    if (!channelId) return;
    const store = deps.core.subscriptions;
    const query = interaction.options.getString("topic") ?? "";
    const before = store.list(PLATFORM, channelId).find((s) => queryKey(s.query) === queryKey(query));
    let added;
    try {
      added = store.add({ platform: PLATFORM, chatId: channelId, query, createdBy: interaction.user.id });
    } catch (error) {
      if (isRegbotError(error, "BAD_INPUT")) return replyPrivately(interaction, error.message);
      throw error;
    }
    const posted = willBePosted(added.subscription.query);
    const content = added.created ? `${posted}\n\`/subscriptions\` lists this channel's subscriptions; \`/unsubscribe\` stops one.` : before?.pausedReason ? `Subscription resumed. ${posted}` : `Already subscribed. ${posted}`;
    await interaction.reply({ content: cutTo(content, DISCORD_LIMITS.content), allowedMentions: NO_PINGS });
  },
} satisfies Command;

/** `/subscriptions`: this channel's subscriptions, numbered, paused ones with the reason. Anyone may look. */
export const subscriptions = {
  data: new SlashCommandBuilder().setName("subscriptions").setDescription("This channel's subscriptions to new regulation articles").setDMPermission(false),
  async execute(interaction, deps) {
    if (!interaction.inGuild()) return replyPrivately(interaction, "Subscriptions post new articles in server channels: use this command in a channel of your server.");
    const subs = deps.core.subscriptions.list(PLATFORM, interaction.channelId);
    if (subs.length === 0) return replyPrivately(interaction, "This channel has no subscriptions. `/subscribe` posts all new regulation articles here; `/subscribe topic: EU stablecoins` only some.");
    const lines = subs.map((s, i) => {
      const filter = filterText(s.query);
      const what = s.query ? `**${escapeDiscord(s.query)}**: ${filter ? `regulation articles ${filter}` : "all regulation news"}` : "**all regulation news**";
      return `${i + 1}. ${what}${s.pausedReason ? `\n    *paused: ${escapeDiscord(s.pausedReason)}*` : ""}`;
    });
    const paused = subs.some((s) => s.pausedReason) ? " A paused one resumes when you `/subscribe` to it again." : "";
    const description = `${lines.join("\n")}\n\nStop one with \`/unsubscribe\`.${paused}`;
    await interaction.reply({
      embeds: [new EmbedBuilder().setTitle("Subscriptions of this channel").setDescription(cutTo(description, DISCORD_LIMITS.description))],
      allowedMentions: NO_PINGS,
      flags: MessageFlags.Ephemeral,
    });
  },
} satisfies Command;

/** `/unsubscribe which`: stops one of this channel's subscriptions, by its number or its text (autocomplete offers them). */
export const unsubscribe = {
  data: new SlashCommandBuilder()
    .setName("unsubscribe")
    .setDescription("Stop one of this channel's subscriptions")
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setDMPermission(false)
    .addStringOption((o) => o.setName("which").setDescription("The subscription (its number or its text)").setRequired(true).setAutocomplete(true).setMaxLength(MAX_SUBSCRIPTION_LENGTH)),
  async execute(interaction, deps) {
    const channelId = await managedChannel(interaction);
    if (!channelId) return;
    const which = interaction.options.getString("which", true).trim();
    const removed = deps.core.subscriptions.remove(PLATFORM, channelId, which);
    if (!removed) return replyPrivately(interaction, `This channel has no subscription “${escapeDiscord(cutTo(which, 100))}”. \`/subscriptions\` lists them.`);
    const filter = filterText(removed.query);
    await interaction.reply({ content: `Unsubscribed: ${filter ? `new regulation articles ${filter}` : "all new regulation articles"} will no longer be posted in this channel.`, allowedMentions: NO_PINGS });
  },
  async autocomplete(interaction: AutocompleteInteraction, deps) {
    // Offered only to those who may unsubscribe; autocomplete must answer within 3 seconds, so no network calls.
    if (!interaction.inGuild() || !interaction.memberPermissions.has(PermissionFlagsBits.ManageGuild)) return interaction.respond([]);
    const typed = queryKey(interaction.options.getFocused());
    const choices = deps.core.subscriptions
      .list(PLATFORM, interaction.channelId)
      // The text identifies a subscription even if others are removed meanwhile; "all news" has none, so its number.
      .map((s, i) => ({ name: choiceName(s, i + 1), value: s.query || `#${i + 1}` }))
      .filter((c) => !typed || c.name.toLowerCase().includes(typed));
    await interaction.respond(choices.slice(0, 25));
  },
} satisfies Command;
