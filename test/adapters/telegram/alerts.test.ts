import { Api } from "grammy";
import type { Update, User } from "grammy/types";
import { describe, expect, it, vi, onTestFinished } from "vitest";
import { createTelegramAlertSender, renderAlertHtml } from "../../../adapters/telegram/alerts.js";
import { startTelegram } from "../../../adapters/telegram/run.js";
import { TELEGRAM_MESSAGE_LIMIT } from "../../../adapters/telegram/render.js";
import { dispatchAlerts, type AlertMessage, type DispatchReport } from "../../../src/alerts/dispatch.js";
import { MAX_SUBSCRIPTIONS_PER_CHAT } from "../../../src/alerts/subscriptions.js";
import { createCore, type Core } from "../../../src/core.js";
import { silentLogger } from "../../../src/logger.js";
import { ALERT_NOW, arrive, articleReader, EU_GUIDANCE, euSeries, HONG_KONG, HOSTILE, HOSTILE_TITLE } from "../../fakes/alert-articles.js";
import { fullArticle } from "../../fakes/answers.js";
import { pushAndWait, replyTo, startFakeTelegram, updates, type FakeTelegram, type Payload } from "../../fakes/telegram-server.js";
import { openTempStore } from "../../fakes/temp-store.js";
import { expectBalancedTags, expectOnlyAllowedHtml } from "./html-checks.js";

const GROUP = -1001234567890;
const CHANNEL = { id: -1007770001, type: "channel", title: "Crypto Regulation News" } as const;

/** A moderator: an admin who can restrict members (and the update builders' default sender). */
const ALICE = { id: 1001, is_bot: false, first_name: "Alice", username: "alice" } satisfies User;
/** An admin who may not restrict members. */
const CAROL = { id: 333333, is_bot: false, first_name: "Carol", username: "carol_c" } satisfies User;
/** A member, never an admin. */
const FRANK = { id: 666666, is_bot: false, first_name: "Frank", username: "frank_f" } satisfies User;

const REFUSAL = "Only the group's creator and admins who can restrict members can change its subscriptions.";
const SEE_ALSO = "\n/subscriptions lists this chat's subscriptions; /unsubscribe stops one.";
const EU_STABLECOINS = "New regulation articles about European Union mentioning stablecoins will be posted here.";

interface Harness {
  readonly fake: FakeTelegram;
  readonly core: Core;
  /** One dispatch round with the Telegram sender (over a plain Api: no automatic retries). */
  dispatch(): Promise<DispatchReport>;
  /** The messages one dispatch round sends, and its report. */
  round(): Promise<{ sent: Payload[]; report: DispatchReport }>;
}

/**
 * A real core over a temp SQLite store (its clock at {@link ALERT_NOW}) and the bot started the way `regbot start`
 * starts it, polling a fresh fake Bot API on which Alice is an admin who can restrict members and Carol one who
 * cannot. Alerts go out through the sender over the same fake.
 */
async function startBot(): Promise<Harness> {
  const core = createCore({ store: openTempStore(), now: () => ALERT_NOW });
  const fake = await startFakeTelegram();
  onTestFinished(() => fake.close());
  fake.setChatMember(GROUP, ALICE.id, { status: "administrator", user: ALICE, can_restrict_members: true });
  fake.setChatMember(GROUP, CAROL.id, { status: "administrator", user: CAROL, can_restrict_members: false });
  const runner = await startTelegram(fake.token, { core, logger: silentLogger, apiRoot: fake.apiRoot });
  onTestFinished(() => runner.stop());
  const send = createTelegramAlertSender(new Api(fake.token, { apiRoot: fake.apiRoot }), { moveChat: (from, to) => core.moveChat("telegram", from, to) });
  const dispatch = () => dispatchAlerts({ subscriptions: core.subscriptions, getArticle: articleReader(core), senders: { telegram: send } });
  const round = async () => {
    const before = fake.calls.length;
    const report = await dispatch();
    return { report, sent: fake.calls.slice(before).filter((c) => c.method === "sendMessage").map((c) => c.payload) };
  };
  return { fake, core, dispatch, round };
}

/** Pushes `update` and resolves with the text the bot answers. */
async function textOf(fake: FakeTelegram, update: Update): Promise<string> {
  return (await replyTo(fake, update)).text as string;
}

/** `text` sent in the group by `from` (default Alice). */
const command = (text: string, from: User = ALICE, options: { threadId?: number; chatId?: number } = {}): Update =>
  updates.groupText(text, { from, ...(options.threadId !== undefined ? { forum: true, threadId: options.threadId } : {}), ...(options.chatId !== undefined ? { chatId: options.chatId } : {}) });

let channelMessageId = 5000;

/** A post in the channel (no `from`: channel posts have none), with the bot_command entity Telegram adds. */
function channelPost(text: string): Update {
  const commandText = /^\/\w+(?:@\w+)?/.exec(text);
  return {
    channel_post: {
      message_id: ++channelMessageId,
      sender_chat: CHANNEL,
      chat: CHANNEL,
      date: Math.floor(Date.now() / 1000),
      text,
      ...(commandText ? { entities: [{ type: "bot_command", offset: 0, length: commandText[0].length }] } : {}),
    },
  } as unknown as Update;
}

/** The Message Telegram would show for what the bot sent (so a user can press its buttons). */
function sentMessage(sent: Payload): object {
  return { message_id: 900_001, from: { id: 777001, is_bot: true, first_name: "Regbot" }, chat: { id: GROUP, type: "supergroup", title: "Regbot Test Group" }, date: Math.floor(Date.now() / 1000), text: sent.text, reply_markup: sent.reply_markup };
}

const subsOf = (core: Core, chatId: number) => core.subscriptions.list("telegram", String(chatId));

// ------------------------------------------------------------------------------------------------------ commands

describe("/subscribe", () => {
  it("subscribes the group for a moderator and says what will be posted, as understood", async () => {
    const { fake, core } = await startBot();
    const update = command("/subscribe EU  Stablecoins");
    const reply = await replyTo(fake, update);
    expect(reply).toMatchObject({ chat_id: GROUP, parse_mode: "HTML", reply_parameters: { message_id: update.message!.message_id } });
    // Spacing collapsed, case kept: the confirmation names the words as typed.
    expect(reply.text).toBe("New regulation articles about European Union mentioning Stablecoins will be posted here." + SEE_ALSO);
    expect(subsOf(core, GROUP)).toMatchObject([{ query: "EU Stablecoins", createdBy: String(ALICE.id), threadId: null, pausedReason: null }]);
  });

  it("keeps the case of \"US\", and confirms a moderator's /subscribe US stablecoins as about the United States", async () => {
    const { fake, core } = await startBot();
    const update = command("/subscribe US stablecoins");
    const reply = await replyTo(fake, update);
    expect(reply).toMatchObject({ chat_id: GROUP, parse_mode: "HTML", reply_parameters: { message_id: update.message!.message_id } });
    expect(reply.text).toBe("New regulation articles about United States mentioning stablecoins will be posted here." + SEE_ALSO);
    expect(subsOf(core, GROUP)).toMatchObject([{ query: "US stablecoins", createdBy: String(ALICE.id), threadId: null, pausedReason: null }]);
    expect(await textOf(fake, command("/subscriptions"))).toContain("1. <b>US stablecoins</b>: regulation articles about United States mentioning stablecoins\n");
  });

  it("without words subscribes to all regulation news", async () => {
    const { fake, core } = await startBot();
    expect(await textOf(fake, command("/subscribe"))).toBe("All new regulation articles will be posted here." + SEE_ALSO);
    expect(subsOf(core, GROUP).map((s) => s.query)).toEqual([""]);
  });

  it("is refused to a member and to an admin who cannot restrict members, subscribing nothing", async () => {
    const { fake, core } = await startBot();
    expect(await textOf(fake, command("/subscribe hong kong", FRANK))).toBe(REFUSAL);
    expect(await textOf(fake, command("/subscribe hong kong", CAROL))).toBe(REFUSAL);
    expect(subsOf(core, GROUP)).toEqual([]);
  });

  it("says so when the chat is already subscribed, keeping one subscription", async () => {
    const { fake, core } = await startBot();
    await textOf(fake, command("/subscribe EU stablecoins"));
    expect(await textOf(fake, command("/subscribe eu STABLECOINS"))).toBe(`Already subscribed. ${EU_STABLECOINS}`);
    expect(subsOf(core, GROUP).map((s) => s.query)).toEqual(["EU stablecoins"]);
  });

  it("passes on the store's refusals: an over-long subscription, and one past the chat's limit", async () => {
    const { fake, core } = await startBot();
    expect(await textOf(fake, command(`/subscribe ${"stablecoin ".repeat(12)}`))).toMatch(/^That subscription is \d+ characters long; use at most 100, e.g. “EU stablecoins”\.$/);
    for (let i = 0; i < MAX_SUBSCRIPTIONS_PER_CHAT; i++) core.subscriptions.add({ platform: "telegram", chatId: String(GROUP), query: `word${i}`, createdBy: "test" });
    expect(await textOf(fake, command("/subscribe hong kong"))).toBe(`This chat has ${MAX_SUBSCRIPTIONS_PER_CHAT} subscriptions already; remove one with /unsubscribe first.`);
    expect(subsOf(core, GROUP)).toHaveLength(MAX_SUBSCRIPTIONS_PER_CHAT);
  });

  it("escapes what the user typed in every answer", async () => {
    const { fake } = await startBot();
    const subscribed = await textOf(fake, command("/subscribe <b>hk</b> & </a> <3"));
    const listed = await textOf(fake, command("/subscriptions"));
    const missing = await textOf(fake, command("/unsubscribe <i>nope</i> &"));
    expect(listed).toContain("<b>&lt;b&gt;hk&lt;/b&gt; &amp; &lt;/a&gt; &lt;3</b>");
    expect(missing).toBe("This chat has no subscription “&lt;i&gt;nope&lt;/i&gt; &amp;”. /subscriptions lists them.");
    for (const text of [subscribed, listed, missing]) {
      expectOnlyAllowedHtml(text);
      expectBalancedTags(text);
    }
  });

  it("in a forum topic records the topic, answers in it, and sends the alerts there", async () => {
    const { fake, core, round } = await startBot();
    const reply = await replyTo(fake, command("/subscribe eu", ALICE, { threadId: 42 }));
    expect(reply.message_thread_id).toBe(42);
    expect(reply.text).toBe("New regulation articles about European Union will be posted in this topic." + SEE_ALSO);
    expect(subsOf(core, GROUP)).toMatchObject([{ query: "eu", threadId: "42" }]);
    arrive(core, [EU_GUIDANCE]);
    const { sent } = await round();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ chat_id: GROUP, message_thread_id: 42 });
  });

  it("from an anonymous admin waits for a Confirm click by a moderator, then subscribes in their name", async () => {
    const { fake, core } = await startBot();
    const ask = await replyTo(fake, updates.groupText("/subscribe hong kong", { senderChat: { id: GROUP, type: "supergroup", title: "Regbot Test Group" } }));
    expect(ask.text).toBe("You are posting as the group. An admin who can restrict members, please confirm:");
    const confirm = (ask.reply_markup?.inline_keyboard ?? []).flat()[0] as { text: string; callback_data: string };
    expect(confirm.text).toBe("Confirm");
    expect(subsOf(core, GROUP)).toEqual([]);

    const [refused] = await pushAndWait(fake, updates.callbackQuery(confirm.callback_data, sentMessage(ask), FRANK), "answerCallbackQuery");
    expect(refused?.text).toBe("Only admins who can restrict members can confirm this.");
    expect(subsOf(core, GROUP)).toEqual([]);

    const before = fake.calls.filter((c) => c.method === "sendMessage").length;
    const [confirmed] = await pushAndWait(fake, updates.callbackQuery(confirm.callback_data, sentMessage(ask), ALICE), "answerCallbackQuery");
    expect(confirmed?.text).toBe("Confirmed.");
    const done = (await fake.waitFor("sendMessage", before + 1))[before]!.payload;
    expect(done.text).toBe("New regulation articles about Hong Kong will be posted here." + SEE_ALSO);
    expect(subsOf(core, GROUP)).toMatchObject([{ query: "hong kong", createdBy: String(ALICE.id) }]);
  });

  it("in a private chat subscribes the user's own chat, and the alerts come there", async () => {
    const { fake, core, round } = await startBot();
    const reply = await replyTo(fake, updates.privateText("/subscribe Hong Kong", FRANK));
    expect(reply.chat_id).toBe(FRANK.id);
    expect(reply.text).toBe("New regulation articles about Hong Kong will be posted here." + SEE_ALSO);
    expect(subsOf(core, FRANK.id)).toMatchObject([{ query: "Hong Kong", createdBy: String(FRANK.id) }]);
    arrive(core, [EU_GUIDANCE, HONG_KONG]);
    const { sent } = await round();
    expect(sent.map((m) => [m.chat_id, m.text.split("\n")[1]])).toEqual([[FRANK.id, '<a href="https://news.example/hk/issuers">Hong Kong names its first licensed stablecoin issuers</a>']]);
  });

  it("in a channel, a post subscribes the channel (only its admins can post), and /unsubscribe there stops it", async () => {
    const { fake, core, round } = await startBot();
    const reply = await replyTo(fake, channelPost("/subscribe"));
    expect(reply.chat_id).toBe(CHANNEL.id);
    expect(reply.text).toBe("All new regulation articles will be posted here." + SEE_ALSO);
    expect(subsOf(core, CHANNEL.id)).toMatchObject([{ query: "", createdBy: "channel" }]);
    expect(await textOf(fake, channelPost("/subscriptions"))).toContain("1. <b>all regulation news</b>");

    arrive(core, [EU_GUIDANCE]);
    const { sent } = await round();
    expect(sent.map((m) => m.chat_id)).toEqual([CHANNEL.id]);

    expect(await textOf(fake, channelPost("/unsubscribe 1"))).toBe("Unsubscribed: all new regulation articles will no longer be posted here.");
    expect(subsOf(core, CHANNEL.id)).toEqual([]);
  });
});

describe("/subscriptions", () => {
  it("lists the chat's subscriptions, numbered, to anyone; a paused one with its reason", async () => {
    const { fake, core } = await startBot();
    expect(await textOf(fake, command("/subscriptions", FRANK))).toBe(
      "This chat has no subscriptions. <code>/subscribe</code> posts all new regulation articles here; <code>/subscribe EU stablecoins</code> only some.",
    );
    await textOf(fake, command("/subscribe EU stablecoins"));
    await textOf(fake, command("/subscribe"));
    expect(await textOf(fake, command("/subscriptions", FRANK))).toBe(
      "Subscriptions of this chat:\n1. <b>EU stablecoins</b>: regulation articles about European Union mentioning stablecoins\n2. <b>all regulation news</b>\n\nStop one with <code>/unsubscribe 2</code> (its number or its text).",
    );
    core.subscriptions.pauseChat("telegram", String(GROUP), "Telegram said “Forbidden: <not> enough rights”");
    const paused = await textOf(fake, command("/subscriptions"));
    expect(paused).toContain("1. <b>EU stablecoins</b>: regulation articles about European Union mentioning stablecoins\n    <i>paused: Telegram said “Forbidden: &lt;not&gt; enough rights”</i>");
    expect(paused).toContain("A paused one resumes when you /subscribe to it again.");
  });
});

describe("/unsubscribe", () => {
  it("removes a subscription by its number or by its text, and says when there is none", async () => {
    const { fake, core } = await startBot();
    await textOf(fake, command("/subscribe EU stablecoins"));
    await textOf(fake, command("/subscribe hong kong"));
    await textOf(fake, command("/subscribe"));
    expect(await textOf(fake, command("/unsubscribe 2"))).toBe("Unsubscribed: new regulation articles about Hong Kong will no longer be posted here.");
    expect(await textOf(fake, command("/unsubscribe EU  Stablecoins"))).toBe("Unsubscribed: new regulation articles about European Union mentioning stablecoins will no longer be posted here.");
    expect(await textOf(fake, command("/unsubscribe 7"))).toBe("This chat has no subscription “7”. /subscriptions lists them.");
    expect(await textOf(fake, command("/unsubscribe"))).toBe("Which one? <code>/unsubscribe 1</code> or <code>/unsubscribe eu stablecoins</code> — /subscriptions lists them.");
    expect(subsOf(core, GROUP).map((s) => s.query)).toEqual([""]);
  });

  it("is refused to a member", async () => {
    const { fake, core } = await startBot();
    await textOf(fake, command("/subscribe hong kong"));
    expect(await textOf(fake, command("/unsubscribe 1", FRANK))).toBe(REFUSAL);
    expect(subsOf(core, GROUP)).toHaveLength(1);
  });
});

describe("a group upgraded to a supergroup", () => {
  it("keeps its subscriptions under the new chat id", async () => {
    const { fake, core } = await startBot();
    const oldId = -555;
    const newId = -1009999;
    fake.setChatMember(oldId, ALICE.id, { status: "creator", user: ALICE });
    await textOf(fake, command("/subscribe hong kong", ALICE, { chatId: oldId }));
    fake.push(updates.migrateToSupergroup(oldId, newId));
    // The old chat's updates are handled in order: once this is answered, the move is done.
    await textOf(fake, command("/subscriptions", ALICE, { chatId: oldId }));
    expect(subsOf(core, newId).map((s) => s.query)).toEqual(["hong kong"]);
    expect(subsOf(core, oldId)).toEqual([]);
  });
});

// -------------------------------------------------------------------------------------------------------- alerts

describe("dispatching alerts with createTelegramAlertSender", () => {
  it("sends one new article once, as escaped HTML with its link, source, date and id, in no reply and without a preview", async () => {
    const { fake, core, round } = await startBot();
    await textOf(fake, command("/subscribe EU stablecoins"));
    const [id] = arrive(core, [HOSTILE]);

    const first = await round();
    expect(first.report).toEqual({ messages: 1, articles: 1, paused: 0, failed: 0 });
    expect(first.sent).toHaveLength(1);
    const [message] = first.sent;
    expect(message).toMatchObject({ chat_id: GROUP, parse_mode: "HTML", link_preview_options: { is_disabled: true } });
    expect(message!.reply_parameters).toBeUndefined();
    expect(message!.message_thread_id).toBeUndefined();
    expect(message!.text).toBe(
      [
        "🔔 <b>New regulation article</b>",
        '<a href="https://news.example/eu/hostile">EU stablecoin rules &lt;3 &lt;/a&gt; _*[ &amp; &lt;b&gt;bold&lt;/b&gt; @everyone &lt;@&amp;123456789012345678&gt;</a>',
        "<i>Chain &lt;Wire&gt; &amp; Co, 18 Jul 2024 · European Union</i>",
        "The European Union regulator said stablecoin issuers must follow the new licensing rules &lt;script&gt;alert(1)&lt;/script&gt; and publish reserves.",
        `/article_${id} · <i>Subscription: EU stablecoins</i>`,
      ].join("\n"),
    );
    expectOnlyAllowedHtml(message!.text);
    expectBalancedTags(message!.text);

    const second = await round();
    expect(second.report).toEqual({ messages: 0, articles: 0, paused: 0, failed: 0 });
    expect(second.sent).toEqual([]);
  });

  it("turns several new articles into one digest message", async () => {
    const { fake, core, round } = await startBot();
    await textOf(fake, command("/subscribe EU stablecoins"));
    const ids = arrive(core, [EU_GUIDANCE, HOSTILE, ...euSeries(1)]);
    const { sent, report } = await round();
    expect(report).toMatchObject({ messages: 1, articles: 3 });
    expect(sent).toHaveLength(1);
    const text = sent[0]!.text as string;
    const lines = text.split("\n");
    expect(lines[0]).toBe("🔔 <b>3 new regulation articles</b>");
    expect(lines.filter((l) => l.startsWith("• "))).toHaveLength(3);
    expect(text).toContain('• <a href="https://news.example/eu/guidance?a=1&amp;b=2">EU regulators publish MiCA stablecoin guidance</a> — <i>EU Desk, 19 Jul 2024 · European Union</i>');
    expect(text).toContain(HOSTILE_TITLE.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"));
    for (const id of ids) expect(text).toContain(`/article_${id}`);
    expect(text).not.toContain("more — /latest");
    expectOnlyAllowedHtml(text);
    expectBalancedTags(text);
    expect((await round()).sent).toEqual([]);
  });

  it("lists ten articles of a larger burst and counts the rest", async () => {
    const { fake, core, round } = await startBot();
    await textOf(fake, command("/subscribe"));
    arrive(core, euSeries(12));
    const { sent, report } = await round();
    expect(report).toMatchObject({ messages: 1, articles: 12 });
    const lines = (sent[0]!.text as string).split("\n");
    expect(lines[0]).toBe("🔔 <b>12 new regulation articles</b>");
    expect(lines.filter((l) => l.startsWith("• "))).toHaveLength(10);
    expect(lines.at(-1)).toBe("and 2 more — /latest");
    expect((await round()).sent).toEqual([]);
  });

  it("pauses a chat that removed the bot (403), drops what it had waiting, and does not try it again", async () => {
    const { fake, core, round } = await startBot();
    await textOf(fake, command("/subscribe EU stablecoins"));
    arrive(core, [EU_GUIDANCE]);
    fake.failNext("sendMessage", { error_code: 403, description: "Forbidden: bot was kicked from the supergroup chat" });
    const first = await round();
    expect(first.report).toEqual({ messages: 0, articles: 0, paused: 1, failed: 0 });
    expect(first.sent).toHaveLength(1);
    expect(subsOf(core, GROUP)).toMatchObject([{ pausedReason: "Telegram said “Forbidden: bot was kicked from the supergroup chat”" }]);

    arrive(core, [HOSTILE]);
    const second = await round();
    expect(second.report).toEqual({ messages: 0, articles: 0, paused: 0, failed: 0 });
    expect(second.sent).toEqual([]);

    // Subscribing again resumes it (only new articles are announced).
    expect(await textOf(fake, command("/subscribe eu stablecoins"))).toBe(`Subscription resumed. ${EU_STABLECOINS}`);
    expect(subsOf(core, GROUP)[0]?.pausedReason).toBeNull();
    expect((await round()).sent).toEqual([]);
  });

  it("pauses a group's subscriptions as soon as the bot is removed from it, before any alert fails", async () => {
    const { fake, core, round } = await startBot();
    await textOf(fake, command("/subscribe EU stablecoins"));
    fake.push({
      my_chat_member: {
        chat: { id: GROUP, type: "supergroup", title: "Regbot Test Group" },
        from: { id: 1001, is_bot: false, first_name: "Alice" },
        date: 1_700_000_000,
        old_chat_member: { status: "member", user: fake.botInfo },
        new_chat_member: { status: "kicked", user: fake.botInfo, until_date: 0 },
      },
    });
    await vi.waitFor(() => expect(subsOf(core, GROUP)[0]?.pausedReason).toBe("the bot was removed or blocked"));
    arrive(core, [EU_GUIDANCE]);
    expect((await round()).sent).toEqual([]);
  });

  it.each(["Bad Request: chat not found", "Bad Request: CHAT_WRITE_FORBIDDEN", "Bad Request: not enough rights to send text messages to the chat", "Bad Request: TOPIC_CLOSED"])(
    "pauses a chat on 400 “%s”",
    async (description) => {
    const { fake, core, round } = await startBot();
    await textOf(fake, command("/subscribe"));
    arrive(core, [EU_GUIDANCE]);
    fake.failNext("sendMessage", { error_code: 400, description });
    expect((await round()).report).toMatchObject({ paused: 1, messages: 0 });
    expect(subsOf(core, GROUP)[0]?.pausedReason).toBe(`Telegram said “${description}”`);
    },
  );

  it.each([
    { error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } },
    { error_code: 500, description: "Internal Server Error" },
    { error_code: 400, description: "Bad Request: something unexpected" },
  ])("keeps the alert queued after $error_code “$description” and sends it in the next round", async (error) => {
    const { fake, core, round } = await startBot();
    await textOf(fake, command("/subscribe"));
    arrive(core, [EU_GUIDANCE]);
    fake.failNext("sendMessage", error);
    const first = await round();
    expect(first.report).toEqual({ messages: 0, articles: 0, paused: 0, failed: 1 });
    expect(subsOf(core, GROUP)[0]?.pausedReason).toBeNull();
    const second = await round();
    expect(second.report).toMatchObject({ messages: 1, failed: 0 });
    expect(second.sent).toHaveLength(1);
  });

  it("keeps the alert queued when Telegram cannot be reached", async () => {
    const core = createCore({ store: openTempStore(), now: () => ALERT_NOW });
    core.subscriptions.add({ platform: "telegram", chatId: String(GROUP), query: "", createdBy: "test" });
    arrive(core, [EU_GUIDANCE]);
    const fake = await startFakeTelegram();
    const apiRoot = fake.apiRoot;
    await fake.close();
    const send = createTelegramAlertSender(new Api(fake.token, { apiRoot }), { moveChat: (from, to) => core.moveChat("telegram", from, to) });
    const report = await dispatchAlerts({ subscriptions: core.subscriptions, getArticle: articleReader(core), senders: { telegram: send } });
    expect(report).toEqual({ messages: 0, articles: 0, paused: 0, failed: 1 });
    expect(core.subscriptions.pending()).toHaveLength(1);
  });

  it("moves the subscriptions of a group that became a supergroup, and sends there in the next round", async () => {
    const { fake, core, round } = await startBot();
    await textOf(fake, command("/subscribe EU stablecoins"));
    arrive(core, [EU_GUIDANCE]);
    const newId = -1008888;
    fake.failNext("sendMessage", { error_code: 400, description: "Bad Request: group chat was upgraded to a supergroup chat", parameters: { migrate_to_chat_id: newId } });
    const first = await round();
    expect(first.report).toMatchObject({ messages: 0, failed: 1, paused: 0 });
    expect(subsOf(core, newId).map((s) => s.query)).toEqual(["EU stablecoins"]);
    const second = await round();
    expect(second.sent.map((m) => m.chat_id)).toEqual([newId]);
    expect((await round()).sent).toEqual([]);
  });
});

describe("renderAlertHtml", () => {
  const message = (articles: AlertMessage["articles"], more = 0): AlertMessage => ({ platform: "telegram", chatId: "1", threadId: null, articles, more, queries: [""] });

  it("keeps a digest of hostile, long titles within 4096 characters, listing fewer and counting the rest", () => {
    const nasty = "&<>".repeat(100);
    const articles = Array.from({ length: 10 }, (_, i) => fullArticle({ id: `00000000${String(i).padStart(2, "0")}`, title: `${i} ${nasty}`, url: `https://news.example/${"x".repeat(1500)}?a=1&b=${i}`, source: "<Src> & Co", publishedAt: "2024-07-19" }));
    const html = renderAlertHtml(message(articles, 5));
    expect(html.length).toBeLessThanOrEqual(TELEGRAM_MESSAGE_LIMIT);
    expectOnlyAllowedHtml(html);
    expectBalancedTags(html);
    const shown = html.split("\n").filter((l) => l.startsWith("• ")).length;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(10);
    expect(html).toContain(`and ${15 - shown} more — /latest`);
    expect(html.split("\n")[0]).toBe("🔔 <b>15 new regulation articles</b>");
  });

  it("links only http(s) URLs", () => {
    const html = renderAlertHtml(message([fullArticle({ title: "Click me", url: "javascript:alert(1)" })]));
    expect(html).toContain("<b>Click me</b>");
    expect(html).not.toContain("javascript");
  });

  it("cuts a single article that cannot fit without cutting a tag or an entity", () => {
    const html = renderAlertHtml(message([fullArticle({ title: "&".repeat(300), source: "<&>".repeat(2000), body: "word ".repeat(2000) })]));
    expect(html.length).toBeLessThanOrEqual(TELEGRAM_MESSAGE_LIMIT);
    expectOnlyAllowedHtml(html);
    expectBalancedTags(html);
  });
});
