import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Update } from "grammy/types";
import { describe, expect, it, onTestFinished } from "vitest";
import { TELEGRAM_ADMIN_COMMANDS, TELEGRAM_COMMANDS, TELEGRAM_PRIVATE_COMMANDS } from "../../../adapters/telegram/commands.js";
import { renderAnswerHtml, TELEGRAM_MESSAGE_LIMIT } from "../../../adapters/telegram/render.js";
import { startTelegram, type TelegramRunner } from "../../../adapters/telegram/run.js";
import { createCore, type Core } from "../../../src/core.js";
import { silentLogger, type Logger } from "../../../src/logger.js";
import { RegbotError } from "../../../src/errors.js";
import { pushAndWait, replyTo, startFakeTelegram, updates, type FakeTelegram, type Payload } from "../../fakes/telegram-server.js";
import { openTempStore, tempDir, writeFiles } from "../../fakes/temp-store.js";
import { asJson, STABLECOIN_ARTICLES } from "../../fakes/articles.js";
import { expectBalancedTags, expectOnlyAllowedHtml } from "./html-checks.js";

const PACKAGE_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** A recorded API call's parameters. */

const GROUP = -1001234567890;
const ALICE = 1001;
const ATLANTIS_TITLE = "Crypto <3 & </a> rules in Atlantis";
const ATLANTIS_TITLE_HTML = "Crypto &lt;3 &amp; &lt;/a&gt; rules in Atlantis";
const LONG_TITLE = "Long read: the history of crypto licensing in Switzerland";

/** Eight articles answer "stablecoin reserves" (three pages of "More"); "stablecoin banks" has exactly three. */
const STABLECOIN_QUESTION = "stablecoin reserves";
const THREE_ANSWER_QUESTION = "stablecoin banks";
const CHINA_QUESTION = "is crypto trading banned in China?";

/** About 13,000 characters: fifteen paragraphs and one long one without breaks, with `&` and `<` in the text. */
const LONG_BODY = [
  ...Array.from({ length: 15 }, (_, i) =>
    `Part ${i + 1}: the Swiss Financial Market Supervisory Authority (FINMA) & the cantons <still> debate licensing rules for crypto banks. `.repeat(4).trim(),
  ),
  Array.from({ length: 45 }, (_, i) => `Sentence ${i + 1} of the long chapter says that FINMA & the banks <agreed> on custody.`).join(" "),
].join("\n\n");

const article = asJson;

/** The corpus every test starts with (file name → contents). */
const ARTICLES: Record<string, string> = {
  ...STABLECOIN_ARTICLES,
  "atlantis.json": article({
    title: ATLANTIS_TITLE,
    url: "https://news.example/atlantis?id=7&lang=en",
    source: "Atlantis Herald",
    publishedAt: "2024-05-01",
    body: "The Atlantis Monetary Authority said stablecoin issuers must hold full reserves & publish monthly audits. Issuers with reserves < 100% face a licence ban.",
  }),
  "uk.json": article({
    title: "UK sets out stablecoin regime",
    publishedAt: "2023-11-06",
    jurisdictions: ["United Kingdom"],
    body: "The Bank of England and the FCA set out how stablecoin issuers will be supervised, including reserve backing.",
  }),
  "uae.json": article({
    title: "UAE central bank licenses dirham stablecoins",
    publishedAt: "2024-06-03",
    jurisdictions: ["United Arab Emirates"],
    body: "The Central Bank of the UAE issued rules under which only licensed issuers may offer dirham-backed stablecoins, with reserves held in escrow.",
  }),
  "brazil.json": article({
    title: "Brazil consults on stablecoin payments",
    publishedAt: "2024-11-29",
    jurisdictions: ["Brazil"],
    body: "Brazil central bank opened a consultation on stablecoin payments, asking whether issuers should keep reserves with local banks.",
  }),
  "long.json": article({ title: LONG_TITLE, publishedAt: "2020-01-10", jurisdictions: ["Switzerland"], body: LONG_BODY }),
};

interface Harness {
  readonly fake: FakeTelegram;
  readonly core: Core;
  readonly runner: TelegramRunner;
}

/**
 * A real core over a temp SQLite store holding {@link ARTICLES}, and the bot started the way `regbot start`
 * starts it, polling a fresh fake Bot API server. Everything is stopped and removed when the test finishes
 * (in reverse order: bot, fake server, database, folder).
 */
async function startBot(options: { logger?: Logger } = {}): Promise<Harness> {
  const dir = tempDir();
  const store = openTempStore(path.join(dir, "regbot.db"));
  const core = createCore({ store });
  const report = core.ingest([writeFiles(path.join(dir, "articles"), ARTICLES)]);
  expect(report.rejected).toEqual([]);
  const fake = await startFakeTelegram();
  onTestFinished(() => fake.close());
  const runner = await startTelegram(fake.token, {
    core,
    logger: options.logger ?? silentLogger,
    apiRoot: fake.apiRoot,
    flood: { limit: 5, windowMs: 60_000 },
  });
  onTestFinished(() => runner.stop());
  return { fake, core, runner };
}


/**
 * Proves the bot ignores `ignored`: it is pushed just before `followUp` in the same chat, whose updates are handled
 * in order, so had it been answered, that answer would come first. The first message sent must answer `followUp`.
 */
async function expectIgnored(fake: FakeTelegram, ignored: Update, followUp: Update): Promise<void> {
  const before = fake.calls.filter((c) => c.method === "sendMessage").length;
  fake.push(ignored, followUp);
  const [first] = (await fake.waitFor("sendMessage", before + 1)).slice(before);
  expect(first?.payload.reply_parameters?.message_id, "the first message sent answers the follow-up").toBe(followUp.message!.message_id);
}

/**
 * Pushes `update` and then `marker` (same chat) and resolves with every message sent in answer to `update`: all of
 * them have been sent once `marker` is answered.
 */
async function allRepliesTo(fake: FakeTelegram, update: Update, marker: Update): Promise<Payload[]> {
  const before = fake.calls.filter((c) => c.method === "sendMessage").length;
  fake.push(update, marker);
  for (let n = before + 1; ; n++) {
    const sent = (await fake.waitFor("sendMessage", n)).map((c) => c.payload);
    if (sent.at(-1)?.reply_parameters?.message_id === marker.message!.message_id) return sent.slice(before, -1);
  }
}

/** The message id an update's message has. */
const idOf = (update: Update): number => update.message!.message_id;

/** The inline keyboard buttons of a sent message, in order. */
function buttons(payload: Payload): Array<{ text: string; callback_data: string }> {
  return (payload.reply_markup?.inline_keyboard ?? []).flat();
}

let botMessageId = 900_000;

/** The Message Telegram would show for what the bot sent (so a user can press its buttons). */
function sentMessage(sent: Payload, chat: object): object {
  return {
    message_id: ++botMessageId,
    from: { id: 777001, is_bot: true, first_name: "Regbot", username: "regbot_test_bot" },
    chat,
    date: Math.floor(Date.now() / 1000),
    text: sent.text,
    ...(sent.reply_markup ? { reply_markup: sent.reply_markup } : {}),
    ...(sent.message_thread_id !== undefined ? { message_thread_id: sent.message_thread_id, is_topic_message: true } : {}),
  };
}

const privateChat = { id: ALICE, type: "private", first_name: "Alice" };
const groupChat = (id = GROUP) => ({ id, type: "supergroup", title: "Regbot Test Group" });

describe("startTelegram", () => {
  it("registers the command menu for everyone, the menu with /qa, moderation and alerts for chat administrators, and alerts in private chats", async () => {
    const { fake } = await startBot();
    const [everyone, admins, privateChats] = (await fake.waitFor("setMyCommands", 3)).map((c) => c.payload);
    expect(everyone?.scope === undefined || everyone.scope.type === "default").toBe(true);
    expect(everyone?.commands.map((c: { command: string }) => c.command)).toEqual(["ask", "latest", "article", "about", "help"]);
    expect(admins?.scope).toEqual({ type: "all_chat_administrators" });
    expect(admins?.commands.map((c: { command: string }) => c.command)).toEqual([
      "ask", "latest", "article", "about", "help", "qa", "warn", "dwarn", "warns", "unwarn", "resetwarns", "warnconfig", "modlog", "subscribe", "subscriptions", "unsubscribe",
    ]);
    expect(privateChats?.scope).toEqual({ type: "all_private_chats" });
    expect(privateChats?.commands.map((c: { command: string }) => c.command)).toEqual(["ask", "latest", "article", "about", "help", "subscribe", "subscriptions", "unsubscribe"]);
    // Telegram refuses the whole menu if one entry breaks its rules.
    for (const { command, description } of [...TELEGRAM_COMMANDS, ...TELEGRAM_ADMIN_COMMANDS, ...TELEGRAM_PRIVATE_COMMANDS]) {
      expect(command).toMatch(/^[a-z0-9_]{1,32}$/);
      expect(description.length).toBeGreaterThanOrEqual(1);
      expect(description.length).toBeLessThanOrEqual(256);
    }
  });
});

describe("questions in a private chat", () => {
  it("are answered in HTML, in reply, without link previews, with cited titles and buttons", async () => {
    const { fake } = await startBot();
    const question = updates.privateText(STABLECOIN_QUESTION);
    const reply = await replyTo(fake, question);

    expect(reply).toMatchObject({
      chat_id: ALICE,
      parse_mode: "HTML",
      link_preview_options: { is_disabled: true },
      reply_parameters: { message_id: idOf(question) },
    });
    expect(reply.text).toContain("[1]");
    expect(reply.text).toContain("[3]");
    expect(reply.text).not.toContain("[4]");
    expect(reply.text).toContain("Singapore finalises its stablecoin framework");
    expect(reply.text).toContain("This is news, not legal advice.");
    expect(buttons(reply).map((b) => b.text)).toEqual(["Full article [1]", "Full article [2]", "Full article [3]", "More"]);
    for (const button of buttons(reply)) expect(Buffer.byteLength(button.callback_data)).toBeLessThanOrEqual(64);
  });

  it("say plainly when no stored article answers, with no buttons to press", async () => {
    const { fake } = await startBot();
    const reply = await replyTo(fake, updates.privateText("how long should I boil an egg?"));
    expect(reply.text).toMatch(/No stored article/);
    expect(reply.text).not.toContain("[1]");
    expect(reply.reply_markup).toBeUndefined();
  });

  it("an unknown command gets a hint to /help", async () => {
    const { fake } = await startBot();
    const reply = await replyTo(fake, updates.privateText("/frobnicate now"));
    expect(reply.text).toBe("I do not know that command. /help lists what I can do.");
  });
});

describe("questions in groups", () => {
  it("answers /ask and /ask@regbot_test_bot, replying to the question", async () => {
    const { fake } = await startBot();
    const plain = updates.groupText(`/ask ${CHINA_QUESTION}`);
    const addressed = updates.groupText(`/ask@regbot_test_bot ${CHINA_QUESTION}`);
    for (const question of [plain, addressed]) {
      const reply = await replyTo(fake, question);
      expect(reply).toMatchObject({ chat_id: GROUP, parse_mode: "HTML", reply_parameters: { message_id: idOf(question) } });
      expect(reply.text).toContain("China bans crypto trading");
    }
  });

  it("ignores /ask addressed to another bot", async () => {
    const { fake } = await startBot();
    await expectIgnored(fake, updates.groupText(`/ask@otherbot ${CHINA_QUESTION}`), updates.groupText(`/ask ${CHINA_QUESTION}`));
  });

  it("ignores plain chatter, and unknown commands that may be another bot's", async () => {
    const { fake } = await startBot();
    await expectIgnored(fake, updates.groupText(CHINA_QUESTION), updates.groupText("/about"));
    await expectIgnored(fake, updates.groupText("/frobnicate"), updates.groupText("/about"));
  });

  it("answers an empty /ask with usage help", async () => {
    const { fake } = await startBot();
    const reply = await replyTo(fake, updates.groupText("/ask"));
    expect(reply.text).toContain("<code>/ask is crypto trading banned in China?</code>");
    expect(reply.reply_markup).toBeUndefined();
  });

  it("answers a message that mentions the bot, as if the mention were not there", async () => {
    const { fake, core } = await startBot();
    const question = "what rules apply to stablecoin issuers?";
    const mention = updates.groupText(`@regbot_test_bot ${question}`);
    const reply = await replyTo(fake, mention);
    expect(reply.reply_parameters.message_id).toBe(idOf(mention));
    // With the mention left in, the question finds nothing; without it, the same answer as a plain question.
    expect(reply.text).toBe(renderAnswerHtml(core.ask(question))[0]);
    expect(reply.text).toContain("[1]");
  });

  it("answers a reply to one of its own messages, but not a reply to someone else", async () => {
    const { fake } = await startBot();
    const first = updates.groupText(`/ask ${CHINA_QUESTION}`);
    const answer = await replyTo(fake, first);
    const toBot = updates.groupText(STABLECOIN_QUESTION, { replyTo: sentMessage(answer, groupChat()) });
    const reply = await replyTo(fake, toBot);
    expect(reply.reply_parameters.message_id).toBe(idOf(toBot));
    expect(reply.text).toContain("Singapore finalises its stablecoin framework");

    await expectIgnored(fake, updates.groupText(STABLECOIN_QUESTION, { replyTo: first, from: { id: 2002, first_name: "Bob" } }), updates.groupText("/about"));
  });

  it("answers in the forum topic the question was asked in", async () => {
    const { fake } = await startBot();
    const question = updates.groupText(`/ask ${CHINA_QUESTION}`, { forum: true, threadId: 42 });
    const reply = await replyTo(fake, question);
    expect(reply).toMatchObject({ message_thread_id: 42, reply_parameters: { message_id: idOf(question) } });
    expect(reply.text).toContain("China bans crypto trading");
  });
});

describe("forum topics the bot created", () => {
  it("ignores ordinary chatter in a topic the bot started, though Telegram marks it as a reply to the bot", async () => {
    const { fake } = await startBot();
    const topicStart = { message_id: 55, from: fake.botInfo, chat: { id: -1001234567890, type: "supergroup" }, date: 1, message_thread_id: 55, forum_topic_created: { name: "News", icon_color: 7322096 }, is_topic_message: true };
    await expectIgnored(fake, updates.groupText("good morning everyone", { forum: true, threadId: 55, replyTo: topicStart }), updates.groupText("/about", { forum: true, threadId: 55 }));
  });
});

describe("answer buttons", () => {
  it("“Full article” sends the whole article and answers the button press", async () => {
    const { fake } = await startBot();
    const answer = await replyTo(fake, updates.privateText("what is the Atlantis stablecoin rule?"));
    const full = buttons(answer).find((b) => b.text === "Full article [1]")!;
    expect(full).toBeDefined();

    const press = updates.callbackQuery(full.callback_data, sentMessage(answer, privateChat));
    const [article] = await pushAndWait(fake, press);
    const [answered] = await fake.waitFor("answerCallbackQuery");
    expect(answered?.payload.callback_query_id).toBe(press.callback_query!.id);
    expect(article?.text).toContain(ATLANTIS_TITLE_HTML);
    expect(article?.text).toContain("publish monthly audits");
    expect(article?.text).toContain("reserves &lt; 100%");
  });

  it("“More” pages through further citations, numbered on from [4], until there are no more", async () => {
    const { fake } = await startBot();
    const answer = await replyTo(fake, updates.privateText(STABLECOIN_QUESTION));
    const more = buttons(answer).find((b) => b.text === "More")!;

    const second = (await pushAndWait(fake, updates.callbackQuery(more.callback_data, sentMessage(answer, privateChat))))[0]!;
    expect(second.text).toMatch(/\[4\][\s\S]*\[5\][\s\S]*\[6\]/);
    expect(second.text).not.toContain("[1]");
    expect(second.text).not.toContain("[7]");
    expect(buttons(second).map((b) => b.text)).toEqual(["Full article [4]", "Full article [5]", "Full article [6]", "More"]);

    const moreAgain = buttons(second).find((b) => b.text === "More")!;
    const third = (await pushAndWait(fake, updates.callbackQuery(moreAgain.callback_data, sentMessage(second, privateChat))))[0]!;
    expect(third.text).toMatch(/\[7\][\s\S]*\[8\]/);
    expect(buttons(third).map((b) => b.text)).toEqual(["Full article [7]", "Full article [8]"]);
    // Every press was answered, so no button keeps spinning.
    expect(fake.calls.filter((c) => c.method === "answerCallbackQuery")).toHaveLength(2);
  });

  it("“More” after the last citation answers the press with a notice instead of a message", async () => {
    const { fake } = await startBot();
    const answer = await replyTo(fake, updates.privateText(THREE_ANSWER_QUESTION));
    expect(answer.text).toContain("[3]");
    const more = buttons(answer).find((b) => b.text === "More")!;
    const [answered] = await pushAndWait(fake, updates.callbackQuery(more.callback_data, sentMessage(answer, privateChat)), "answerCallbackQuery");
    expect(answered?.text).toBe("No more stored articles answer this.");
    expect(fake.calls.filter((c) => c.method === "sendMessage")).toHaveLength(1);
  });

  it("answers every press of an unknown or expired button with a notice", async () => {
    const { fake } = await startBot();
    const old = { message_id: 5, from: { id: 777001, is_bot: true, first_name: "Regbot" }, chat: privateChat, date: 1, text: "an old answer" };
    const [unknown] = await pushAndWait(fake, updates.callbackQuery("vote:up", old), "answerCallbackQuery");
    expect(unknown?.text).toBe("This button no longer works: please ask again.");
    const [expired] = await pushAndWait(fake, updates.callbackQuery("more:zz9:3", old), "answerCallbackQuery");
    expect(expired?.text).toBe("This answer has expired: please ask again.");
    const [gone] = await pushAndWait(fake, updates.callbackQuery("art:0000000000", old), "answerCallbackQuery");
    expect(gone?.text).toBe("That article is no longer stored.");
    expect(fake.calls.filter((c) => c.method === "sendMessage")).toEqual([]);
  });
});

describe("inline mode", () => {
  it("lists cited articles for a query, each sending an HTML snippet", async () => {
    const { fake } = await startBot();
    const query = updates.inlineQuery(STABLECOIN_QUESTION);
    const [answered] = await pushAndWait(fake, query, "answerInlineQuery");
    expect(answered?.inline_query_id).toBe(query.inline_query!.id);
    const results = answered?.results as Payload[];
    expect(results.length).toBeGreaterThanOrEqual(3);
    expect(new Set(results.map((r) => r.id)).size).toBe(results.length);
    for (const result of results) {
      expect(result).toMatchObject({ type: "article", input_message_content: { parse_mode: "HTML" } });
      expect(result.title).toMatch(/stablecoin/i);
      expect(Buffer.byteLength(result.id)).toBeLessThanOrEqual(64);
      expectOnlyAllowedHtml(result.input_message_content.message_text);
      expect(result.input_message_content.message_text).toContain(result.title);
    }
  });

  it("lists the newest articles for an empty query", async () => {
    const { fake, core } = await startBot();
    const [answered] = await pushAndWait(fake, updates.inlineQuery(""), "answerInlineQuery");
    const results = answered?.results as Payload[];
    expect(results.map((r) => r.title)).toEqual(core.latest({ limit: 10 }).map((a) => a.title));
    expect(results[0]?.title).toBe("Brazil consults on stablecoin payments");
    const atlantis = results.find((r) => r.title === ATLANTIS_TITLE)!;
    expect(atlantis.input_message_content.message_text).toContain(ATLANTIS_TITLE_HTML);
    for (const result of results) expectOnlyAllowedHtml(result.input_message_content.message_text);
  });
});

describe("HTML safety", () => {
  it("escapes article titles, links and a hostile user's question, so Telegram can parse every message", async () => {
    const { fake } = await startBot();
    const reply = await replyTo(fake, updates.privateText("what is the <Atlantis> stablecoin rule & why?", { first_name: "<script>&_*[", username: "x" }));
    expect(reply.text).toContain(ATLANTIS_TITLE_HTML);
    expect(reply.text).toContain('<a href="https://news.example/atlantis?id=7&amp;lang=en">');
    expect(reply.text).not.toContain("<3");
    expectOnlyAllowedHtml(reply.text);
    expectBalancedTags(reply.text);
  });

  it("escapes what the user typed when echoing it back", async () => {
    const { fake } = await startBot();
    const reply = await replyTo(fake, updates.privateText("/latest <b>atlantis</b>"));
    expect(reply.text).toContain("&lt;b&gt;atlantis&lt;/b&gt;");
    expectOnlyAllowedHtml(reply.text);
  });

  it("sends a long article as several messages within 4096 characters, never cut inside a tag", async () => {
    const { fake, core } = await startBot();
    const id = core.latest({ limit: 20 }).find((a) => a.title === LONG_TITLE)!.id;
    const question = updates.privateText(`/article ${id}`);
    const parts = await allRepliesTo(fake, question, updates.privateText("/about"));

    expect(parts.length).toBeGreaterThanOrEqual(4);
    expect(parts[0]?.text).toContain(`<b>${LONG_TITLE}</b>`);
    expect(parts[0]?.reply_parameters?.message_id).toBe(idOf(question));
    for (const part of parts) {
      expect(part.text.length).toBeLessThanOrEqual(TELEGRAM_MESSAGE_LIMIT);
      expect(part.parse_mode).toBe("HTML");
      expectOnlyAllowedHtml(part.text);
      expectBalancedTags(part.text);
    }
    // Nothing is lost: every sentence of the long paragraph arrives.
    const text = parts.map((p) => p.text).join(" ");
    for (let n = 1; n <= 45; n++) expect(text).toContain(`Sentence ${n} of the long chapter`);
    expect(text).toContain("Part 15:");
  });
});

describe("flood limit", () => {
  it("tells a user once to slow down after five questions a minute, then ignores them; others are still answered", async () => {
    const { fake } = await startBot();
    for (let i = 0; i < 5; i++) {
      const reply = await replyTo(fake, updates.privateText(CHINA_QUESTION));
      expect(reply.text).toContain("China bans crypto trading");
    }
    const sixth = await replyTo(fake, updates.privateText(CHINA_QUESTION));
    expect(sixth.text).toBe("You are asking faster than I can answer well: please wait a minute and ask again.");
    await expectIgnored(fake, updates.privateText(CHINA_QUESTION), updates.privateText("/about"));

    const other = await replyTo(fake, updates.privateText(CHINA_QUESTION, { id: 2002, first_name: "Bob", username: "bob" }));
    expect(other).toMatchObject({ chat_id: 2002 });
    expect(other.text).toContain("China bans crypto trading");
  });
});

describe("when Telegram fails", () => {
  it("retries after a 429 and still delivers the answer", async () => {
    const { fake } = await startBot();
    fake.failNext("sendMessage", { error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } });
    const [refused, delivered] = await pushAndWait(fake, updates.privateText(CHINA_QUESTION), "sendMessage", 2);
    expect(delivered?.text).toBe(refused?.text);
    expect(delivered?.text).toContain("China bans crypto trading");
    const times = fake.calls.filter((c) => c.method === "sendMessage").map((c) => c.at);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(900);
  });

  it("logs a failing handler, tells the user, and keeps answering", async () => {
    const errors: Array<{ obj: object; msg?: string | undefined }> = [];
    const logger: Logger = { ...silentLogger, error: (obj, msg) => void errors.push({ obj, msg }) };
    const { fake } = await startBot({ logger });
    fake.failNext("sendMessage", { error_code: 400, description: "Bad Request: chat not found" });
    const [, apology] = await pushAndWait(fake, updates.privateText(CHINA_QUESTION), "sendMessage", 2);
    expect(apology?.text).toBe("Something went wrong while answering; please try again in a moment.");
    expect(errors).toEqual([expect.objectContaining({ msg: "a Telegram handler failed" })]);

    const later = await replyTo(fake, updates.privateText(STABLECOIN_QUESTION));
    expect(later.text).toContain("[1]");
  });
});

describe("/qa", () => {
  const admin = { status: "administrator", can_manage_chat: true };

  it("refuses a member who is not an admin, and keeps answering", async () => {
    const { fake } = await startBot();
    const reply = await replyTo(fake, updates.groupText("/qa off"));
    expect(reply.text).toBe("Only the group's admins can change where I answer.");
    expect((await replyTo(fake, updates.groupText(`/ask ${CHINA_QUESTION}`))).text).toContain("China bans crypto trading");
  });

  it("lets an admin turn answers off in the group and on again", async () => {
    const { fake } = await startBot();
    fake.setChatMember(GROUP, ALICE, admin);
    expect((await replyTo(fake, updates.groupText("/qa off"))).text).toBe("I will not answer questions in this group until an admin sends /qa on.");
    await expectIgnored(fake, updates.groupText(`/ask ${CHINA_QUESTION}`, { from: { id: 2002, first_name: "Bob" } }), updates.groupText("/about"));
    await expectIgnored(fake, updates.groupText("/latest"), updates.groupText("/about"));
    // Other chats are not affected.
    expect((await replyTo(fake, updates.privateText(CHINA_QUESTION))).text).toContain("China bans crypto trading");

    expect((await replyTo(fake, updates.groupText("/qa on"))).text).toBe("I will answer questions everywhere in this group.");
    expect((await replyTo(fake, updates.groupText(`/ask ${CHINA_QUESTION}`))).text).toContain("China bans crypto trading");
  });

  it("/qa here in a forum topic limits answers to that topic", async () => {
    const { fake } = await startBot();
    fake.setChatMember(GROUP, ALICE, admin);
    const set = await replyTo(fake, updates.groupText("/qa here", { forum: true, threadId: 42 }));
    expect(set).toMatchObject({ message_thread_id: 42, text: "I will answer questions only in this topic." });

    const inTopic = await replyTo(fake, updates.groupText(`/ask ${CHINA_QUESTION}`, { forum: true, threadId: 42 }));
    expect(inTopic).toMatchObject({ message_thread_id: 42 });
    expect(inTopic.text).toContain("China bans crypto trading");
    await expectIgnored(fake, updates.groupText(`/ask ${CHINA_QUESTION}`, { forum: true, threadId: 7 }), updates.groupText("/about", { forum: true, threadId: 7 }));
    await expectIgnored(fake, updates.groupText(`/ask ${CHINA_QUESTION}`, { forum: true }), updates.groupText("/about", { forum: true }));
  });

  it("asks an anonymous admin to confirm with a button that only a real admin's press applies", async () => {
    const { fake } = await startBot();
    const anonymous = await replyTo(fake, updates.groupText("/qa off", { senderChat: groupChat() }));
    expect(anonymous.text).toBe("You are posting as the group. An admin, please confirm this change:");
    const confirm = buttons(anonymous)[0]!;
    expect(confirm.text).toBe("Confirm (admins only)");
    const message = sentMessage(anonymous, groupChat());

    const [refused] = await pushAndWait(fake, updates.callbackQuery(confirm.callback_data, message, { id: 2002, first_name: "Bob" }), "answerCallbackQuery");
    expect(refused?.text).toBe("Only the group's admins can confirm this.");
    expect((await replyTo(fake, updates.groupText(`/ask ${CHINA_QUESTION}`))).text).toContain("China bans crypto trading");

    fake.setChatMember(GROUP, 3003, admin);
    const sentBefore = fake.calls.filter((c) => c.method === "sendMessage").length;
    const [done] = await pushAndWait(fake, updates.callbackQuery(confirm.callback_data, message, { id: 3003, first_name: "Carol" }), "answerCallbackQuery");
    expect(done?.text).toBe("Done.");
    const applied = (await fake.waitFor("sendMessage", sentBefore + 1))[sentBefore];
    expect(applied?.payload.text).toBe("I will not answer questions in this group until an admin sends /qa on.");
    await expectIgnored(fake, updates.groupText(`/ask ${CHINA_QUESTION}`), updates.groupText("/about"));
  });

  it("keeps the setting when the group becomes a supergroup with a new id", async () => {
    const { fake } = await startBot();
    const oldId = -555;
    const newId = -1009999;
    fake.setChatMember(oldId, ALICE, admin);
    await replyTo(fake, updates.groupText("/qa off", { chatId: oldId }));
    fake.push(updates.migrateToSupergroup(oldId, newId));
    // The old chat's updates are handled in order: once /about there is answered, the move is done.
    await replyTo(fake, updates.groupText("/about", { chatId: oldId }));
    await expectIgnored(fake, updates.groupText(`/ask ${CHINA_QUESTION}`, { chatId: newId }), updates.groupText("/about", { chatId: newId }));
  });
});

describe("commands", () => {
  it("/latest lists the newest articles with tappable /article_ID links; /latest eu only the EU's", async () => {
    const { fake, core } = await startBot();
    const latest = await replyTo(fake, updates.privateText("/latest"));
    const newest = core.latest({ limit: 5 });
    for (const a of newest) expect(latest.text).toContain(`/article_${a.id}`);
    expect(latest.text.indexOf("Brazil consults")).toBeLessThan(latest.text.indexOf("Hong Kong opens"));
    expect(latest.text).not.toContain("China bans crypto trading");
    expectOnlyAllowedHtml(latest.text);

    const eu = await replyTo(fake, updates.privateText("/latest eu"));
    expect(eu.text).toContain("EU adopts MiCA rules for stablecoin issuers");
    expect(eu.text).not.toContain("Brazil");

    const mica = core.latest({ jurisdiction: "eu" })[0]!;
    const tapped = await replyTo(fake, updates.privateText(`/article_${mica.id}`));
    expect(tapped.text).toContain("Markets in Crypto-Assets regulation");
  });

  it("/article_ID addressed to another bot is left to that bot", async () => {
    const { fake, core } = await startBot();
    const mica = core.latest({ jurisdiction: "eu" })[0]!;
    await expectIgnored(fake, updates.groupText(`/article_${mica.id}@otherbot`), updates.groupText("/about"));
    expect((await replyTo(fake, updates.groupText(`/article_${mica.id}@regbot_test_bot`))).text).toContain("Markets in Crypto-Assets regulation");
  });

  it("/about says how many articles are stored and from which sources", async () => {
    const { fake } = await startBot();
    const about = await replyTo(fake, updates.privateText("/about"));
    expect(about.text).toContain("I store <b>11</b> articles on crypto regulation; the newest is from 29 Nov 2024.");
    expect(about.text).toContain("Atlantis Herald");
    expect(about.text).toContain("European Union");
  });

  it("/help explains how to ask: any message in private, /ask or a mention in groups", async () => {
    const { fake } = await startBot();
    const inPrivate = await replyTo(fake, updates.privateText("/help"));
    expect(inPrivate.text).toContain("Just send me a question");
    expect(inPrivate.text).not.toContain("/qa");
    const inGroup = await replyTo(fake, updates.groupText("/help"));
    expect(inGroup.text).toContain("<code>/ask is crypto trading banned in China?</code>");
    expect(inGroup.text).toContain("/qa on|off|here");
    for (const text of [inPrivate.text, inGroup.text]) expectOnlyAllowedHtml(text);
  });
});

describe("regbot start", () => {
  it("answers on Telegram and exits with code 0 on SIGTERM, without printing the token", async () => {
    const fake = await startFakeTelegram();
    onTestFinished(() => fake.close());
    const child = spawn(process.execPath, ["bin/regbot", "start"], {
      cwd: PACKAGE_ROOT,
      env: {
        ...process.env,
        TELEGRAM_BOT_TOKEN: fake.token,
        TELEGRAM_API_ROOT: fake.apiRoot,
        REGBOT_DB: path.join(tempDir(), "regbot.db"),
        DISCORD_TOKEN: "",
        NO_COLOR: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    onTestFinished(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));

    // Seeding the bundled corpus comes first; the bot registers its menus once it is ready.
    await fake.waitFor("setMyCommands", 2, 20_000);
    const question = updates.privateText(CHINA_QUESTION);
    const reply = await replyTo(fake, question);
    expect(reply).toMatchObject({ chat_id: ALICE, parse_mode: "HTML", reply_parameters: { message_id: idOf(question) } });

    child.kill("SIGTERM");
    const timeout = new Promise<"still running">((resolve) => setTimeout(() => resolve("still running"), 5000).unref());
    expect(await Promise.race([exited, timeout])).toEqual({ code: 0, signal: null });
    expect(stderr).toContain("@regbot_test_bot is running");
    expect(stderr).not.toContain(fake.token);
    expect(stderr).not.toContain(fake.token.split(":")[1]);
  }, 30_000);
});

describe("webhook mode", () => {
  async function startWebhookBot() {
    const dir = tempDir();
    const store = openTempStore(path.join(dir, "regbot.db"));
    const core = createCore({ store });
    core.ingest([writeFiles(path.join(dir, "articles"), ARTICLES)]);
    const fake = await startFakeTelegram();
    onTestFinished(() => fake.close());
    const runner = await startTelegram(fake.token, {
      core,
      logger: silentLogger,
      apiRoot: fake.apiRoot,
      webhook: { url: "https://bot.example.org/telegram/hook", port: 0, host: "127.0.0.1", secret: "s3cret-token" },
    });
    onTestFinished(() => runner.stop());
    const address = runner.address?.();
    if (!address || typeof address === "string") throw new Error("the webhook server is not listening");
    return { fake, url: `http://127.0.0.1:${address.port}/telegram/hook` };
  }

  const post = (url: string, body: unknown, secret?: string) =>
    fetch(url, { method: "POST", headers: { "content-type": "application/json", ...(secret ? { "x-telegram-bot-api-secret-token": secret } : {}) }, body: JSON.stringify(body) });

  it("registers the webhook with Telegram, with its secret token", async () => {
    const { fake } = await startWebhookBot();
    const [call] = await fake.waitFor("setWebhook");
    expect(call!.payload).toMatchObject({ url: "https://bot.example.org/telegram/hook", secret_token: "s3cret-token" });
  });

  it("answers an update posted with the secret token", async () => {
    const { fake, url } = await startWebhookBot();
    const response = await post(url, { ...updates.privateText(CHINA_QUESTION), update_id: 1 }, "s3cret-token");
    expect(response.status).toBe(200);
    const [sent] = await fake.waitFor("sendMessage");
    expect(sent!.payload.text).toContain("[1]");
  });

  it("refuses a post without the right secret before reading it, and sends nothing", async () => {
    const { fake, url } = await startWebhookBot();
    expect((await post(url, { ...updates.privateText(CHINA_QUESTION), update_id: 2 }, "wrong")).status).toBe(401);
    expect((await post(url, "not even json")).status).toBe(401);
    expect((await fetch(url.replace("/hook", "/other"), { method: "POST", body: "{}" })).status).toBe(404);
    expect(fake.calls.filter((c) => c.method === "sendMessage")).toEqual([]);
  });
});

describe("Telegram refusing the bot", () => {
  it("explains in plain words that another instance polls the same token (409), without the token", async () => {
    const { fake, runner } = await startBot();
    fake.failNext("getUpdates", { error_code: 409, description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running" }, 5);
    const error = await runner.done.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(RegbotError);
    expect((error as RegbotError).message).toContain("Another program is already receiving this bot's updates (409 Conflict)");
    expect((error as RegbotError).message).not.toContain(fake.token);
  });

  it("says the token was refused (401) at start, without echoing it", async () => {
    const fake = await startFakeTelegram();
    onTestFinished(() => fake.close());
    const store = openTempStore(path.join(tempDir(), "regbot.db"));
    const error = await startTelegram("999:wrong-token", { core: createCore({ store }), logger: silentLogger, apiRoot: fake.apiRoot }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as RegbotError).message).toBe("Telegram refused TELEGRAM_BOT_TOKEN (401 Unauthorized). Copy the token again from @BotFather.");
  });
});
