import { Composer, InlineKeyboard, type Context } from "grammy";
import type { AnswerMode } from "../../src/chats/chat-settings.js";
import { replyHtml, threadOf, type TelegramDeps } from "./context.js";

/** The account Telegram shows as the sender of an anonymous admin's message. Never an admin itself. */
export const GROUP_ANONYMOUS_BOT_ID = 1087968824;

const MODES: Record<string, AnswerMode> = { on: "on", off: "off", here: "here" };

/** True when `userId` is the chat's creator or one of its administrators (asked of Telegram each time). */
async function isChatAdmin(ctx: Context, chatId: number, userId: number): Promise<boolean> {
  if (userId === GROUP_ANONYMOUS_BOT_ID) return false;
  const member = await ctx.api.getChatMember(chatId, userId);
  return member.status === "creator" || member.status === "administrator";
}

function describe(mode: AnswerMode, thread: string | null): string {
  if (mode === "off") return "I will not answer questions in this group until an admin sends /qa on.";
  if (mode === "here") return thread ? "I will answer questions only in this topic." : "I will answer questions only in the General topic.";
  return "I will answer questions everywhere in this group.";
}

/**
 * `/qa on|off|here`: chat administrators choose where the bot answers. An anonymous admin (who posts as the
 * group) confirms with a button, since only the click carries their real account. Settings follow a group that
 * becomes a supergroup.
 */
export function qaSettings(deps: TelegramDeps): Composer<Context> {
  const { core } = deps;
  const composer = new Composer<Context>();

  const apply = async (ctx: Context, chatId: number, mode: AnswerMode, thread: string | null) => {
    core.chats.set("telegram", chatId, { answers: mode, threadId: mode === "here" ? thread : null });
    await replyHtml(ctx, [describe(mode, mode === "here" ? thread : null)]);
  };

  composer.command("qa", async (ctx) => {
    const chat = ctx.chat;
    if (chat.type === "private") return replyHtml(ctx, ["/qa works in groups: there, admins choose where I answer."]);
    const arg = ctx.match.trim().toLowerCase();
    const mode = MODES[arg];
    if (!mode) {
      const current = core.chats.get("telegram", chat.id);
      return replyHtml(ctx, [`${describe(current.answers, current.threadId)}\nAdmins: <code>/qa on</code>, <code>/qa off</code>, or <code>/qa here</code> (only in this topic).`]);
    }
    const thread = threadOf(ctx) !== undefined ? String(threadOf(ctx)) : null;
    const anonymous = ctx.senderChat?.id === chat.id || ctx.from?.id === GROUP_ANONYMOUS_BOT_ID;
    if (anonymous) {
      const keyboard = new InlineKeyboard().text("Confirm (admins only)", `qa:${mode}:${thread ?? ""}`);
      return replyHtml(ctx, ["You are posting as the group. An admin, please confirm this change:"], keyboard);
    }
    if (!ctx.from || !(await isChatAdmin(ctx, chat.id, ctx.from.id))) return replyHtml(ctx, ["Only the group's admins can change where I answer."]);
    await apply(ctx, chat.id, mode, thread);
  });

  composer.callbackQuery(/^qa:(on|off|here):(\d*)$/, async (ctx) => {
    const chatId = ctx.chat?.id;
    if (chatId === undefined || !(await isChatAdmin(ctx, chatId, ctx.from.id))) {
      return ctx.answerCallbackQuery({ text: "Only the group's admins can confirm this." });
    }
    await ctx.answerCallbackQuery({ text: "Done." });
    await apply(ctx, chatId, ctx.match[1] as AnswerMode, ctx.match[2] || null);
  });


  return composer;
}
