import { autoRetry } from "@grammyjs/auto-retry";
import { sequentialize } from "@grammyjs/runner";
import { Bot, type Context } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { withFields } from "../../src/logger.js";
import { silentMetrics } from "../../src/metrics.js";
import { alerts } from "./alerts.js";
import { commands, unknownCommands } from "./commands.js";
import type { TelegramDeps } from "./context.js";
import { replyHtml } from "./context.js";
import { inlineMode } from "./inline.js";
import { moderation } from "./moderation.js";
import { createModeratorGate } from "./moderators.js";
import { qaSettings } from "./qa.js";
import { questions } from "./questions.js";

/** Options of {@link createTelegramBot}. */
export interface TelegramBotOptions extends TelegramDeps {
  /** Another Bot API server (self-hosted, or a fake one in tests). */
  readonly apiRoot?: string | undefined;
  /** Known bot info, so no getMe is needed (tests). */
  readonly botInfo?: UserFromGetMe;
  /** Long polling: mark each update handled in the core's inbox, and skip one handled before. */
  readonly keepInbox?: boolean;
}

/** Runs a bookkeeping step that may fail (a read-only database) without failing the update. */
function attempt<T>(step: () => T): T | undefined {
  try {
    return step();
  } catch {
    return undefined;
  }
}

/**
 * Creates the Telegram bot: every feature is a Composer; updates of one chat are handled in order; API calls
 * are retried after 429 (`retry_after`), 5xx and network errors; a failing handler is logged and never stops
 * the bot.
 */
export function createTelegramBot(token: string, given: TelegramBotOptions): Bot {
  // Every line this bot logs says it is Telegram's; lines about an update also carry its chat and update ids.
  const options: TelegramBotOptions = { ...given, logger: withFields(given.logger, { platform: "telegram" }) };
  const bot = new Bot(token, {
    ...(options.botInfo ? { botInfo: options.botInfo } : {}),
    ...(options.apiRoot ? { client: { apiRoot: options.apiRoot } } : {}),
  });
  bot.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60 }));
  const metrics = options.metrics ?? silentMetrics;
  // Polling: an update is in the inbox until handled (see run.ts); handled or failed, it is done, and one Telegram
  // delivers again after a restart is recognised and not handled twice. A read-only database keeps no inbox.
  if (options.keepInbox) {
    const inbox = options.core.inbox;
    bot.use(async (ctx, next) => {
      const id = ctx.update.update_id;
      if (attempt(() => inbox.isDone("telegram", id))) return;
      try {
        await next();
      } finally {
        attempt(() => inbox.done("telegram", id));
      }
    });
  }
  bot.use((ctx, next) => {
    metrics.update("telegram");
    // What people write appears only at debug level.
    options.logger.debug({ update: ctx.update.update_id, chat: ctx.chat?.id, user: ctx.from?.id, text: ctx.msg?.text ?? ctx.inlineQuery?.query }, "update received");
    return next();
  });

  // One chat's updates in order (a question and its follow-up), different chats side by side.
  bot.use(sequentialize((ctx: Context) => (ctx.chat?.id ?? ctx.from?.id)?.toString()));
  // One idea of who moderates a group (and one admin cache) for every feature with moderator commands.
  const moderators = createModeratorGate(options);
  bot.use(moderators.middleware);
  // A group upgraded to a supergroup: everything kept under its old id moves, in one transaction.
  bot.on("message:migrate_to_chat_id", (ctx, next) => {
    options.core.moveChat("telegram", String(ctx.chat.id), String(ctx.msg.migrate_to_chat_id));
    return next();
  });
  bot.use(qaSettings(options));
  bot.use(moderation(options, moderators));
  bot.use(alerts(options, moderators));
  bot.use(commands(options));
  bot.use(questions(options));
  bot.use(inlineMode(options));
  bot.use(unknownCommands());
  // Every callback query gets an answer, even one whose button belongs to an older version of the bot.
  bot.on("callback_query", (ctx) => ctx.answerCallbackQuery({ text: "This button no longer works: please ask again." }));

  bot.catch(async (error) => {
    const ctx = error.ctx;
    metrics.error("telegram");
    options.logger.error({ update: ctx.update.update_id, chat: ctx.chat?.id, err: error.error }, "a Telegram handler failed");
    try {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: "Something went wrong; please try again." });
      else if (ctx.chat && ctx.msg) await replyHtml(ctx, ["Something went wrong while answering; please try again in a moment."]);
    } catch {
      // Telegram itself may be the problem; the error is logged above.
    }
  });
  return bot;
}
