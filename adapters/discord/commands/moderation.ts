import { ActionRowBuilder, ButtonBuilder, ButtonStyle, MessageFlags, PermissionFlagsBits, SlashCommandBuilder, type ButtonInteraction, type ChatInputCommandInteraction, type GuildMember, type User } from "discord.js";
import { isRegbotError } from "../../../src/errors.js";
import { formatDuration, MAX_MUTE_SECONDS, parseDuration } from "../../../src/moderation/duration.js";
import type { Person, Place, WarnOutcome, WarnPolicy } from "../../../src/moderation/ledger.js";
import { replyPrivately, type Command, type DiscordDeps } from "../context.js";
import { escapeDiscord, NO_PINGS } from "../render.js";

const place = (guildId: string): Place => ({ platform: "discord", chatId: guildId });
const personOf = (user: User, member?: GuildMember | null): Person => ({ id: user.id, name: member?.displayName ?? user.globalName ?? user.username });
const who = (p: Person) => `**${escapeDiscord(p.name)}**`;
/** The member the "user" option names (by their name in this server when they are in it), or else the caller. */
const named = (interaction: ChatInputCommandInteraction): Person => {
  const user = interaction.options.getUser("user");
  return user ? personOf(user, interaction.options.getMember("user") as GuildMember | null) : personOf(interaction.user, interaction.member as GuildMember | null);
};

/** Only the warned member is mentioned, and only where they are named (never @everyone or roles). */
const pingOnly = (userId: string) => ({ parse: [] as [], users: [userId], roles: [] as string[], repliedUser: false });

/** The guild, the moderator and the checks every moderation command shares; `null` when it answered a refusal. */
async function moderatorContext(interaction: ChatInputCommandInteraction, permission: bigint) {
  if (!interaction.inGuild() || !interaction.guild) {
    await replyPrivately(interaction, "Moderation commands work in servers, not in direct messages.");
    return null;
  }
  // Declared as the command's default permission, and checked again: server admins can change who sees it.
  if (!interaction.memberPermissions.has(permission)) {
    await replyPrivately(interaction, permission === PermissionFlagsBits.ManageGuild ? "Only members who can manage this server can change the warn settings." : "Only members who can time out members can do that.");
    return null;
  }
  return { guild: interaction.guild, guildId: interaction.guildId, moderator: personOf(interaction.user, interaction.member as GuildMember) };
}

/** Why `target` may not be warned by this moderator, or null. */
function refusal(interaction: ChatInputCommandInteraction, target: User, member: GuildMember | null): string | null {
  const guild = interaction.guild!;
  if (target.id === interaction.user.id) return "You cannot warn yourself.";
  if (target.id === interaction.client.user.id) return "I will not warn myself.";
  if (target.bot) return "Bots cannot be warned.";
  if (target.id === guild.ownerId) return "The server owner cannot be warned.";
  if (member?.permissions?.has?.(PermissionFlagsBits.Administrator)) return `${escapeDiscord(member.displayName)} is an administrator and cannot be warned.`;
  const moderator = interaction.member as GuildMember | null;
  const modTop = moderator?.roles?.highest?.position ?? 0;
  const targetTop = member?.roles?.highest?.position ?? 0;
  if (interaction.user.id !== guild.ownerId && member && targetTop >= modTop) return "Your highest role must be above the member's to warn them.";
  return null;
}

/** Carries out the action due at the limit; quotes Discord when it refuses, and the warnings then keep counting. */
async function act(interaction: ChatInputCommandInteraction, deps: DiscordDeps, target: User, member: GuildMember | null, moderator: Person, outcome: WarnOutcome): Promise<string> {
  const guild = interaction.guild!;
  const action = outcome.action!;
  const person = personOf(target, member);
  const me = guild.members.me;
  if (member && me && member.roles?.highest && me.roles.highest.position <= member.roles.highest.position) {
    deps.core.moderation.ledger.reopen(place(guild.id), moderator, person, outcome.escalated, `${action.kind} failed`, "the bot's highest role is not above the member's");
    return `I could not ${action.kind} ${who(person)}: my highest role must be above theirs. The warning stays recorded.`;
  }
  try {
    if (action.kind === "mute") {
      const seconds = Math.min(action.durationSeconds ?? 86400, MAX_MUTE_SECONDS);
      await guild.members.edit(target.id, { communicationDisabledUntil: new Date(Date.now() + seconds * 1000).toISOString(), reason: `regbot: ${outcome.count}/${outcome.policy.limit} warnings` });
    } else if (action.kind === "kick") {
      await guild.members.kick(target.id, `regbot: ${outcome.count}/${outcome.policy.limit} warnings`);
    } else {
      await guild.bans.create(target.id, { reason: `regbot: ${outcome.count}/${outcome.policy.limit} warnings` });
      // Discord has no timed bans: the bot lifts it when due (see startDiscord), also after a restart.
      if (action.durationSeconds) deps.core.moderation.ledger.scheduleUnban(place(guild.id), target.id, new Date(Date.now() + action.durationSeconds * 1000));
    }
  } catch (error) {
    const said = error instanceof Error ? error.message : String(error);
    deps.core.moderation.ledger.reopen(place(guild.id), moderator, person, outcome.escalated, `${action.kind} failed`, said);
    return `I could not ${action.kind} ${who(person)}: Discord said “${escapeDiscord(said)}”. The warning stays recorded.`;
  }
  const length = action.kind === "mute" ? ` for ${formatDuration(Math.min(action.durationSeconds ?? 86400, MAX_MUTE_SECONDS))}` : action.kind === "ban" && action.durationSeconds ? ` for ${formatDuration(action.durationSeconds)}` : "";
  deps.core.moderation.ledger.record(place(guild.id), moderator, person, action.kind, length.trim());
  deps.metrics?.action("discord", action.kind);
  return `${who(person)} reached ${outcome.count}/${outcome.policy.limit} warnings and was ${{ mute: "timed out", kick: "kicked", ban: "banned" }[action.kind]}${length}.`;
}

/** `/warn user [reason]`. */
export const warn = {
  data: new SlashCommandBuilder()
    .setName("warn")
    .setDescription("Warn a member; at the server's limit they are timed out, kicked or banned")
    .setDefaultMemberPermissions(PermissionFlagsBits.ModerateMembers)
    .setDMPermission(false)
    .addUserOption((o) => o.setName("user").setDescription("The member to warn").setRequired(true))
    .addStringOption((o) => o.setName("reason").setDescription("Why").setMaxLength(500)),
  async execute(interaction, deps) {
    const context = await moderatorContext(interaction, PermissionFlagsBits.ModerateMembers);
    if (!context) return;
    const target = interaction.options.getUser("user", true);
    const member = interaction.options.getMember("user") as GuildMember | null;
    const why = refusal(interaction, target, member);
    if (why) return replyPrivately(interaction, why);
    const reason = interaction.options.getString("reason") ?? "";
    const person = personOf(target, member);
    // Acting at the limit calls Discord first: defer so the 3-second window cannot close on a slow answer.
    await interaction.deferReply();
    const outcome = deps.core.moderation.ledger.warn(place(context.guildId), person, context.moderator, reason, null, interaction.id);
    if (!outcome.duplicate) deps.metrics?.warning("discord");
    const lines = [`⚠️ <@${target.id}> (${who(person)}) has been warned by ${who(context.moderator)} (${outcome.count}/${outcome.policy.limit}).`, reason ? `Reason: ${escapeDiscord(reason)}` : ""];
    // The member hears it privately too; one who blocks direct messages is no error.
    const tell = async () => {
      if (!outcome.policy.dmMember) return;
      await target.send({ content: `You were warned in **${escapeDiscord(context.guild.name)}** (${outcome.count}/${outcome.policy.limit}).${reason ? ` Reason: ${escapeDiscord(reason)}` : ""}`, allowedMentions: NO_PINGS }).catch(() => undefined);
    };
    // A kicked or banned member shares no server with the bot any more, so cannot be told afterwards.
    const leaving = outcome.action?.kind === "kick" || outcome.action?.kind === "ban";
    if (leaving) await tell();
    if (outcome.action) lines.push(await act(interaction, deps, target, member, context.moderator, outcome));
    const text = lines.filter(Boolean).join("\n");
    // Moderators can take the warning back with a button (checked again when pressed).
    const remove = outcome.action ? [] : [new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId(`uw:${target.id}:${outcome.warning.id}`).setLabel("Remove warning").setStyle(ButtonStyle.Secondary))];
    await interaction.editReply({ content: text.slice(0, 2000), components: remove, allowedMentions: pingOnly(target.id) });
    if (!leaving) await tell();
    if (outcome.policy.logChat) {
      const channel = await interaction.client.channels.fetch(outcome.policy.logChat).catch(() => null);
      // Only to a channel of this server: its warnings are no other server's business.
      if (channel?.isSendable() && !channel.isDMBased() && channel.guildId === context.guildId) await channel.send({ content: text.slice(0, 2000), allowedMentions: NO_PINGS }).catch(() => undefined);
    }
  },
} satisfies Command;

/** `/warns [user]`: members see their own; moderators anyone's. */
export const warns = {
  data: new SlashCommandBuilder()
    .setName("warns")
    .setDescription("Active warnings of a member (your own without a member)")
    .setDMPermission(false)
    .addUserOption((o) => o.setName("user").setDescription("The member")),
  async execute(interaction, deps) {
    if (!interaction.inGuild()) return replyPrivately(interaction, "/warns works in servers.");
    const target = named(interaction);
    if (target.id !== interaction.user.id && !interaction.memberPermissions.has(PermissionFlagsBits.ModerateMembers)) {
      return replyPrivately(interaction, "Members can see their own warnings; only moderators can see other members'.");
    }
    const list = deps.core.moderation.ledger.active(place(interaction.guildId), target.id);
    const policy = deps.core.moderation.ledger.policy(place(interaction.guildId));
    const text = list.length === 0 ? `${who(target)} has no active warnings.` : [`${who(target)} has ${list.length}/${policy.limit} warnings:`, ...list.map((w) => `#${w.id} · ${w.createdAt.slice(0, 10)} · ${escapeDiscord(w.reason || "no reason given")} (by ${escapeDiscord(w.moderatorName)})`)].join("\n");
    await interaction.reply({ content: text.slice(0, 2000), allowedMentions: NO_PINGS, flags: MessageFlags.Ephemeral });
  },
} satisfies Command;

/** `/unwarn user [id]`. */
export const unwarn = {
  data: new SlashCommandBuilder()
    .setName("unwarn")
    .setDescription("Remove a member's latest (or given) warning")
    .setDefaultMemberPermissions(PermissionFlagsBits.ModerateMembers)
    .setDMPermission(false)
    .addUserOption((o) => o.setName("user").setDescription("The member").setRequired(true))
    .addIntegerOption((o) => o.setName("id").setDescription("The warning id (from /warns)").setMinValue(1)),
  async execute(interaction, deps) {
    const context = await moderatorContext(interaction, PermissionFlagsBits.ModerateMembers);
    if (!context) return;
    const target = named(interaction);
    const removed = deps.core.moderation.ledger.unwarn(place(context.guildId), target, context.moderator, interaction.options.getInteger("id") ?? undefined);
    await interaction.reply({ content: removed ? `Warning #${removed.id} of ${who(target)} removed.` : `${who(target)} has no such active warning.`, allowedMentions: NO_PINGS });
  },
} satisfies Command;

/** `/resetwarns user`. */
export const resetwarns = {
  data: new SlashCommandBuilder()
    .setName("resetwarns")
    .setDescription("Clear a member's warnings")
    .setDefaultMemberPermissions(PermissionFlagsBits.ModerateMembers)
    .setDMPermission(false)
    .addUserOption((o) => o.setName("user").setDescription("The member").setRequired(true)),
  async execute(interaction, deps) {
    const context = await moderatorContext(interaction, PermissionFlagsBits.ModerateMembers);
    if (!context) return;
    const target = named(interaction);
    const n = deps.core.moderation.ledger.reset(place(context.guildId), target, context.moderator);
    await interaction.reply({ content: `Cleared ${n} warning${n === 1 ? "" : "s"} of ${who(target)}.`, allowedMentions: NO_PINGS });
  },
} satisfies Command;

function describePolicy(p: WarnPolicy): string {
  return [
    `Warn limit: **${p.limit}**`,
    `Action at the limit: **${p.action}${p.durationSeconds ? ` for ${formatDuration(p.durationSeconds)}` : ""}**`,
    `Warnings expire: **${p.expirySeconds ? `after ${formatDuration(p.expirySeconds)}` : "never"}**`,
    `Log channel: ${p.logChat ? `<#${p.logChat}>` : "**off**"}`,
    `Tell the warned member by DM: **${p.dmMember ? "on" : "off"}**`,
  ].join("\n");
}

/** `/warnconfig [setting value]`: shows or changes the server's policy (Manage Server). */
export const warnconfig = {
  data: new SlashCommandBuilder()
    .setName("warnconfig")
    .setDescription("Show or change the warn limit, the action, expiry and the log channel")
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setDMPermission(false)
    .addStringOption((o) =>
      o.setName("setting").setDescription("What to change").addChoices(
        { name: "limit (e.g. 3)", value: "limit" },
        { name: "action (mute 24h, kick, ban)", value: "action" },
        { name: "expiry (e.g. 30d, or off)", value: "expiry" },
        { name: "log (a channel id, or off)", value: "log" },
        { name: "dm (tell the warned member by direct message: on or off)", value: "dm" },
      ),
    )
    .addStringOption((o) => o.setName("value").setDescription("The new value").setMaxLength(40)),
  async execute(interaction, deps) {
    if (!interaction.inGuild()) return replyPrivately(interaction, "/warnconfig works in servers.");
    const ledger = deps.core.moderation.ledger;
    const setting = interaction.options.getString("setting");
    if (!setting) return replyPrivately(interaction, describePolicy(ledger.policy(place(interaction.guildId))));
    const context = await moderatorContext(interaction, PermissionFlagsBits.ManageGuild);
    if (!context) return;
    const [first = "", second] = (interaction.options.getString("value") ?? "").trim().toLowerCase().split(/\s+/);
    try {
      const change: Partial<WarnPolicy> =
        setting === "limit" ? { limit: Number(first) }
        : setting === "action" ? (first === "mute" || first === "kick" || first === "ban" ? { action: first, durationSeconds: second ? parseDuration(second) : first === "mute" ? 86400 : null } : { action: "invalid" as never })
        : setting === "expiry" ? { expirySeconds: first === "off" ? null : parseDuration(first) }
        : setting === "dm" ? (first === "on" || first === "off" ? { dmMember: first === "on" } : { dmMember: "invalid" as never })
        : { logChat: first === "off" || !first ? null : first.replace(/^<#(\d+)>$/, "$1") };
      if (change.dmMember === ("invalid" as never)) return replyPrivately(interaction, "dm is on or off.");
      if (change.action === ("invalid" as never)) return replyPrivately(interaction, "The action is mute (with a duration like 24h), kick, or ban.");
      // Only a channel of this server: another server's channel would receive this one's warnings.
      if (change.logChat && !context.guild.channels.cache.get(change.logChat)?.isSendable()) {
        const shown = /^\d{1,20}$/.test(change.logChat) ? `<#${change.logChat}>` : `“${escapeDiscord(change.logChat)}”`;
        return replyPrivately(interaction, `${shown} is not a text channel of this server: give the id of one of its channels, or off.`);
      }
      const policy = ledger.setPolicy(place(context.guildId), context.moderator, change);
      await replyPrivately(interaction, `Saved.\n${describePolicy(policy)}`);
    } catch (error) {
      if (isRegbotError(error, "BAD_INPUT")) return replyPrivately(interaction, error.message);
      throw error;
    }
  },
} satisfies Command;

/** `/modlog [user]`: recent audit entries (moderators). */
export const modlog = {
  data: new SlashCommandBuilder()
    .setName("modlog")
    .setDescription("Recent moderation log")
    .setDefaultMemberPermissions(PermissionFlagsBits.ModerateMembers)
    .setDMPermission(false)
    .addUserOption((o) => o.setName("user").setDescription("Only about this member")),
  async execute(interaction, deps) {
    const context = await moderatorContext(interaction, PermissionFlagsBits.ModerateMembers);
    if (!context) return;
    const user = interaction.options.getUser("user");
    const entries = deps.core.moderation.ledger.log(place(context.guildId), { ...(user ? { userId: user.id } : {}), limit: 15 });
    const text = entries.length === 0 ? "The moderation log is empty." : entries.map((e) => `${e.at.slice(0, 16).replace("T", " ")} · ${escapeDiscord(e.actor.name)}: ${escapeDiscord(e.what)}${e.target ? ` **${escapeDiscord(e.target.name)}**` : ""}${e.detail ? ` — ${escapeDiscord(e.detail.slice(0, 100))}` : ""}`).join("\n");
    await replyPrivately(interaction, text);
  },
} satisfies Command;

/** The "Remove warning" button under a warn message: moderators only, checked when pressed. */
export async function removeWarningButton(interaction: ButtonInteraction, deps: DiscordDeps, userId: string, warningId: number): Promise<void> {
  if (!interaction.inGuild() || !interaction.memberPermissions.has(PermissionFlagsBits.ModerateMembers)) {
    return replyPrivately(interaction, "Only members who can time out members can remove warnings.");
  }
  const target = await interaction.client.users.fetch(userId).catch(() => null);
  const person: Person = target ? personOf(target) : { id: userId, name: userId };
  const removed = deps.core.moderation.ledger.unwarn(place(interaction.guildId), person, personOf(interaction.user, interaction.member as GuildMember), warningId);
  await replyPrivately(interaction, removed ? `Warning #${removed.id} of ${who(person)} removed.` : "That warning is no longer active.");
}

/**
 * Lifts the timed bans that are due (Discord's bans never end by themselves). Run at start and every minute,
 * so a ban due while regbot was down is lifted when it comes back.
 */
export async function liftDueBans(client: import("discord.js").Client, deps: Pick<DiscordDeps, "core" | "logger">): Promise<void> {
  const ledger = deps.core.moderation.ledger;
  for (const { place: where, userId } of ledger.dueUnbans("discord", new Date())) {
    const guild = client.guilds.cache.get(where.chatId);
    if (!guild) continue;
    try {
      await guild.bans.remove(userId, "regbot: timed ban over");
      ledger.unbanned(where, userId);
      ledger.record(where, { id: client.user?.id ?? "bot", name: "regbot" }, { id: userId, name: userId }, "unban", "timed ban over");
    } catch (error) {
      // Already lifted by hand: nothing left to do. Otherwise try again at the next round.
      if ((error as { code?: number }).code === 10026) ledger.unbanned(where, userId);
      else deps.logger.warn({ guild: where.chatId, err: error }, "a timed ban could not be lifted yet");
    }
  }
}
