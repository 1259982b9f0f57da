import { PermissionFlagsBits, SlashCommandBuilder } from "discord.js";
import { replyPrivately, type Command } from "../context.js";

/**
 * `/qa mode`: server managers choose where answers go — turn them off or on in this channel, allow them only in
 * chosen channels, or everywhere again. The permission is declared and checked again at run time, since server
 * admins can change who sees a command.
 */
export const qa = {
  data: new SlashCommandBuilder()
    .setName("qa")
    .setDescription("Server managers: where regbot answers questions")
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setDMPermission(false)
    .addStringOption((o) =>
      o
        .setName("mode")
        .setDescription("What to change")
        .setRequired(true)
        .addChoices(
          { name: "off in this channel", value: "off" },
          { name: "on in this channel", value: "on" },
          { name: "only in chosen channels (this one included)", value: "only" },
          { name: "everywhere (except channels turned off)", value: "everywhere" },
        ),
    ),
  async execute(interaction, deps) {
    const guildId = interaction.guildId;
    if (!guildId) return replyPrivately(interaction, "/qa works in servers.");
    if (!interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) {
      return replyPrivately(interaction, "Only members who can manage this server can change where I answer.");
    }
    const channel = `${guildId}:${interaction.channelId}`;
    const chats = deps.core.chats;
    const mode = interaction.options.getString("mode", true);
    if (mode === "off") chats.set("discord", channel, { answers: "off", threadId: null });
    if (mode === "on" || mode === "only") chats.set("discord", channel, { answers: "on", threadId: null });
    if (mode === "only") chats.set("discord", guildId, { answers: "here", threadId: null });
    if (mode === "everywhere") chats.set("discord", guildId, { answers: "on", threadId: null });
    const said: Record<string, string> = {
      off: "I will not answer in this channel.",
      on: "I will answer in this channel.",
      only: "I will answer only in channels turned on with /qa (this one is).",
      everywhere: "I will answer in every channel except those turned off.",
    };
    await replyPrivately(interaction, said[mode] ?? "Done.");
  },
} satisfies Command;
