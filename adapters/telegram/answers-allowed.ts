import type { Context } from "grammy";
import type { Core } from "../../src/core.js";
import { threadOf } from "./context.js";

/**
 * Whether the chat lets the bot answer here: always in private chats; in groups as set with `/qa` (everywhere,
 * nowhere, or only in one forum topic).
 */
export function answersAllowed(core: Core, ctx: Context): boolean {
  const chat = ctx.chat;
  if (!chat || chat.type === "private") return true;
  const settings = core.chats.get("telegram", chat.id);
  if (settings.answers === "off") return false;
  if (settings.answers === "here") return String(threadOf(ctx) ?? "") === (settings.threadId ?? "");
  return true;
}
