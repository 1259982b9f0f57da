import { randomBytes } from "node:crypto";
import { Composer, InlineKeyboard, type Context } from "grammy";
import type { User } from "grammy/types";
import { replyHtml, type TelegramDeps } from "./context.js";
import { GROUP_ANONYMOUS_BOT_ID } from "./qa.js";

/** How long a chat's administrator list is trusted before Telegram is asked again (chat_member updates refresh it sooner). */
const ADMIN_CACHE_MS = 60_000;
/** How long an anonymous admin's pending command waits for its Confirm click. */
const PENDING_MS = 10 * 60_000;

/** What a member may do in a group, as far as regbot cares. */
export interface Rights {
  readonly creator: boolean;
  readonly admin: boolean;
  readonly canRestrict: boolean;
}

/** A command that only a group's moderators may run; `moderator` is who ran it (or confirmed it). */
export type ModeratorAction = (ctx: Context, moderator: User) => Promise<void>;

/**
 * Who moderates a group: its creator, and administrators who can restrict members. One gate is shared by every
 * feature with moderator commands (warnings, alert subscriptions), so they agree and share one admin cache.
 */
export interface ModeratorGate {
  /** Keeps the admin cache fresh (chat_member updates) and completes Confirm clicks; register it before the features. */
  readonly middleware: Composer<Context>;
  /** A member's rights in a group (cached for a minute); GroupAnonymousBot has none. */
  rightsOf(ctx: Context, chatId: number, userId: number): Promise<Rights>;
  /**
   * Runs `action` in a group when the sender is a moderator. An anonymous admin (posting as the group) gets a
   * Confirm button instead, since only a click carries their real account; anyone else gets `refusal`. The
   * caller decides first what the command does outside groups.
   */
  guard(ctx: Context, action: ModeratorAction, refusal: string): Promise<void>;
}

/** Creates the moderator gate: one per bot. */
export function createModeratorGate(deps: Pick<TelegramDeps, "now">): ModeratorGate {
  const admins = new Map<number, { at: number; rights: Map<number, Rights> }>();
  const pending = new Map<string, { at: number; run: (click: Context, moderator: User) => Promise<void> }>();
  const now = () => deps.now?.() ?? Date.now();
  const middleware = new Composer<Context>();

  const rightsOf = async (ctx: Context, chatId: number, userId: number): Promise<Rights> => {
    const none = { creator: false, admin: false, canRestrict: false };
    if (userId === GROUP_ANONYMOUS_BOT_ID) return none;
    let cached = admins.get(chatId);
    if (!cached || now() - cached.at > ADMIN_CACHE_MS) {
      const list = await ctx.api.getChatAdministrators(chatId);
      const rights = new Map<number, Rights>();
      for (const m of list) {
        rights.set(m.user.id, {
          creator: m.status === "creator",
          admin: true,
          canRestrict: m.status === "creator" || (m.status === "administrator" && m.can_restrict_members),
        });
      }
      cached = { at: now(), rights };
      admins.set(chatId, cached);
    }
    return cached.rights.get(userId) ?? none;
  };

  middleware.on("chat_member", async (ctx, next) => {
    admins.delete(ctx.chat.id);
    await next();
  });

  middleware.callbackQuery(/^mc:([0-9a-f]{12})$/, async (ctx) => {
    const entry = pending.get(ctx.match[1]!);
    const chatId = ctx.chat?.id;
    if (!entry || now() - entry.at > PENDING_MS || chatId === undefined) return ctx.answerCallbackQuery({ text: "This request has expired: send the command again." });
    if (!(await rightsOf(ctx, chatId, ctx.from.id)).canRestrict) return ctx.answerCallbackQuery({ text: "Only admins who can restrict members can confirm this." });
    pending.delete(ctx.match[1]!);
    await ctx.answerCallbackQuery({ text: "Confirmed." });
    await entry.run(ctx, ctx.from);
  });

  const guard = async (ctx: Context, action: ModeratorAction, refusal: string): Promise<void> => {
    const chat = ctx.chat;
    if (!chat) return;
    const anonymous = ctx.senderChat?.id === chat.id || ctx.from?.id === GROUP_ANONYMOUS_BOT_ID;
    if (anonymous) {
      const key = randomBytes(6).toString("hex");
      // The command's own context is kept: a nested reply_to_message would not survive the round trip.
      pending.set(key, { at: now(), run: (_click, moderator) => action(ctx, moderator) });
      for (const [k, p] of pending) if (now() - p.at > PENDING_MS) pending.delete(k);
      return replyHtml(ctx, ["You are posting as the group. An admin who can restrict members, please confirm:"], new InlineKeyboard().text("Confirm", `mc:${key}`));
    }
    if (!ctx.from || !(await rightsOf(ctx, chat.id, ctx.from.id)).canRestrict) return replyHtml(ctx, [refusal]);
    await action(ctx, ctx.from);
  };

  return { middleware, rightsOf, guard };
}
