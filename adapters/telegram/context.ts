import type { Context } from "grammy";
import type { InlineKeyboard } from "grammy";
import type { Core } from "../../src/core.js";
import type { Logger } from "../../src/logger.js";
import type { Metrics } from "../../src/metrics.js";

/** What every Telegram feature needs. */
export interface TelegramDeps {
  readonly core: Core;
  readonly logger: Logger;
  /** Questions one user may ask per window before being asked to slow down. Default 5 per 60 s. */
  readonly flood?: { readonly limit: number; readonly windowMs: number };
  readonly now?: () => number;
  /** Counts updates, answers, warnings and errors for `/metrics`. Default: counts nothing. */
  readonly metrics?: Metrics;
}

/** The chat's forum topic of this update, if any: replies belong in the same topic. */
export function threadOf(ctx: Context): number | undefined {
  const msg = ctx.msg;
  return msg && "is_topic_message" in msg && msg.is_topic_message ? msg.message_thread_id : undefined;
}

/**
 * Sends HTML messages in reply to the update's message, in its topic, with link previews off. Only the first
 * message replies (and carries `keyboard` when it is the only one); the keyboard goes on the last message.
 */
export async function replyHtml(ctx: Context, messages: readonly string[], keyboard?: InlineKeyboard): Promise<void> {
  const chatId = ctx.chat?.id;
  if (chatId === undefined) return;
  const thread = threadOf(ctx);
  const replyTo = ctx.msg?.message_id;
  for (const [i, text] of messages.entries()) {
    await ctx.api.sendMessage(chatId, text, {
      parse_mode: "HTML",
      link_preview_options: { is_disabled: true },
      ...(thread !== undefined ? { message_thread_id: thread } : {}),
      ...(i === 0 && replyTo !== undefined ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } } : {}),
      ...(i === messages.length - 1 && keyboard ? { reply_markup: keyboard } : {}),
    });
  }
}
