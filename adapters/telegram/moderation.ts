import { Composer, GrammyError, InlineKeyboard, type Context } from "grammy";
import type { Message, User } from "grammy/types";
import { isRegbotError } from "../../src/errors.js";
import { formatDuration, parseDuration } from "../../src/moderation/duration.js";
import type { Person, Place, WarnOutcome, WarnPolicy } from "../../src/moderation/ledger.js";
import { replyHtml, type TelegramDeps } from "./context.js";
import { silentMetrics } from "../../src/metrics.js";
import type { ModeratorGate } from "./moderators.js";
import { GROUP_ANONYMOUS_BOT_ID } from "./qa.js";
import { escapeHtml } from "./render.js";

const place = (chatId: number): Place => ({ platform: "telegram", chatId: String(chatId) });
const personOf = (user: User): Person => ({ id: String(user.id), name: [user.first_name, user.last_name].filter(Boolean).join(" ") || user.username || String(user.id) });
const who = (p: Person) => `<b>${escapeHtml(p.name)}</b>`;

/** The commands moderators get in Telegram's menu (registered for chat administrators). */
export const TELEGRAM_MODERATION_COMMANDS = [
  { command: "warn", description: "Warn a member (reply to their message)" },
  { command: "dwarn", description: "Warn and delete the message replied to" },
  { command: "warns", description: "A member's active warnings" },
  { command: "unwarn", description: "Remove a member's latest (or given) warning" },
  { command: "resetwarns", description: "Clear a member's warnings" },
  { command: "warnconfig", description: "Warn limit, action, expiry and log chat" },
  { command: "modlog", description: "Recent moderation log" },
] as const;

/**
 * Warnings on Telegram: /warn (by reply, @username or id), /dwarn, /warns, /unwarn, /resetwarns, /warnconfig,
 * /modlog, the Remove button, and the mute, kick or ban at the limit. Callers must be the creator or an admin
 * who can restrict members; an anonymous admin confirms with a button; GroupAnonymousBot is never an admin.
 */
export function moderation(deps: TelegramDeps, moderators: ModeratorGate): Composer<Context> {
  const { ledger, members } = deps.core.moderation;
  const metrics = deps.metrics ?? silentMetrics;
  const composer = new Composer<Context>();
  const now = () => deps.now?.() ?? Date.now();
  const { rightsOf } = moderators;

  // Remember who posts (so /warn @username finds them).
  composer.chatType(["group", "supergroup"]).on("message", async (ctx, next) => {
    const from = ctx.from;
    if (from && !from.is_bot && !ctx.senderChat) members.saw(place(ctx.chat.id), { ...personOf(from), username: from.username });
    await next();
  });

  /** Runs a moderator command: in groups only, by a moderator — or, for an anonymous admin, after a Confirm click. */
  const guarded = (run: (ctx: Context, moderator: User) => Promise<void>) => async (ctx: Context) => {
    const chat = ctx.chat;
    if (!chat || chat.type === "private" || chat.type === "channel") return replyHtml(ctx, ["Moderation commands work in groups: add me to your group and use them there."]);
    await moderators.guard(ctx, run, "Only the group's creator and admins who can restrict members can do that.");
  };

  /** Finds the member a command is about: the replied-to message's author, an @username seen here, or an id. */
  const targetOf = (ctx: Context, args: string[]): { target?: Person & { isBot?: boolean }; evidence?: Message; rest: string[]; error?: string } => {
    const msg = ctx.msg;
    const chatId = ctx.chat!.id;
    const reply = msg?.reply_to_message;
    const topicStarter = reply !== undefined && msg?.is_topic_message === true && reply.message_id === msg.message_thread_id;
    if (reply && !topicStarter) {
      if (reply.sender_chat) return { rest: args, error: "Channel posts and anonymous admins cannot be warned." };
      if (!reply.from) return { rest: args, error: "I cannot tell who wrote that message." };
      // With privacy mode on, a reply may be the first the bot sees of its author: remember them, so the Remove
      // button, /warns ID and a later /warn @username know their name.
      if (!reply.from.is_bot) members.saw(place(chatId), { ...personOf(reply.from), username: reply.from.username });
      return { target: { ...personOf(reply.from), isBot: reply.from.is_bot }, evidence: reply, rest: args };
    }
    const first = args[0];
    if (!first) return { rest: args };
    if (/^@\w{3,32}$/.test(first)) {
      const found = members.byUsername(place(chatId), first);
      if (!found) return { rest: args.slice(1), error: `I have not seen ${escapeHtml(first)} post in this chat. Reply to one of their messages instead.` };
      return { target: found, rest: args.slice(1) };
    }
    if (/^\d{4,15}$/.test(first)) return { target: members.byId(place(chatId), first) ?? { id: first, name: first }, rest: args.slice(1) };
    return { rest: args };
  };

  /** Why this member may not be warned, or null when they may. */
  const refusal = async (ctx: Context, moderator: User, target: Person & { isBot?: boolean }): Promise<string | null> => {
    if (target.id === String(moderator.id)) return "You cannot warn yourself.";
    if (target.id === String(ctx.me.id)) return "I will not warn myself.";
    if (target.isBot || target.id === String(GROUP_ANONYMOUS_BOT_ID)) return "Bots cannot be warned.";
    const rights = await rightsOf(ctx, ctx.chat!.id, Number(target.id));
    if (rights.creator) return `${who(target)} owns this chat and cannot be warned.`;
    if (rights.admin) return `${who(target)} is an admin of this chat and cannot be warned.`;
    return null;
  };

  const postLog = async (ctx: Context, policy: WarnPolicy, text: string) => {
    if (!policy.logChat) return;
    try {
      await ctx.api.sendMessage(policy.logChat, text, { parse_mode: "HTML", link_preview_options: { is_disabled: true } });
    } catch (error) {
      deps.logger.warn({ update: ctx.update.update_id, chat: ctx.chat?.id, err: error }, "the moderation log chat could not be reached");
    }
  };

  /** Carries out the action due at the limit; says exactly what Telegram answered when it refuses. */
  const act = async (ctx: Context, target: Person, moderator: Person, outcome: WarnOutcome): Promise<string> => {
    const action = outcome.action!;
    const chatId = ctx.chat!.id;
    const userId = Number(target.id);
    const until = action.durationSeconds ? Math.floor(now() / 1000) + action.durationSeconds : undefined;
    const length = action.durationSeconds ? ` for ${formatDuration(action.durationSeconds)}` : "";
    try {
      if (action.kind === "mute") {
        await ctx.api.restrictChatMember(
          chatId,
          userId,
          { can_send_messages: false, can_send_audios: false, can_send_documents: false, can_send_photos: false, can_send_videos: false, can_send_video_notes: false, can_send_voice_notes: false, can_send_polls: false, can_send_other_messages: false, can_add_web_page_previews: false },
          { use_independent_chat_permissions: true, ...(until ? { until_date: until } : {}) },
        );
      } else if (action.kind === "ban") {
        await ctx.api.banChatMember(chatId, userId, until ? { until_date: until } : {});
      } else {
        await ctx.api.banChatMember(chatId, userId);
        await ctx.api.unbanChatMember(chatId, userId, { only_if_banned: true });
      }
    } catch (error) {
      const said = error instanceof GrammyError ? error.description : error instanceof Error ? error.message : String(error);
      ledger.reopen(place(chatId), moderator, target, outcome.escalated, `${action.kind} failed`, said);
      return `I could not ${action.kind} ${who(target)}: Telegram said “${escapeHtml(said)}”. The warning stays recorded.`;
    }
    const done = { mute: "muted", kick: "kicked", ban: "banned" }[action.kind];
    metrics.action("telegram", action.kind);
    ledger.record(place(chatId), moderator, target, action.kind, length.trim());
    return `${who(target)} reached ${outcome.count}/${outcome.policy.limit} warnings and was ${done}${length}.`;
  };

  const warn = (deleteMessage: boolean) =>
    guarded(async (ctx, moderatorUser) => {
      const args = String(ctx.match ?? "").trim().split(/\s+/).filter(Boolean);
      const { target, evidence, rest, error } = targetOf(ctx, args);
      if (error) return replyHtml(ctx, [error]);
      if (!target) return replyHtml(ctx, ["Reply to the member's message with <code>/warn reason</code>, or use <code>/warn @username reason</code> or <code>/warn ID reason</code>."]);
      const moderator = personOf(moderatorUser);
      const why = await refusal(ctx, moderatorUser, target);
      if (why) return replyHtml(ctx, [why]);
      const reason = rest.join(" ").slice(0, 500);
      const evidenceText = evidence ? (evidence.text ?? evidence.caption ?? "").slice(0, 1000) || null : null;
      const chatId = ctx.chat!.id;
      // Keyed on the command message: an update Telegram delivers again after a crash does not warn twice.
      const outcome = ledger.warn(place(chatId), target, moderator, reason, evidenceText, ctx.msg ? `${chatId}:${ctx.msg.message_id}` : undefined);
      if (outcome.duplicate) return;
      metrics.warning("telegram");
      const lines = [`⚠️ ${who(target)} has been warned by ${who(moderator)} (${outcome.count}/${outcome.policy.limit}).`, reason ? `Reason: ${escapeHtml(reason)}` : ""];
      const keyboard = outcome.action ? undefined : new InlineKeyboard().text("Remove warning", `uw:${target.id}:${outcome.warning.id}`);
      if (outcome.action) lines.push(await act(ctx, target, moderator, outcome));
      const text = lines.filter(Boolean).join("\n");
      await replyHtml(ctx, [text], keyboard);
      await postLog(ctx, outcome.policy, text);
      if (deleteMessage && evidence) {
        try {
          await ctx.api.deleteMessage(chatId, evidence.message_id);
        } catch (e) {
          await replyHtml(ctx, [`I could not delete that message: ${escapeHtml(e instanceof GrammyError ? e.description : String(e))}`]);
        }
      }
    });

  composer.command("warn", warn(false));
  composer.command("dwarn", warn(true));

  composer.callbackQuery(/^uw:(\d+):(\d+)$/, async (ctx) => {
    const chatId = ctx.chat?.id;
    if (chatId === undefined || !(await rightsOf(ctx, chatId, ctx.from.id)).canRestrict) {
      return ctx.answerCallbackQuery({ text: "Only admins who can restrict members can remove warnings." });
    }
    const target = members.byId(place(chatId), ctx.match[1]!) ?? { id: ctx.match[1]!, name: ctx.match[1]! };
    const removed = ledger.unwarn(place(chatId), target, personOf(ctx.from), Number(ctx.match[2]));
    await ctx.answerCallbackQuery({ text: removed ? "Warning removed." : "That warning is no longer active." });
    if (removed) await replyHtml(ctx, [`Warning #${removed.id} of ${who(target)} removed by ${who(personOf(ctx.from))}.`]);
  });

  composer.command("warns", async (ctx) => {
    const chat = ctx.chat;
    if (chat.type === "private") return replyHtml(ctx, ["/warns works in groups."]);
    const args = ctx.match.trim().split(/\s+/).filter(Boolean);
    const { target: named, error } = targetOf(ctx, args);
    if (error) return replyHtml(ctx, [error]);
    const self = ctx.from ? personOf(ctx.from) : undefined;
    const target = named ?? self;
    if (!target) return;
    if (target.id !== self?.id && !(ctx.from && (await rightsOf(ctx, chat.id, ctx.from.id)).canRestrict)) {
      return replyHtml(ctx, ["Members can see their own warnings; only admins can see other members'."]);
    }
    const list = ledger.active(place(chat.id), target.id);
    const policy = ledger.policy(place(chat.id));
    if (list.length === 0) return replyHtml(ctx, [`${who(target)} has no active warnings.`]);
    await replyHtml(ctx, [
      [`${who(target)} has ${list.length}/${policy.limit} warnings:`, ...list.map((w) => `#${w.id} · ${w.createdAt.slice(0, 10)} · ${escapeHtml(w.reason || "no reason given")} (by ${escapeHtml(w.moderatorName)})`)].join("\n"),
    ]);
  });

  composer.command(
    "unwarn",
    guarded(async (ctx, moderatorUser) => {
      const args = String(ctx.match ?? "").trim().split(/\s+/).filter(Boolean);
      const { target, rest, error } = targetOf(ctx, args);
      if (error) return replyHtml(ctx, [error]);
      if (!target) return replyHtml(ctx, ["Reply to the member's message with <code>/unwarn</code>, or use <code>/unwarn @username [warning id]</code>."]);
      const given = rest[0];
      const id = given === undefined ? undefined : Number(given.replace(/^#/, ""));
      // A mistyped id must not fall back to removing the latest warning.
      if (given !== undefined && !(Number.isInteger(id) && id! > 0)) {
        return replyHtml(ctx, [`“${escapeHtml(given.slice(0, 20))}” is not a warning id: use the number shown by /warns, like <code>/unwarn @username 12</code>.`]);
      }
      const removed = ledger.unwarn(place(ctx.chat!.id), target, personOf(moderatorUser), id);
      await replyHtml(ctx, [removed ? `Warning #${removed.id} of ${who(target)} removed.` : `${who(target)} has no such active warning.`]);
    }),
  );

  composer.command(
    "resetwarns",
    guarded(async (ctx, moderatorUser) => {
      const args = String(ctx.match ?? "").trim().split(/\s+/).filter(Boolean);
      const { target, error } = targetOf(ctx, args);
      if (error) return replyHtml(ctx, [error]);
      if (!target) return replyHtml(ctx, ["Reply to the member's message with <code>/resetwarns</code>, or use <code>/resetwarns @username</code>."]);
      const n = ledger.reset(place(ctx.chat!.id), target, personOf(moderatorUser));
      await replyHtml(ctx, [`Cleared ${n} warning${n === 1 ? "" : "s"} of ${who(target)}.`]);
    }),
  );

  const describePolicy = (p: WarnPolicy) =>
    [
      `Warn limit: <b>${p.limit}</b>`,
      `Action at the limit: <b>${p.action}${p.durationSeconds ? ` for ${formatDuration(p.durationSeconds)}` : p.action === "ban" ? " (permanent)" : ""}</b>`,
      `Warnings expire: <b>${p.expirySeconds ? `after ${formatDuration(p.expirySeconds)}` : "never"}</b>`,
      `Log chat: <b>${p.logChat ? escapeHtml(p.logChat) : "off"}</b>`,
      "",
      "Admins: <code>/warnconfig limit 3</code>, <code>/warnconfig action mute 24h</code> (or kick, ban, ban 7d), <code>/warnconfig expiry 30d</code> (or off), <code>/warnconfig log CHAT_ID</code> (or off).",
    ].join("\n");

  composer.command("warnconfig", async (ctx) => {
    const chat = ctx.chat;
    if (chat.type === "private") return replyHtml(ctx, ["/warnconfig works in groups."]);
    const [key, ...values] = ctx.match.trim().split(/\s+/).filter(Boolean);
    if (!key) return replyHtml(ctx, [describePolicy(ledger.policy(place(chat.id)))]);
    await guarded(async (inner, moderatorUser) => {
      try {
        const change: Partial<WarnPolicy> =
          key === "limit" ? { limit: Number(values[0]) }
          : key === "action" && (values[0] === "mute" || values[0] === "kick" || values[0] === "ban") ? { action: values[0], durationSeconds: values[1] ? parseDuration(values[1]) : values[0] === "mute" ? 86400 : null }
          : key === "expiry" ? { expirySeconds: values[0] === "off" ? null : parseDuration(values[0] ?? "") }
          : key === "log" ? { logChat: values[0] === "off" || !values[0] ? null : values[0] }
          : {};
        if (Object.keys(change).length === 0) return replyHtml(inner, [`I do not know that setting.\n\n${describePolicy(ledger.policy(place(chat.id)))}`]);
        const policy = ledger.setPolicy(place(chat.id), personOf(moderatorUser), change);
        await replyHtml(inner, [`Saved.\n\n${describePolicy(policy)}`]);
      } catch (error) {
        if (isRegbotError(error, "BAD_INPUT")) return replyHtml(inner, [escapeHtml(error.message)]);
        throw error;
      }
    })(ctx);
  });

  composer.command(
    "modlog",
    guarded(async (ctx) => {
      const args = String(ctx.match ?? "").trim().split(/\s+/).filter(Boolean);
      const { target, error } = targetOf(ctx, args);
      if (error) return replyHtml(ctx, [error]);
      const entries = ledger.log(place(ctx.chat!.id), { ...(target ? { userId: target.id } : {}), limit: 15 });
      if (entries.length === 0) return replyHtml(ctx, ["The moderation log is empty."]);
      await replyHtml(ctx, [
        entries
          .map((e) => `${e.at.slice(0, 16).replace("T", " ")} · ${escapeHtml(e.actor.name)}: ${escapeHtml(e.what)}${e.target ? ` ${who(e.target)}` : ""}${e.detail ? ` — ${escapeHtml(e.detail.slice(0, 100))}` : ""}`)
          .join("\n"),
      ]);
    }),
  );

  return composer;
}
