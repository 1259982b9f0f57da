import { run } from "@grammyjs/runner";
import { GrammyError, HttpError, type Bot } from "grammy";
import { RegbotError } from "../../src/errors.js";
import { createTelegramBot, type TelegramBotOptions } from "./bot.js";
import { TELEGRAM_ADMIN_COMMANDS, TELEGRAM_COMMANDS } from "./commands.js";

/** A running Telegram bot. */
export interface TelegramRunner {
  readonly bot: Bot;
  /** Stops polling and waits for the updates in flight. */
  stop(): Promise<void>;
  /** Settles when polling ends: resolves after `stop()`, rejects with a {@link RegbotError} when Telegram refuses. */
  readonly done: Promise<void>;
}

/** Says what a Telegram refusal means, in plain words and without the token. */
export function explainTelegramError(error: unknown, apiRoot: string): RegbotError {
  if (error instanceof GrammyError && error.error_code === 401) {
    return new RegbotError("PLATFORM", "Telegram refused TELEGRAM_BOT_TOKEN (401 Unauthorized). Copy the token again from @BotFather.", { cause: error });
  }
  if (error instanceof GrammyError && error.error_code === 409) {
    return new RegbotError(
      "PLATFORM",
      "Another program is already receiving this bot's updates (409 Conflict): Telegram lets only one poll a bot token at a time, and a webhook also counts. Stop the other regbot, or remove the webhook, then start again.",
      { cause: error },
    );
  }
  if (error instanceof HttpError) {
    return new RegbotError("PLATFORM", `Cannot reach the Telegram Bot API at ${apiRoot} (${error.error instanceof Error ? error.error.message : "network error"}). Check the connection or TELEGRAM_API_ROOT.`, { cause: error });
  }
  if (error instanceof GrammyError) return new RegbotError("PLATFORM", `Telegram refused ${error.method}: ${error.description}`, { cause: error });
  return new RegbotError("PLATFORM", `The Telegram bot stopped: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}

/**
 * Starts the bot with long polling: checks the token (getMe), registers the command menus, then polls — one
 * chat's updates in order, many chats at once — until {@link TelegramRunner.stop}.
 */
export async function startTelegram(token: string, options: TelegramBotOptions): Promise<TelegramRunner> {
  const apiRoot = options.apiRoot ?? "https://api.telegram.org";
  const bot = createTelegramBot(token, options);
  try {
    await bot.init();
    await bot.api.setMyCommands(TELEGRAM_COMMANDS);
    await bot.api.setMyCommands(TELEGRAM_ADMIN_COMMANDS, { scope: { type: "all_chat_administrators" } });
  } catch (error) {
    throw explainTelegramError(error, apiRoot);
  }
  const handle = run(bot, {
    runner: {
      silent: true,
      // chat_member keeps admin lists fresh (moderation); grammY leaves it out by default.
      fetch: { allowed_updates: ["message", "edited_message", "callback_query", "inline_query", "chosen_inline_result", "my_chat_member", "chat_member"] },
    },
  });
  const task = handle.task() ?? Promise.resolve();
  const done = task.catch((error: unknown) => {
    throw explainTelegramError(error, apiRoot);
  });
  return { bot, stop: () => (handle.isRunning() ? handle.stop() : Promise.resolve()), done };
}
