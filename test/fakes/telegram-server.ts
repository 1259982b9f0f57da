/**
 * A fake Telegram Bot API server for tests, built on node:http only.
 *
 * Point a real grammY bot at it with `new Bot(fake.token, { client: { apiRoot: fake.apiRoot }, botInfo: fake.botInfo })`.
 * grammY calls `POST {apiRoot}/bot{token}/{method}` with a JSON body; the fake answers with
 * `{"ok": true, "result": ...}` or `{"ok": false, "error_code": n, "description": "...", "parameters": {...}}`,
 * using `error_code` as the HTTP status, like Telegram does.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Update, User, UserFromGetMe } from "grammy/types";

/** One API call the fake received (getUpdates is not recorded). */
export interface RecordedCall {
  method: string;
  /** The request body as parsed JSON (or form/query parameters); `{}` when there was none. */
  payload: Record<string, any>;
  /** `Date.now()` when the call arrived. */
  at: number;
}

/** An error the fake answers with instead of a result. */
interface FakeTelegramError {
  error_code: number;
  description: string;
  parameters?: object;
}

export interface FakeTelegram {
  /** e.g. "http://127.0.0.1:PORT" (no trailing slash, as grammY requires). */
  readonly apiRoot: string;
  /** The token it accepts; calls with other tokens get 401 Unauthorized (and are not recorded). */
  readonly token: string;
  /** What getMe returns; pass it as the `botInfo` bot option to skip getMe. */
  readonly botInfo: UserFromGetMe;
  /** Every call except getUpdates, in arrival order (failed and unknown-method calls included). */
  readonly calls: RecordedCall[];
  /** Queues updates; each gets an increasing `update_id` if it has none. Wakes pending long polls. */
  push(...updates: object[]): void;
  /** Resolves with the calls of `method` once at least `count` have been recorded (default 1); rejects after `timeoutMs` (default 5000) with a message listing the calls seen. */
  waitFor(method: string, count?: number, timeoutMs?: number): Promise<RecordedCall[]>;
  /** Makes the next `times` (default 1) calls of `method` fail with this error (e.g. 429 with retry_after 1, or 500). Works for getUpdates too. */
  failNext(method: string, error: { error_code: number; description: string; parameters?: object }, times?: number): void;
  /** Configures what getChatMember returns for this user in this chat; administrators/creators also appear in getChatAdministrators. */
  setChatMember(chatId: number, userId: number, member: object): void;
  /** Closes the server; pending long polls are answered with [] first and pending `waitFor`s are rejected. */
  close(): Promise<void>;
}

/** The user the update builders use unless told otherwise. */
const defaultUser: User = {
  id: 1001,
  is_bot: false,
  first_name: "Alice",
  username: "alice",
  language_code: "en",
};

const DEFAULT_TOKEN = "123456789:TEST-fake-telegram-token";
const DEFAULT_GROUP_ID = -1001234567890;
/** Telegram's real id/name for anonymous group admins' messages. */
const GROUP_ANONYMOUS_BOT: User = { id: 1087968824, is_bot: true, first_name: "Group", username: "GroupAnonymousBot" };
/** Telegram's real id/name for messages sent in a group on behalf of a channel. */
const CHANNEL_BOT: User = { id: 136817688, is_bot: true, first_name: "Channel", username: "Channel_Bot" };

/** Longest a getUpdates long poll is held, whatever `timeout` asks for (keeps tests quick). */
const MAX_POLL_SECONDS = 1;

/** Methods that are recorded and answered with `true`. */
const TRUE_METHODS = new Set(
  [
    "answerCallbackQuery",
    "answerInlineQuery",
    "setMyCommands",
    "deleteMyCommands",
    "deleteWebhook",
    "setWebhook",
    "deleteMessage",
    "restrictChatMember",
    "banChatMember",
    "unbanChatMember",
    "sendChatAction",
  ].map((m) => m.toLowerCase()),
);

/** Methods that answer with a Message object. */
const MESSAGE_METHODS = new Set(["sendMessage", "editMessageText", "editMessageReplyMarkup"].map((m) => m.toLowerCase()));

interface PendingPoll {
  offset: number;
  limit: number;
  res: http.ServerResponse;
  timer: NodeJS.Timeout;
}

interface PendingWait {
  method: string;
  count: number;
  resolve: (calls: RecordedCall[]) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

interface Failure {
  error: FakeTelegramError;
  remaining: number;
}

type Answer = { status: number; body: Record<string, unknown> };

function ok(result: unknown): Answer {
  return { status: 200, body: { ok: true, result } };
}

function fail(error: FakeTelegramError): Answer {
  const body: Record<string, unknown> = { ok: false, error_code: error.error_code, description: error.description };
  if (error.parameters !== undefined) body.parameters = error.parameters;
  const status = error.error_code >= 100 && error.error_code <= 599 ? error.error_code : 400;
  return { status, body };
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Telegram chat ids are numbers; accept numeric strings too, keep "@channel" names as they are. */
function normalizeChatId(value: unknown): number | string | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^-?\d+$/.test(value)) return Number(value);
  if (typeof value === "string") return value;
  return undefined;
}

function toInt(value: unknown, fallback: number): number {
  const n = typeof value === "string" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) ? Math.trunc(n) : fallback;
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Parses the request parameters the way Telegram accepts them: query string, JSON or urlencoded body. */
function parsePayload(req: http.IncomingMessage, url: URL, raw: string): Record<string, any> | FakeTelegramError {
  const payload: Record<string, any> = Object.fromEntries(url.searchParams);
  const type = (req.headers["content-type"] ?? "").toLowerCase();
  if (raw.trim() === "") return payload;
  if (type.startsWith("multipart/")) {
    return { error_code: 400, description: "Bad Request: multipart uploads are not supported by the fake Telegram server" };
  }
  if (type.includes("application/x-www-form-urlencoded")) {
    return { ...payload, ...Object.fromEntries(new URLSearchParams(raw)) };
  }
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      return { error_code: 400, description: "Bad Request: request body must be a JSON object" };
    }
    return { ...payload, ...(parsed as Record<string, any>) };
  } catch {
    return { error_code: 400, description: "Bad Request: can't parse JSON body" };
  }
}

/** Starts a fake Bot API server on 127.0.0.1 (random free port). */
export async function startFakeTelegram(options: { token?: string } = {}): Promise<FakeTelegram> {
  const token = options.token ?? DEFAULT_TOKEN;
  const botInfo: UserFromGetMe = {
    id: 777001,
    is_bot: true,
    first_name: "Regbot",
    username: "regbot_test_bot",
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: true,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  };

  const calls: RecordedCall[] = [];
  let queue: Array<Record<string, any>> = [];
  let nextUpdateId = 1;
  const lastMessageId = new Map<number | string, number>();
  const failures = new Map<string, Failure[]>();
  const members = new Map<string, Map<number, Record<string, any>>>();
  const polls = new Set<PendingPoll>();
  const waits = new Set<PendingWait>();
  let closed = false;

  const chatKey = (chatId: unknown): string => String(normalizeChatId(chatId));

  function noteMessageId(chatId: unknown, messageId: unknown): void {
    const chat = normalizeChatId(chatId);
    if (chat === undefined || typeof messageId !== "number") return;
    lastMessageId.set(chat, Math.max(lastMessageId.get(chat) ?? 0, messageId));
  }

  function nextMessageId(chat: number | string): number {
    const id = (lastMessageId.get(chat) ?? 0) + 1;
    lastMessageId.set(chat, id);
    return id;
  }

  /** Keeps the bot's message ids above those of pushed incoming messages, per chat, as in real Telegram. */
  function noteUpdateMessages(update: Record<string, any>): void {
    for (const key of ["message", "edited_message", "channel_post", "edited_channel_post"]) {
      const message = update[key];
      if (message && typeof message === "object") noteMessageId(message.chat?.id, message.message_id);
    }
    const cbMessage = update.callback_query?.message;
    if (cbMessage && typeof cbMessage === "object") noteMessageId(cbMessage.chat?.id, cbMessage.message_id);
  }

  function record(method: string, payload: Record<string, any>): void {
    calls.push({ method, payload, at: Date.now() });
    for (const wait of [...waits]) {
      const matching = calls.filter((c) => c.method === wait.method);
      if (matching.length >= wait.count) {
        waits.delete(wait);
        clearTimeout(wait.timer);
        wait.resolve(matching);
      }
    }
  }

  function takeFailure(method: string): FakeTelegramError | undefined {
    const list = failures.get(method.toLowerCase());
    const first = list?.[0];
    if (!list || !first) return undefined;
    first.remaining -= 1;
    if (first.remaining <= 0) list.shift();
    if (list.length === 0) failures.delete(method.toLowerCase());
    return first.error;
  }

  function send(res: http.ServerResponse, answer: Answer): void {
    if (res.writableEnded || res.destroyed) return;
    const text = JSON.stringify(answer.body);
    res.writeHead(answer.status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    res.end(text);
  }

  /** Updates a poll with this offset/limit would get; confirms (drops) those below a positive offset. */
  function available(offset: number, limit: number): Array<Record<string, any>> {
    if (offset > 0) queue = queue.filter((u) => (u.update_id as number) >= offset);
    const pending = offset < 0 ? queue.slice(offset) : queue;
    return pending.slice(0, limit);
  }

  function finishPoll(poll: PendingPoll, answer: Answer): void {
    polls.delete(poll);
    clearTimeout(poll.timer);
    send(poll.res, answer);
  }

  function wakePolls(): void {
    for (const poll of [...polls]) {
      const batch = available(poll.offset, poll.limit);
      if (batch.length > 0) finishPoll(poll, ok(batch));
    }
  }

  function getUpdates(payload: Record<string, any>, res: http.ServerResponse): void {
    // Like Telegram, a second concurrent getUpdates terminates the first one with 409.
    for (const poll of [...polls]) {
      finishPoll(
        poll,
        fail({
          error_code: 409,
          description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
        }),
      );
    }
    const offset = toInt(payload.offset, 0);
    const limit = Math.min(Math.max(toInt(payload.limit, 100), 1), 100);
    const timeout = Math.max(toInt(payload.timeout, 0), 0);
    const batch = available(offset, limit);
    if (batch.length > 0 || timeout === 0 || closed) {
      send(res, ok(batch));
      return;
    }
    const poll: PendingPoll = {
      offset,
      limit,
      res,
      timer: setTimeout(() => finishPoll(poll, ok([])), Math.min(timeout, MAX_POLL_SECONDS) * 1000),
    };
    polls.add(poll);
    // The client gave up (e.g. bot.stop() aborted the request): forget the poll.
    res.on("close", () => {
      if (polls.delete(poll)) clearTimeout(poll.timer);
    });
  }

  function messageAnswer(method: string, payload: Record<string, any>): Answer {
    const lower = method.toLowerCase();
    // Editing an inline message returns true, as in Telegram.
    if (lower !== "sendmessage" && payload.inline_message_id !== undefined && payload.chat_id === undefined) return ok(true);
    const chatId = normalizeChatId(payload.chat_id);
    if (chatId === undefined) return fail({ error_code: 400, description: "Bad Request: chat_id is empty" });
    if (lower === "sendmessage" && (typeof payload.text !== "string" || payload.text === "")) {
      return fail({ error_code: 400, description: "Bad Request: message text is empty" });
    }
    const isEdit = lower !== "sendmessage";
    if (isEdit && typeof payload.message_id !== "number") {
      return fail({ error_code: 400, description: "Bad Request: message identifier is not specified" });
    }
    const message: Record<string, any> = {
      message_id: isEdit ? (payload.message_id as number) : nextMessageId(chatId),
      from: { id: botInfo.id, is_bot: true, first_name: botInfo.first_name, username: botInfo.username },
      chat:
        typeof chatId === "number" && chatId > 0
          ? { id: chatId, type: "private" }
          : typeof chatId === "number"
            ? { id: chatId, type: "supergroup" }
            : { id: chatId, type: "supergroup", username: chatId.replace(/^@/, "") },
      date: nowSeconds(),
    };
    if (isEdit) message.edit_date = nowSeconds();
    if (payload.message_thread_id !== undefined) message.message_thread_id = payload.message_thread_id;
    if (typeof payload.text === "string") message.text = payload.text;
    if (Array.isArray(payload.entities)) message.entities = payload.entities;
    if (payload.reply_markup !== undefined) message.reply_markup = payload.reply_markup;
    return ok(message);
  }

  function defaultMember(userId: number): Record<string, any> {
    const user =
      userId === botInfo.id
        ? { id: botInfo.id, is_bot: true, first_name: botInfo.first_name, username: botInfo.username }
        : { id: userId, is_bot: false, first_name: `User ${userId}` };
    return { status: "member", user };
  }

  function handle(method: string, payload: Record<string, any>): Answer {
    const lower = method.toLowerCase();
    if (lower === "getme") return ok(botInfo);
    if (MESSAGE_METHODS.has(lower)) return messageAnswer(method, payload);
    if (TRUE_METHODS.has(lower)) return ok(true);
    if (lower === "getchatmember") {
      const userId = toInt(payload.user_id, NaN);
      if (Number.isNaN(userId)) return fail({ error_code: 400, description: "Bad Request: invalid user_id specified" });
      return ok(members.get(chatKey(payload.chat_id))?.get(userId) ?? defaultMember(userId));
    }
    if (lower === "getchatadministrators") {
      const chatMembers = members.get(chatKey(payload.chat_id));
      const admins = [...(chatMembers?.values() ?? [])].filter((m) => m.status === "administrator" || m.status === "creator");
      return ok(admins);
    }
    return fail({ error_code: 404, description: "Not Found: method not found" });
  }

  async function onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const raw = await readBody(req);
    const match = /^\/bot([^/]+)\/(?:test\/)?([A-Za-z0-9_]+)$/.exec(url.pathname);
    if (!match) {
      send(res, fail({ error_code: 404, description: "Not Found" }));
      return;
    }
    const [, requestToken = "", method = ""] = match;
    if (requestToken !== token) {
      send(res, fail({ error_code: 401, description: "Unauthorized" }));
      return;
    }
    const parsed = parsePayload(req, url, raw);
    const isGetUpdates = method.toLowerCase() === "getupdates";
    if ("error_code" in parsed && "description" in parsed && typeof parsed.error_code === "number") {
      if (!isGetUpdates) record(method, {});
      send(res, fail(parsed as FakeTelegramError));
      return;
    }
    const payload = parsed as Record<string, any>;
    if (!isGetUpdates) record(method, payload);
    const failure = takeFailure(method);
    if (failure) {
      send(res, fail(failure));
      return;
    }
    if (isGetUpdates) getUpdates(payload, res);
    else send(res, handle(method, payload));
  }

  const server = http.createServer((req, res) => {
    onRequest(req, res).catch((error: unknown) => {
      send(res, fail({ error_code: 500, description: `Internal Server Error: ${String(error)}` }));
    });
  });
  server.keepAliveTimeout = 1000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  const fake: FakeTelegram = {
    apiRoot: `http://127.0.0.1:${port}`,
    token,
    botInfo,
    calls,

    push(...newUpdates: object[]): void {
      for (const u of newUpdates) {
        const update: Record<string, any> = { ...(u as Record<string, any>) };
        if (typeof update.update_id !== "number") update.update_id = nextUpdateId;
        nextUpdateId = Math.max(nextUpdateId, (update.update_id as number) + 1);
        noteUpdateMessages(update);
        queue.push(update);
      }
      wakePolls();
    },

    waitFor(method: string, count = 1, timeoutMs = 5000): Promise<RecordedCall[]> {
      const matching = calls.filter((c) => c.method === method);
      if (matching.length >= count) return Promise.resolve(matching);
      if (closed) return Promise.reject(new Error(`fake Telegram is closed; waitFor("${method}") can never resolve`));
      return new Promise<RecordedCall[]>((resolve, reject) => {
        const wait: PendingWait = {
          method,
          count,
          resolve,
          reject,
          timer: setTimeout(() => {
            waits.delete(wait);
            const seen = calls.map((c) => `  ${c.method} ${JSON.stringify(c.payload)}`).join("\n") || "  (none)";
            const got = calls.filter((c) => c.method === method).length;
            reject(new Error(`timed out after ${timeoutMs} ms waiting for ${count} call(s) of ${method} (got ${got}); calls seen:\n${seen}`));
          }, timeoutMs),
        };
        waits.add(wait);
      });
    },

    failNext(method: string, error: FakeTelegramError, times = 1): void {
      if (times <= 0) return;
      const key = method.toLowerCase();
      const list = failures.get(key) ?? [];
      list.push({ error, remaining: times });
      failures.set(key, list);
    },

    setChatMember(chatId: number, userId: number, member: object): void {
      const key = chatKey(chatId);
      const chatMembers = members.get(key) ?? new Map<number, Record<string, any>>();
      const value: Record<string, any> = { ...(member as Record<string, any>) };
      value.user = { ...defaultMember(userId).user, ...(value.user as Record<string, any> | undefined), id: userId };
      chatMembers.set(userId, value);
      members.set(key, chatMembers);
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      for (const poll of [...polls]) finishPoll(poll, ok([]));
      for (const wait of [...waits]) {
        waits.delete(wait);
        clearTimeout(wait.timer);
        wait.reject(new Error(`fake Telegram closed while waiting for ${wait.count} call(s) of ${wait.method}`));
      }
      await new Promise<void>((resolve, reject) => {
        // Drop keep-alive sockets (grammY's agent keeps them open) so close() does not hang: idle ones now,
        // the rest shortly after, once the answers written above have been flushed.
        const force = setTimeout(() => server.closeAllConnections(), 100);
        server.close((error) => {
          clearTimeout(force);
          if (error) reject(error);
          else resolve();
        });
        server.closeIdleConnections();
      });
    },
  };
  return fake;
}

// ---------------------------------------------------------------------------------------------------------------
// Update builders

let builderMessageId = 0;
let builderQueryId = 0;

function user(from?: Partial<User>): User {
  return { ...defaultUser, ...from } as User;
}

/**
 * Accepts either a Message or an Update holding one (pushed or not: builders' updates get their `update_id` only
 * when pushed, and `push` copies them), returns the Message.
 */
function unwrapMessage(value: object): Record<string, any> {
  const v = value as Record<string, any>;
  if (typeof v.message_id === "number") return v;
  for (const key of ["message", "edited_message", "channel_post", "edited_channel_post"]) {
    if (v[key] && typeof v[key] === "object") return v[key] as Record<string, any>;
  }
  return v;
}

/** bot_command entity for a leading "/command[@bot]", mention entities for "@username" (5–32 chars, as Telegram). */
function textEntities(text: string): Array<{ type: string; offset: number; length: number }> {
  const entities: Array<{ type: string; offset: number; length: number }> = [];
  const command = /^\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]+)?/.exec(text);
  const commandEnd = command ? command[0].length : 0;
  if (command) entities.push({ type: "bot_command", offset: 0, length: command[0].length });
  const mention = /(^|[^A-Za-z0-9_@])(@[A-Za-z0-9_]{5,32})(?![A-Za-z0-9_])/g;
  for (let m = mention.exec(text); m !== null; m = mention.exec(text)) {
    const offset = m.index + (m[1] ?? "").length;
    if (offset < commandEnd) continue;
    entities.push({ type: "mention", offset, length: (m[2] ?? "").length });
  }
  return entities;
}

function privateChat(u: User): Record<string, any> {
  const chat: Record<string, any> = { id: u.id, first_name: u.first_name, type: "private" };
  if (u.last_name !== undefined) chat.last_name = u.last_name;
  if (u.username !== undefined) chat.username = u.username;
  return chat;
}

function textMessage(text: string, from: User, chat: Record<string, any>): Record<string, any> {
  const message: Record<string, any> = { message_id: ++builderMessageId, from, chat, date: nowSeconds(), text };
  const entities = textEntities(text);
  if (entities.length > 0) message.entities = entities;
  return message;
}

interface GroupTextOptions {
  /** Default -1001234567890. */
  chatId?: number;
  from?: Partial<User>;
  /** The message replied to (a Message, or an Update holding one). */
  replyTo?: object;
  /** Sets message_thread_id and is_topic_message. */
  threadId?: number;
  /** Marks the chat as a forum (chat.is_forum). */
  forum?: boolean;
  /** sender_chat (anonymous admin: the group itself; or a channel). `from` then becomes Telegram's placeholder bot. */
  senderChat?: object;
}

export const updates: {
  privateText(text: string, from?: Partial<User>): Update;
  groupText(text: string, options?: GroupTextOptions): Update;
  callbackQuery(data: string, message: object, from?: Partial<User>): Update;
  inlineQuery(query: string, from?: Partial<User>, offset?: string): Update;
  migrateToSupergroup(oldChatId: number, newChatId: number): Update;
} = {
  privateText(text: string, from?: Partial<User>): Update {
    const u = user(from);
    return { message: textMessage(text, u, privateChat(u)) } as unknown as Update;
  },

  groupText(text: string, options: GroupTextOptions = {}): Update {
    const chatId = options.chatId ?? DEFAULT_GROUP_ID;
    const chat: Record<string, any> = { id: chatId, title: "Regbot Test Group", type: "supergroup" };
    if (options.forum) chat.is_forum = true;
    let from = user(options.from);
    const senderChat = options.senderChat as Record<string, any> | undefined;
    if (senderChat !== undefined && options.from === undefined) {
      from = senderChat.id === chatId ? GROUP_ANONYMOUS_BOT : CHANNEL_BOT;
    }
    const message = textMessage(text, from, chat);
    if (senderChat !== undefined) message.sender_chat = senderChat;
    if (options.threadId !== undefined) {
      message.message_thread_id = options.threadId;
      message.is_topic_message = true;
    }
    if (options.replyTo !== undefined) {
      message.reply_to_message = unwrapMessage(options.replyTo);
    } else if (options.forum && options.threadId !== undefined) {
      // Real Telegram: a non-reply message in a forum topic "replies" to the topic's creation service message.
      message.reply_to_message = {
        message_id: options.threadId,
        from: user(options.from),
        chat,
        date: nowSeconds() - 3600,
        message_thread_id: options.threadId,
        forum_topic_created: { name: "Topic", icon_color: 7322096 },
        is_topic_message: true,
      };
    }
    return { message } as unknown as Update;
  },

  callbackQuery(data: string, message: object, from?: Partial<User>): Update {
    const msg = unwrapMessage(message);
    const chatId = (msg.chat as Record<string, any> | undefined)?.id ?? 0;
    return {
      callback_query: {
        id: String(4_000_000_000_000_000_000n + BigInt(++builderQueryId)),
        from: user(from),
        message: msg,
        chat_instance: String(-Math.abs(Number(chatId)) * 7 - 1234567),
        data,
      },
    } as unknown as Update;
  },

  inlineQuery(query: string, from?: Partial<User>, offset = ""): Update {
    return {
      inline_query: {
        id: String(5_000_000_000_000_000_000n + BigInt(++builderQueryId)),
        from: user(from),
        query,
        offset,
      },
    } as unknown as Update;
  },

  migrateToSupergroup(oldChatId: number, newChatId: number): Update {
    return {
      message: {
        message_id: ++builderMessageId,
        from: user(),
        chat: { id: oldChatId, title: "Regbot Test Group", type: "group" },
        date: nowSeconds(),
        migrate_to_chat_id: newChatId,
      },
    } as unknown as Update;
  },
};

/** A recorded call's payload, loosely typed (Telegram's payloads are wide). */
export type Payload = Record<string, any>;

/** Pushes `update` and resolves with the `count` calls of `method` that follow it. */
export async function pushAndWait(fake: FakeTelegram, update: Update, method = "sendMessage", count = 1): Promise<Payload[]> {
  const before = fake.calls.filter((c) => c.method === method).length;
  fake.push(update);
  const calls = await fake.waitFor(method, before + count);
  return calls.slice(before, before + count).map((c) => c.payload);
}

/** Pushes `update` and resolves with the one message the bot sends in answer. */
export async function replyTo(fake: FakeTelegram, update: Update): Promise<Payload> {
  const [reply] = await pushAndWait(fake, update);
  return reply!;
}
