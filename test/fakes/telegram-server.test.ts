import { autoRetry } from "@grammyjs/auto-retry";
import { run } from "@grammyjs/runner";
import { Bot, GrammyError } from "grammy";
import type { Update } from "grammy/types";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeTelegram, updates, type FakeTelegram } from "./telegram-server.js";

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function fakeTelegram(options?: { token?: string }): Promise<FakeTelegram> {
  const fake = await startFakeTelegram(options);
  cleanups.push(() => fake.close());
  return fake;
}

function botFor(fake: FakeTelegram): Bot {
  return new Bot(fake.token, { client: { apiRoot: fake.apiRoot }, botInfo: fake.botInfo });
}

/** Calls the fake directly with fetch (for things grammY's typed API would not send). */
async function rawCall(fake: FakeTelegram, method: string, payload: object = {}, token = fake.token): Promise<{ status: number; body: any }> {
  const res = await fetch(`${fake.apiRoot}/bot${token}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(payload),
  });
  return { status: res.status, body: await res.json() };
}

describe("fake Telegram server", () => {
  it("answers getMe with the bot info and rejects other tokens", async () => {
    const fake = await fakeTelegram();
    const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
    await bot.init();
    expect(bot.botInfo).toEqual(fake.botInfo);
    expect(bot.botInfo).toMatchObject({ id: 777001, is_bot: true, username: "regbot_test_bot", supports_inline_queries: true });
    expect(fake.calls.map((c) => c.method)).toEqual(["getMe"]);

    const wrong = await rawCall(fake, "getMe", {}, "1:wrong");
    expect(wrong).toEqual({ status: 401, body: { ok: false, error_code: 401, description: "Unauthorized" } });
    const other = new Bot("1:wrong", { client: { apiRoot: fake.apiRoot } });
    await expect(other.init()).rejects.toMatchObject({ error_code: 401 });
  });

  it("delivers a pushed private message to bot.start() long polling and records the reply", async () => {
    const fake = await fakeTelegram();
    const bot = botFor(fake);
    const seen: Update[] = [];
    bot.on("message:text", async (ctx) => {
      seen.push(ctx.update);
      await ctx.reply(`echo: ${ctx.message.text}`, { reply_parameters: { message_id: ctx.message.message_id } });
    });
    const polling = bot.start({ drop_pending_updates: false });
    cleanups.push(async () => {
      if (bot.isRunning()) await bot.stop();
      await polling;
    });

    // The poll is already waiting when the update arrives.
    await new Promise((resolve) => setTimeout(resolve, 50));
    fake.push(updates.privateText("hello"));
    const [sent] = await fake.waitFor("sendMessage");
    expect(sent?.payload).toMatchObject({ chat_id: 1001, text: "echo: hello" });
    expect(seen[0]?.message?.chat).toMatchObject({ id: 1001, type: "private" });
    expect(seen[0]?.update_id).toBe(1);
    expect(fake.calls[0]?.method).toBe("deleteWebhook");
    expect(fake.calls.some((c) => c.method === "getUpdates")).toBe(false);

    await bot.stop();
    await polling;
  });

  it("returns realistic Message objects from sendMessage, with ids above incoming messages", async () => {
    const fake = await fakeTelegram();
    const bot = botFor(fake);
    const incoming = updates.privateText("hi", { id: 42, first_name: "Bob", username: "bob" });
    fake.push(incoming);
    const first = await bot.api.sendMessage(42, "one", { reply_markup: { inline_keyboard: [[{ text: "Yes", callback_data: "yes" }]] } });
    const second = await bot.api.sendMessage(-100555, "two", { message_thread_id: 7 });
    const third = await bot.api.sendMessage(42, "three");
    expect(first.message_id).toBeGreaterThan(incoming.message!.message_id);
    expect(third.message_id).toBe(first.message_id + 1);
    expect(first).toMatchObject({
      chat: { id: 42, type: "private" },
      from: { id: 777001, is_bot: true },
      text: "one",
      reply_markup: { inline_keyboard: [[{ text: "Yes", callback_data: "yes" }]] },
    });
    expect(second).toMatchObject({ chat: { id: -100555, type: "supergroup" }, message_thread_id: 7, text: "two" });
    expect(typeof first.date).toBe("number");

    const edited = await bot.api.editMessageText(42, first.message_id, "one (edited)");
    expect(edited).toMatchObject({ message_id: first.message_id, text: "one (edited)" });
    expect(await bot.api.deleteMessage(42, first.message_id)).toBe(true);
    expect(fake.calls.map((c) => c.method)).toEqual(["sendMessage", "sendMessage", "sendMessage", "editMessageText", "deleteMessage"]);
  });

  it("retries a 429 with @grammyjs/auto-retry", async () => {
    const fake = await fakeTelegram();
    const bot = botFor(fake);
    bot.api.config.use(autoRetry());
    fake.failNext("sendMessage", { error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } });
    const message = await bot.api.sendMessage(1001, "patient");
    expect(message.text).toBe("patient");
    const calls = fake.calls.filter((c) => c.method === "sendMessage");
    expect(calls).toHaveLength(2);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(900);
  });

  it("surfaces failNext errors as GrammyError without auto-retry", async () => {
    const fake = await fakeTelegram();
    const bot = botFor(fake);
    fake.failNext("sendMessage", { error_code: 500, description: "Internal Server Error" }, 2);
    for (let i = 0; i < 2; i++) {
      const error: unknown = await bot.api.sendMessage(1001, "x").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GrammyError);
      expect(error).toMatchObject({ error_code: 500, description: "Internal Server Error" });
    }
    await expect(bot.api.sendMessage(1001, "x")).resolves.toMatchObject({ text: "x" });
  });

  it("handles group commands, mentions, topics and callback queries", async () => {
    const fake = await fakeTelegram();
    const bot = botFor(fake);
    const commands: Array<{ match: string; thread: number | undefined }> = [];
    bot.command("ask", async (ctx) => {
      commands.push({ match: ctx.match, thread: ctx.message?.message_thread_id });
      await ctx.reply("answer", { reply_markup: { inline_keyboard: [[{ text: "More", callback_data: "more" }]] } });
    });
    bot.callbackQuery("more", async (ctx) => {
      await ctx.answerCallbackQuery({ text: "ok" });
    });

    const group = updates.groupText("/ask@regbot_test_bot what about @regbot_test_bot MiCA?", { threadId: 12, forum: true });
    expect(group.message?.entities).toEqual([
      { type: "bot_command", offset: 0, length: "/ask@regbot_test_bot".length },
      { type: "mention", offset: "/ask@regbot_test_bot what about ".length, length: "@regbot_test_bot".length },
    ]);
    expect(group.message).toMatchObject({ is_topic_message: true, message_thread_id: 12, chat: { type: "supergroup", is_forum: true } });
    expect(group.message?.reply_to_message?.forum_topic_created).toBeDefined();
    await bot.handleUpdate(group);
    expect(commands).toEqual([{ match: "what about @regbot_test_bot MiCA?", thread: 12 }]);
    const [reply] = await fake.waitFor("sendMessage");
    expect(reply?.payload).toMatchObject({ chat_id: -1001234567890, message_thread_id: 12, text: "answer" });

    const botMessage = await bot.api.sendMessage(-1001234567890, "answer");
    await bot.handleUpdate(updates.callbackQuery("more", botMessage) as Update);
    const [answered] = await fake.waitFor("answerCallbackQuery");
    expect(answered?.payload).toMatchObject({ text: "ok" });
    expect(typeof answered?.payload.callback_query_id).toBe("string");

    const anonymous = updates.groupText("hi", { senderChat: { id: -1001234567890, type: "supergroup", title: "G" } });
    expect(anonymous.message?.from?.username).toBe("GroupAnonymousBot");
    const migrate = updates.migrateToSupergroup(-4000, -1004000);
    expect(migrate.message).toMatchObject({ chat: { id: -4000, type: "group" }, migrate_to_chat_id: -1004000 });
    const inline = updates.inlineQuery("mica", undefined, "10");
    expect(inline.inline_query).toMatchObject({ query: "mica", offset: "10", from: { id: 1001 } });
  });

  it("answers getChatMember and getChatAdministrators from configured members", async () => {
    const fake = await fakeTelegram();
    const bot = botFor(fake);
    expect(await bot.api.getChatMember(-100, 5)).toMatchObject({ status: "member", user: { id: 5 } });
    fake.setChatMember(-100, 5, { status: "administrator", can_restrict_members: true, user: { id: 5, is_bot: false, first_name: "Mod" } });
    fake.setChatMember(-100, 6, { status: "creator", is_anonymous: false });
    expect(await bot.api.getChatMember(-100, 5)).toMatchObject({ status: "administrator", can_restrict_members: true });
    const admins = await bot.api.getChatAdministrators(-100);
    expect(admins.map((a) => [a.status, a.user.id])).toEqual([
      ["administrator", 5],
      ["creator", 6],
    ]);
    expect(await bot.api.getChatAdministrators(-200)).toEqual([]);
    expect(await bot.api.banChatMember(-100, 9)).toBe(true);
  });

  it("answers unknown methods with 404 and records them", async () => {
    const fake = await fakeTelegram();
    const res = await rawCall(fake, "sendTelepathy", { chat_id: 1 });
    expect(res).toEqual({ status: 404, body: { ok: false, error_code: 404, description: "Not Found: method not found" } });
    expect(fake.calls).toMatchObject([{ method: "sendTelepathy", payload: { chat_id: 1 } }]);
  });

  it("honours getUpdates offsets and limits", async () => {
    const fake = await fakeTelegram();
    const bot = botFor(fake);
    fake.push(updates.privateText("a"), updates.privateText("b"), { update_id: 50, message: updates.privateText("c").message });
    fake.push(updates.privateText("d"));
    expect((await bot.api.getUpdates()).map((u) => u.update_id)).toEqual([1, 2, 50, 51]);
    expect((await bot.api.getUpdates({ offset: 2, limit: 2 })).map((u) => u.update_id)).toEqual([2, 50]);
    // offset 2 confirmed update 1
    expect((await bot.api.getUpdates()).map((u) => u.update_id)).toEqual([2, 50, 51]);
    expect(await bot.api.getUpdates({ offset: 52, timeout: 0 })).toEqual([]);
    const started = Date.now();
    expect(await bot.api.getUpdates({ offset: 52, timeout: 30 })).toEqual([]);
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it("works with @grammyjs/runner", async () => {
    const fake = await fakeTelegram();
    const bot = botFor(fake);
    bot.on("message:text", (ctx) => ctx.reply(ctx.message.text.toUpperCase()));
    const runner = run(bot);
    cleanups.push(async () => {
      if (runner.isRunning()) await runner.stop();
    });
    fake.push(updates.privateText("one"));
    fake.push(updates.groupText("two"));
    const sent = await fake.waitFor("sendMessage", 2);
    expect(sent.map((c) => c.payload.text).sort()).toEqual(["ONE", "TWO"]);
    await runner.stop();
  });

  it("rejects waitFor with the calls seen, and ends pending long polls on close", async () => {
    const fake = await fakeTelegram({ token: "42:custom" });
    const bot = botFor(fake);
    await bot.api.setMyCommands([{ command: "ask", description: "Ask" }]);
    await expect(fake.waitFor("sendMessage", 1, 50)).rejects.toThrow(/sendMessage.*\n.*setMyCommands/s);

    const poll = bot.api.getUpdates({ timeout: 30 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await fake.close();
    expect(await poll).toEqual([]);
    expect(Date.now() - started).toBeLessThan(500);
  });
});
