import { randomBytes } from "node:crypto";
import http from "node:http";
import { run } from "@grammyjs/runner";
import { GrammyError, HttpError, webhookCallback, type Bot } from "grammy";
import { RegbotError } from "../../src/errors.js";
import { createTelegramBot, type TelegramBotOptions } from "./bot.js";
import { TELEGRAM_ADMIN_COMMANDS, TELEGRAM_COMMANDS, TELEGRAM_PRIVATE_COMMANDS } from "./commands.js";

/** A running Telegram bot. */
export interface TelegramRunner {
  readonly bot: Bot;
  /** Stops polling and waits for the updates in flight. */
  stop(): Promise<void>;
  /** Settles when polling ends: resolves after `stop()`, rejects with a {@link RegbotError} when Telegram refuses. */
  readonly done: Promise<void>;
  /** In webhook mode: where the server listens. */
  readonly address?: () => ReturnType<http.Server["address"]>;
  /**
   * Whether updates can come in (for `/healthz`): polling runs and Telegram answered a getUpdates within
   * {@link POLL_SILENCE_MS}, or the webhook server listens.
   */
  connected(): boolean;
}

/**
 * Longest a polling bot may go without a getUpdates answer and still count as connected: a long poll is held
 * up to 30 s, and failures get a minute of retries (auto-retry and the runner retry quietly, for hours).
 */
export const POLL_SILENCE_MS = 90_000;

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

/** The inbox's name for this platform's updates. */
export const INBOX = "telegram";

/** Webhook mode: Telegram posts updates to `url`; regbot listens on `port` (and `host`). */
export interface WebhookOptions {
  /** The public HTTPS URL Telegram posts to (its path is the one served). */
  readonly url: string;
  readonly port: number;
  readonly host?: string;
  /** Checked on every request before anything is parsed; generated when not given. */
  readonly secret?: string | undefined;
}

/**
 * The update types regbot asks for; chat_member keeps admin lists fresh (grammY leaves it out by default), and
 * channel_post lets a channel's admins /subscribe it to alerts.
 */
const ALLOWED_UPDATES = ["message", "edited_message", "channel_post", "callback_query", "inline_query", "chosen_inline_result", "my_chat_member", "chat_member"] as const;

/**
 * Starts the bot: checks the token (getMe), registers the command menus, then receives updates — by long
 * polling (one chat's updates in order, many chats at once), or through a webhook when `webhook` is given —
 * until {@link TelegramRunner.stop}.
 */
export async function startTelegram(token: string, options: TelegramBotOptions & { webhook?: WebhookOptions | undefined }): Promise<TelegramRunner> {
  const apiRoot = options.apiRoot ?? "https://api.telegram.org";
  const bot = createTelegramBot(token, { ...options, keepInbox: !options.webhook });
  try {
    await bot.init();
    await bot.api.setMyCommands(TELEGRAM_COMMANDS);
    await bot.api.setMyCommands(TELEGRAM_ADMIN_COMMANDS, { scope: { type: "all_chat_administrators" } });
    await bot.api.setMyCommands(TELEGRAM_PRIVATE_COMMANDS, { scope: { type: "all_private_chats" } });
  } catch (error) {
    throw explainTelegramError(error, apiRoot);
  }
  if (options.webhook) return startWebhook(bot, options.webhook, apiRoot);
  // Long polling: make sure no webhook is set (Telegram refuses getUpdates while one is), keeping pending updates.
  try {
    await bot.api.deleteWebhook({ drop_pending_updates: false });
  } catch (error) {
    throw explainTelegramError(error, apiRoot);
  }
  // When Telegram last answered a getUpdates. Installed last, so it sees only what auto-retry finally returns.
  const now = options.now ?? Date.now;
  let answeredAt = now();
  bot.api.config.use(async (prev, method, payload, signal) => {
    const result = await prev(method, payload, signal);
    if (method === "getUpdates" && result.ok) {
      answeredAt = now();
      // Kept before the runner sees them: its next getUpdates confirms this batch to Telegram, possibly before the
      // batch is handled, and a process killed then would lose it. The bot forgets each one once handled.
      const batch = result.result as unknown as Array<{ update_id: number }>;
      try {
        options.core.inbox.received(INBOX, batch.map((u) => ({ id: u.update_id, payload: u })));
      } catch (error) {
        // A read-only or full database: the updates are still handled, only not kept against a crash.
        options.logger.warn({ platform: "telegram", err: error }, "received updates could not be kept in the inbox");
      }
    }
    return result;
  });
  // What a killed process received and never finished is handled first, in order.
  const unfinished = (() => {
    try {
      options.core.inbox.prune();
      return options.core.inbox.pending(INBOX);
    } catch {
      return [];
    }
  })();
  if (unfinished.length) options.logger.info({ platform: "telegram", updates: unfinished.length }, "handling updates received before a stop that never finished");
  for (const { payload } of unfinished) await bot.handleUpdate(payload as Parameters<Bot["handleUpdate"]>[0]);
  const handle = run(bot, { runner: { silent: true, fetch: { allowed_updates: ALLOWED_UPDATES } } });
  const task = handle.task() ?? Promise.resolve();
  const done = task.catch((error: unknown) => {
    throw explainTelegramError(error, apiRoot);
  });
  const connected = () => handle.isRunning() && now() - answeredAt < POLL_SILENCE_MS;
  return { bot, stop: () => (handle.isRunning() ? handle.stop() : Promise.resolve()), done, connected };
}

/** Serves Telegram's webhook posts; the secret token header is checked before the body is read. */
async function startWebhook(bot: Bot, webhook: WebhookOptions, apiRoot: string): Promise<TelegramRunner> {
  const secret = webhook.secret ?? randomBytes(24).toString("hex");
  const path = new URL(webhook.url).pathname || "/";
  const callback = webhookCallback(bot, "http", { secretToken: secret, onTimeout: "return", timeoutMilliseconds: 9_000 });
  const server = http.createServer((req, res) => {
    if (req.method !== "POST" || (req.url ?? "").split("?")[0] !== path) {
      res.statusCode = 404;
      res.end();
      return;
    }
    callback(req, res).catch(() => {
      // The bot's own error handler has logged it; Telegram gets an answer so it does not resend forever.
      if (!res.headersSent) res.statusCode = 200;
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(webhook.port, webhook.host ?? "0.0.0.0", () => resolve());
  });
  try {
    await bot.api.setWebhook(webhook.url, { secret_token: secret, allowed_updates: ALLOWED_UPDATES, drop_pending_updates: false });
  } catch (error) {
    server.close();
    throw explainTelegramError(error, apiRoot);
  }
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => {
        finish();
        resolve();
      });
      server.closeIdleConnections();
    });
  return { bot, stop, done, address: () => server.address(), connected: () => server.listening };
}
