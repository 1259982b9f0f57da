import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { startDiscord, type DiscordRunner } from "../../../adapters/discord/run.js";
import { createCore, type Core } from "../../../src/core.js";
import type { ArticleStore } from "../../../src/articles/store.js";
import { silentLogger, type Logger } from "../../../src/logger.js";
import { payloads, startFakeDiscord, type FakeDiscord } from "../../fakes/discord-server.js";
import { openTempStore, tempDir, writeFiles } from "../../fakes/temp-store.js";
import { asJson, STABLECOIN_ARTICLES } from "../../fakes/articles.js";

const PACKAGE_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** A recorded request body (or the message inside an interaction callback). */
type Payload = Record<string, any>;
type InteractionExtra = NonNullable<Parameters<typeof payloads.slashCommand>[2]>;
type MessageExtra = NonNullable<Parameters<typeof payloads.messageCreate>[1]>;

// The fake's fixed identities.
const GUILD = "800000000000000001";
const GENERAL = "800000000000000010";
const NEWS = "800000000000000011";
const BOT_ID = "900000000000000002";
const APPLICATION_ID = "900000000000000001";

// Discord's numbers.
const CHANNEL_MESSAGE = 4;
const DEFERRED_CHANNEL_MESSAGE = 5;
const AUTOCOMPLETE_RESULT = 8;
const EPHEMERAL = 64;
const MANAGE_GUILD = "32";
const ZWSP = "\u200b";

const ATLANTIS_TITLE = "Atlantis stablecoin rules: **bold** @everyone <@&123456789012345678>";
const OUTAGE_TITLE = "Exchange pauses withdrawals during licence review";
const LONG_TITLE = "Long read: the history of crypto licensing in Switzerland";
/** The longest title, past the 100 characters an autocomplete choice may have. */
const LONG_TAX_TITLE = `Crypto tax reporting: ${"a very long headline about the new reporting forms that exchanges must file ".repeat(2).trim()}`;

/** Six articles answer it: a first page of [1]–[3] and a "More" page of [4]–[6]. */
const STABLECOIN_QUESTION = "stablecoin reserves";
/** Exactly three articles answer it: a full first page, and nothing more. */
const THREE_ANSWER_QUESTION = "crypto in China";
const CHINA_QUESTION = "is crypto trading banned in China?";
const CHINA_TITLES = ["Shanghai court rules bitcoin is property", "China bans crypto trading", "China orders bitcoin miners in Sichuan to shut down"];
const HOSTILE_QUESTION = "**bold** @everyone <@&123456789012345678> atlantis stablecoin rules?";

/** About 8,000 characters: more than one message of embeds. */
const LONG_BODY = Array.from({ length: 24 }, (_, i) =>
  `Part ${i + 1}: the Swiss regulator FINMA and the cantons debate licensing rules for crypto banks, custody and staking. `.repeat(3).trim(),
).join("\n\n");

const article = asJson;

/** The corpus every test starts with (file name → contents). */
const ARTICLES: Record<string, string> = {
  ...STABLECOIN_ARTICLES,
  "atlantis.json": article({
    title: ATLANTIS_TITLE,
    url: "https://news.example/atlantis?id=7",
    source: "Atlantis Herald",
    publishedAt: "2024-05-01",
    body: "The Atlantis Monetary Authority said stablecoin issuers must hold full reserves and publish monthly audits.",
  }),
  "outage.json": article({
    title: OUTAGE_TITLE,
    source: "Chain Wire",
    publishedAt: "2024-03-02",
    body: "A moderator posted @here in the exchange's chat to warn users that withdrawals were paused while the regulator reviewed its licence.",
  }),
  "china-mining.json": article({
    title: "China orders bitcoin miners in Sichuan to shut down",
    publishedAt: "2021-06-20",
    jurisdictions: ["China"],
    body: "Officials in Sichuan told bitcoin mining farms to stop operating, part of a wider clampdown on mining in China.",
  }),
  "china-court.json": article({
    title: "Shanghai court rules bitcoin is property",
    publishedAt: "2023-06-01",
    jurisdictions: ["China"],
    body: "A Shanghai court ruled that bitcoin is property protected by law in China, even though crypto trading remains banned.",
  }),
  "long.json": article({ title: LONG_TITLE, publishedAt: "2020-01-10", jurisdictions: ["Switzerland"], body: LONG_BODY }),
  // Enough tax articles that autocomplete has more than 25 to choose from.
  ...Object.fromEntries(
    Array.from({ length: 27 }, (_, i) => [
      `tax-${i + 1}.json`,
      article({
        title: i === 0 ? LONG_TAX_TITLE : `Crypto tax reporting rules, update ${i + 1}`,
        publishedAt: `2019-02-${String(i + 1).padStart(2, "0")}`,
        jurisdictions: ["Germany"],
        body: `Update ${i + 1}: exchanges must send crypto tax reporting forms for every customer to the tax office.`,
      }),
    ]),
  ),
};

interface Harness {
  readonly fake: FakeDiscord;
  readonly core: Core;
  readonly store: ArticleStore;
  readonly runner: DiscordRunner;
}

/**
 * A real core over a temp SQLite store holding {@link ARTICLES}, and the client started the way `regbot start`
 * starts it, against a fresh fake Discord. When the test finishes the client is destroyed before the fake closes.
 */
async function startBot(options: { logger?: Logger } = {}): Promise<Harness> {
  const dir = tempDir();
  const store = openTempStore(path.join(dir, "regbot.db"));
  const core = createCore({ store });
  const report = core.ingest([writeFiles(path.join(dir, "articles"), ARTICLES)]);
  expect(report.rejected).toEqual([]);
  const fake = await startFakeDiscord();
  onTestFinished(() => fake.close());
  const runner = await startDiscord(fake.token, { core, logger: options.logger ?? silentLogger, apiRoot: fake.apiRoot });
  // onTestFinished runs its callbacks last-registered first: the client is destroyed, then the fake closes.
  onTestFinished(() => runner.stop());
  return { fake, core, runner, store };
}

/** Another process (`regbot ingest`) changes the store, so the bot's next question must reload the index first. */
function changeStoreElsewhere(store: ArticleStore): void {
  const other = createCore({ store: openTempStore(store.file) });
  other.ingest([writeFiles(tempDir(), { "extra.md": "# Kenya drafts crypto rules\n\nKenya published draft rules for crypto exchanges." })]);
}

/** A logger that keeps what is logged at error level. */
function recordingLogger(): { logger: Logger; errors: Array<{ obj: object; msg?: string | undefined }> } {
  const errors: Array<{ obj: object; msg?: string | undefined }> = [];
  return { logger: { ...silentLogger, error: (obj, msg) => void errors.push({ obj, msg }) }, errors };
}

// ------------------------------------------------------------------------------------------------ interactions

/** What a dispatched interaction is known by. */
interface Sent {
  readonly id: string;
  readonly token: string;
}

const text = (name: string, value: string, focused = false) => ({ name, type: 3, value, ...(focused ? { focused } : {}) });
const slash = (name: string, options: Record<string, string> = {}, extra: InteractionExtra = {}): Sent =>
  payloads.slashCommand(name, Object.entries(options).map(([k, v]) => text(k, v)), extra) as Sent;

const callbackPath = (ix: Sent) => `/interactions/${ix.id}/${ix.token}/callback`;
const originalPath = (ix: Sent) => `/webhooks/${APPLICATION_ID}/${ix.token}/messages/@original`;
const followUpPath = (ix: Sent) => `/webhooks/${APPLICATION_ID}/${ix.token}`;

/** Dispatches an interaction and resolves with the body of its callback (the first answer Discord gets). */
async function interact(fake: FakeDiscord, ix: Sent): Promise<Payload> {
  fake.dispatch("INTERACTION_CREATE", ix);
  const [callback] = await fake.waitForRequest({ method: "POST", path: callbackPath(ix) });
  return callback!.body;
}

/**
 * Sends `/ask question` and resolves with the callback and the answer: the callback's message, or, when the reply
 * was deferred, the edit of the original response that follows it.
 */
async function ask(fake: FakeDiscord, question: string, extra: InteractionExtra = {}): Promise<{ callback: Payload; answer: Payload }> {
  const ix = slash("ask", { question }, extra);
  const callback = await interact(fake, ix);
  if (callback.type === CHANNEL_MESSAGE) return { callback, answer: callback.data };
  expect(callback.type, "/ask answers at once or defers").toBe(DEFERRED_CHANNEL_MESSAGE);
  const [edit] = await fake.waitForRequest({ method: "PATCH", path: originalPath(ix) });
  return { callback, answer: edit!.body };
}

/** The follow-up messages sent for an interaction so far. */
function followUpsOf(fake: FakeDiscord, ix: Sent): Payload[] {
  return fake.requests.filter((r) => r.method === "POST" && r.path === followUpPath(ix)).map((r) => r.body);
}

/** Expects a callback that answers privately with exactly `content`. */
function expectPrivate(callback: Payload, content: string): void {
  expect(callback.type).toBe(CHANNEL_MESSAGE);
  expect(callback.data.content).toBe(content);
  expect(callback.data.flags & EPHEMERAL, "ephemeral").toBe(EPHEMERAL);
}

/** The buttons under a sent message, in order. */
function buttons(message: Payload): Array<{ label: string; custom_id: string }> {
  return (message.components ?? []).flatMap((row: Payload) => row.components);
}

/** Presses a button under a message the bot sent, and resolves with the callback. */
function press(fake: FakeDiscord, message: Payload, label: string): Promise<Payload> {
  const button = buttons(message).find((b) => b.label === label);
  expect(button, `a “${label}” button`).toBeDefined();
  const ix = payloads.button(button!.custom_id, { embeds: message.embeds, components: message.components }) as Sent;
  return interact(fake, ix);
}

// ---------------------------------------------------------------------------------------------------- messages

const channelMessages = (channelId: string) => ({ method: "POST", path: `/channels/${channelId}/messages` });
const countOf = (fake: FakeDiscord, match: { method: string; path: string }) => fake.requests.filter((r) => r.method === match.method && r.path === match.path).length;

/** A message in a guild channel that mentions the bot. */
function mentionMessage(content: string, extra: MessageExtra = {}): Payload {
  return payloads.messageCreate(`<@${BOT_ID}> ${content}`, { mentionsBot: true, ...extra }) as Payload;
}

/** Dispatches `message` and resolves with the next message the bot sends to its channel. */
async function replyTo(fake: FakeDiscord, message: Payload): Promise<Payload> {
  const route = channelMessages(message.channel_id);
  const before = countOf(fake, route);
  fake.dispatch("MESSAGE_CREATE", message);
  const sent = await fake.waitForRequest(route, before + 1);
  return sent[before]!.body;
}

/**
 * Proves the bot ignores `ignored`: it is dispatched just before `followUp` in the same channel (the client handles
 * gateway events in order, and a channel's messages go out in order), so had it been answered, that answer would
 * come first. The first message sent must answer `followUp`.
 */
async function expectIgnored(fake: FakeDiscord, ignored: Payload, followUp: Payload): Promise<void> {
  expect(followUp.channel_id).toBe(ignored.channel_id);
  fake.dispatch("MESSAGE_CREATE", ignored);
  const first = await replyTo(fake, followUp);
  expect(first.message_reference?.message_id, "the first message sent answers the follow-up").toBe(followUp.id);
}

/** Waits a moment for stray requests (used only where no later event in the same channel can prove silence). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

/**
 * Every message regbot sent: interaction callbacks that carry one (not deferrals or autocomplete results), edits
 * of interaction responses, follow-ups, and channel messages; failed attempts included.
 */
function sentMessages(fake: FakeDiscord): Array<{ route: string; message: Payload }> {
  const sent: Array<{ route: string; message: Payload }> = [];
  for (const r of fake.requests) {
    const route = `${r.method} ${r.path}`;
    if (r.method === "POST" && /^\/interactions\/\d+\/[^/]+\/callback$/.test(r.path)) {
      if (r.body?.type === CHANNEL_MESSAGE || r.body?.type === 7) sent.push({ route, message: r.body.data });
    } else if (/^\/webhooks\/\d+\/[^/]+(\/messages\/[^/]+)?$/.test(r.path) && (r.method === "POST" || r.method === "PATCH")) {
      sent.push({ route, message: r.body });
    } else if (r.method === "POST" && /^\/channels\/\d+\/messages$/.test(r.path)) {
      sent.push({ route, message: r.body });
    }
  }
  return sent;
}

/** Every message sent so far may ping no one: empty allowed_mentions, and no live @everyone, @here or mention in its text. */
function expectNoMessageCanPing(fake: FakeDiscord): void {
  const sent = sentMessages(fake);
  expect(sent.length).toBeGreaterThan(0);
  for (const { route, message } of sent) {
    expect(message.allowed_mentions, route).toBeDefined();
    expect(message.allowed_mentions.parse, route).toEqual([]);
    expect(message.allowed_mentions.roles ?? [], route).toEqual([]);
    expect(message.allowed_mentions.users ?? [], route).toEqual([]);
    expect(message.allowed_mentions.replied_user ?? false, route).toBe(false);
    expect(JSON.stringify({ content: message.content, embeds: message.embeds }), route).not.toMatch(/@(everyone|here)|<@[!&]?\d+>/i);
  }
}

// ------------------------------------------------------------------------------------------------------- tests

describe("/ask", () => {
  it("answers in its first response while the index is in memory, and defers only when the index must be loaded first", async () => {
    const { fake, store } = await startBot();
    const direct = await ask(fake, STABLECOIN_QUESTION);
    expect(direct.callback.type).toBe(CHANNEL_MESSAGE);
    changeStoreElsewhere(store);
    const deferred = await ask(fake, STABLECOIN_QUESTION);
    expect(deferred.callback.type).toBe(DEFERRED_CHANNEL_MESSAGE);
    expect(deferred.answer.embeds[0].description).toEqual(direct.answer.embeds[0].description);
  });

  it("answers with one cited embed with a footer, buttons, and no pings", async () => {
    const { fake } = await startBot();
    const { answer } = await ask(fake, STABLECOIN_QUESTION);

    expect(answer.embeds).toHaveLength(1);
    const [embed] = answer.embeds;
    expect(embed.description).toContain("[1]");
    expect(embed.description).toContain("[3]");
    expect(embed.description).not.toContain("[4]");
    expect(embed.description).toContain("Singapore finalises its stablecoin framework");
    expect(embed.footer.text).toContain("not legal advice");
    expect(buttons(answer).map((b) => b.label)).toEqual(["Full article [1]", "Full article [2]", "Full article [3]", "More"]);
    for (const button of buttons(answer)) expect(button.custom_id.length).toBeLessThanOrEqual(100);
    expect(answer.allowed_mentions.parse).toEqual([]);
    expect(answer.allowed_mentions.roles ?? []).toEqual([]);
  });

  it("says plainly, without buttons, when no stored article answers", async () => {
    const { fake } = await startBot();
    const { answer } = await ask(fake, "how long should I boil an egg?");
    expect(answer.embeds[0].description).toContain("No stored article");
    expect(answer.embeds[0].description).not.toContain("[1]");
    expect(buttons(answer)).toEqual([]);
  });
});

describe("autocomplete", () => {
  it("/ask suggests at most 25 article titles, each cut to 100 characters", async () => {
    const { fake } = await startBot();
    const callback = await interact(fake, payloads.autocomplete("ask", [text("question", "crypto tax reporting", true)]) as Sent);
    expect(callback.type).toBe(AUTOCOMPLETE_RESULT);
    const choices: Array<{ name: string; value: string }> = callback.data.choices;
    expect(choices.length).toBeGreaterThan(0);
    expect(choices.length).toBeLessThanOrEqual(25);
    for (const choice of choices) {
      expect(choice.name.length).toBeGreaterThanOrEqual(1);
      expect(choice.name.length).toBeLessThanOrEqual(100);
      expect(String(choice.value).length).toBeLessThanOrEqual(100);
    }
    expect(choices.map((c) => c.name)).toContain(LONG_TAX_TITLE.slice(0, 100));
  });

  it("/ask with nothing typed yet suggests the newest titles", async () => {
    const { fake, core } = await startBot();
    const callback = await interact(fake, payloads.autocomplete("ask", [text("question", "", true)]) as Sent);
    expect(callback.type).toBe(AUTOCOMPLETE_RESULT);
    expect(callback.data.choices.map((c: { name: string }) => c.name)).toEqual(core.latest({ limit: 25 }).map((a) => a.title.slice(0, 100)));
  });

  it("/article suggests articles by title, with their ids as values", async () => {
    const { fake, core } = await startBot();
    const callback = await interact(fake, payloads.autocomplete("article", [text("id", "bitcoin China", true)]) as Sent);
    expect(callback.type).toBe(AUTOCOMPLETE_RESULT);
    const choices: Array<{ name: string; value: string }> = callback.data.choices;
    expect(choices.length).toBeGreaterThan(0);
    expect(choices.length).toBeLessThanOrEqual(25);
    for (const choice of choices) {
      expect(choice.value).toMatch(/^[0-9a-f]{1,16}$/);
      expect(core.article(choice.value).title.slice(0, 100)).toBe(choice.name);
    }
    expect(choices.map((c) => c.name)).toContain("Shanghai court rules bitcoin is property");
  });
});

describe("/latest", () => {
  it("with jurisdiction China lists only China's articles", async () => {
    const { fake, core } = await startBot();
    const callback = await interact(fake, slash("latest", { jurisdiction: "China" }));
    expect(callback.type).toBe(CHANNEL_MESSAGE);
    expect(callback.data.embeds).toHaveLength(1);
    const [embed] = callback.data.embeds;
    expect(embed.title).toBe("Latest: China");
    for (const title of CHINA_TITLES) expect(embed.description).toContain(title);
    for (const a of core.latest({ jurisdiction: "China" })) expect(embed.description).toContain(a.id);
    // Each article's block names its jurisdictions: every one is China's.
    const blocks = embed.description.split("\n\n");
    expect(blocks).toHaveLength(CHINA_TITLES.length);
    for (const block of blocks) expect(block).toContain("China");
    expect(embed.description).not.toMatch(/stablecoin|Hong Kong|Switzerland/);
  });

  it("without a jurisdiction lists the newest articles in a public embed", async () => {
    const { fake, core } = await startBot();
    const callback = await interact(fake, slash("latest"));
    expect(callback.type).toBe(CHANNEL_MESSAGE);
    expect((callback.data.flags ?? 0) & EPHEMERAL).toBe(0);
    const [embed] = callback.data.embeds;
    expect(embed.title).toBe("Latest articles");
    const newest = core.latest({ limit: 5 });
    for (const a of newest) expect(embed.description).toContain(a.id);
    expect(embed.description.indexOf("Hong Kong opens stablecoin licensing")).toBeLessThan(embed.description.indexOf("Singapore finalises"));
    expect(embed.description).not.toContain("China bans crypto trading");
  });
});

describe("mentions", () => {
  it("a message that mentions the bot with a question is answered in reply, with an embed", async () => {
    const { fake } = await startBot();
    const question = mentionMessage(CHINA_QUESTION);
    const reply = await replyTo(fake, question);
    expect(reply.message_reference).toMatchObject({ message_id: question.id });
    expect(reply.embeds).toHaveLength(1);
    expect(reply.embeds[0].description).toContain("[1]");
    expect(reply.embeds[0].description).toContain("China bans crypto trading");
    expect(reply.allowed_mentions).toMatchObject({ parse: [], replied_user: false });
  });

  it("a mention without a question gets a hint on how to ask", async () => {
    const { fake } = await startBot();
    const reply = await replyTo(fake, mentionMessage(""));
    expect(reply.content).toContain("/ask");
    expect(reply.embeds ?? []).toEqual([]);
  });

  it("ignores messages that do not mention the bot, and the bot's own messages", async () => {
    const { fake } = await startBot();
    await expectIgnored(fake, payloads.messageCreate(CHINA_QUESTION) as Payload, mentionMessage(CHINA_QUESTION));
    await expectIgnored(fake, mentionMessage(CHINA_QUESTION, { author: fake.botUser }), mentionMessage(STABLECOIN_QUESTION));
    expect(countOf(fake, channelMessages(GENERAL))).toBe(2);
  });
});

describe("answer buttons", () => {
  it("“More” answers with the next citations from [4], then privately says there are no more", async () => {
    const { fake } = await startBot();
    const { answer } = await ask(fake, STABLECOIN_QUESTION);

    const more = await press(fake, answer, "More");
    expect(more.type).toBe(CHANNEL_MESSAGE);
    const description: string = more.data.embeds[0].description;
    expect(description).toMatch(/\[4\][\s\S]*\[5\][\s\S]*\[6\]/);
    expect(description).not.toContain("[1]");
    expect(buttons(more.data).map((b) => b.label)).toEqual(["Full article [4]", "Full article [5]", "Full article [6]", "More"]);
    for (const button of buttons(more.data)) expect(button.custom_id.length).toBeLessThanOrEqual(100);

    expectPrivate(await press(fake, more.data, "More"), "No more stored articles answer this.");
  });

  it("“More” under an answer with exactly three citations says privately there are no more", async () => {
    const { fake } = await startBot();
    const { answer } = await ask(fake, THREE_ANSWER_QUESTION);
    expect(answer.embeds[0].description).toContain("[3]");
    expectPrivate(await press(fake, answer, "More"), "No more stored articles answer this.");
  });

  it("“Full article” shows the whole article privately", async () => {
    const { fake } = await startBot();
    const { answer } = await ask(fake, "exchange paused withdrawals");
    const full = await press(fake, answer, "Full article [1]");
    expect(full.type).toBe(CHANNEL_MESSAGE);
    expect(full.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(full.data.embeds[0].title).toBe(OUTAGE_TITLE);
    expect(full.data.embeds[0].description).toContain("withdrawals were paused while the regulator reviewed its licence");
    expect(full.data.embeds[0].description).toContain(`@${ZWSP}here`);
  });

  it("a button the bot no longer knows gets a private notice", async () => {
    const { fake } = await startBot();
    expectPrivate(await interact(fake, payloads.button("more:zz9:3", {}) as Sent), "This answer has expired: please ask again.");
    expectPrivate(await interact(fake, payloads.button("vote:up", {}) as Sent), "This button no longer works: please ask again.");
  });
});

describe("/article", () => {
  it("sends a long article privately in several messages, each within Discord's limits, nothing lost", async () => {
    const { fake, core } = await startBot();
    const id = core.latest({ limit: 50 }).find((a) => a.title === LONG_TITLE)!.id;
    const ix = slash("article", { id });
    const first = await interact(fake, ix);
    expect(first.type).toBe(CHANNEL_MESSAGE);
    expect(first.data.embeds[0].title).toBe(LONG_TITLE);
    // All parts are out once the last paragraph has arrived.
    await vi.waitFor(() => expect(JSON.stringify(followUpsOf(fake, ix))).toContain("Part 24:"));
    const parts = [first.data, ...followUpsOf(fake, ix)];
    expect(parts.length).toBeGreaterThanOrEqual(2);
    for (const part of parts) {
      expect(part.flags & EPHEMERAL, "every part is private").toBe(EPHEMERAL);
      expect(part.embeds.length).toBeLessThanOrEqual(10);
      let size = 0;
      for (const embed of part.embeds) {
        expect(embed.description.length).toBeLessThanOrEqual(4096);
        size += embed.description.length + (embed.title?.length ?? 0);
      }
      expect(size).toBeLessThanOrEqual(6000);
    }
    const all = parts.flatMap((p) => p.embeds.map((e: Payload) => e.description)).join(" ");
    for (let n = 1; n <= 24; n++) expect(all).toContain(`Part ${n}: the Swiss regulator FINMA`);
  });

  it("says privately when no article has that id", async () => {
    const { fake } = await startBot();
    const callback = await interact(fake, slash("article", { id: "0000000000" }));
    expect(callback.type).toBe(CHANNEL_MESSAGE);
    expect(callback.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(callback.data.content).toContain("No article with id");
  });
});

describe("escaping and pings", () => {
  it("escapes markdown and defuses @everyone, @here and role mentions in every message, and no message can ping", async () => {
    const { fake, core, store } = await startBot();
    const escapedTitle = `\\*\\*bold\\*\\* @${ZWSP}everyone <${ZWSP}@&123456789012345678>`;

    // Edited interaction response.
    const { answer } = await ask(fake, HOSTILE_QUESTION);
    const description: string = answer.embeds[0].description;
    expect(description).toContain("Atlantis stablecoin rules");
    expect(description).toContain(escapedTitle);
    expect(description).not.toContain("**bold**");
    expect(answer.allowed_mentions.parse).toEqual([]);

    // Channel message in reply to a mention.
    const reply = await replyTo(fake, mentionMessage(HOSTILE_QUESTION));
    expect(reply.embeds[0].description).toContain(escapedTitle);
    expect(reply.allowed_mentions.parse).toEqual([]);

    // Interaction callbacks: the article itself (its title too), and a list that shows the title.
    const full = await press(fake, answer, "Full article [1]");
    expect(full.data.embeds[0].title).toContain(escapedTitle);
    const latest = await interact(fake, slash("latest"));
    expect(latest.data.embeds[0].description).toContain(escapedTitle);

    // The article that mentions @here, quoted in an answer (deferred, so sent as an edit) and shown whole.
    changeStoreElsewhere(store);
    const outage = await ask(fake, "exchange paused withdrawals");
    expect(outage.callback.type).toBe(DEFERRED_CHANNEL_MESSAGE);
    expect(outage.answer.embeds[0].description).toContain(`@${ZWSP}here`);
    await press(fake, outage.answer, "Full article [1]");

    // Follow-ups: a long article in several messages.
    const ix = slash("article", { id: core.latest({ limit: 50 }).find((a) => a.title === LONG_TITLE)!.id });
    await interact(fake, ix);
    await fake.waitForRequest({ method: "POST", path: followUpPath(ix) });

    const routes = sentMessages(fake).map((s) => s.route);
    expect(routes.some((r) => r.startsWith("PATCH /webhooks/"))).toBe(true);
    expect(routes.some((r) => /^POST \/webhooks\/\d+\/[^/]+$/.test(r))).toBe(true);
    expect(routes.some((r) => r.startsWith("POST /interactions/"))).toBe(true);
    expect(routes.some((r) => r.startsWith("POST /channels/"))).toBe(true);
    expectNoMessageCanPing(fake);
  });
});

describe("failures", () => {
  it("an unknown slash command gets a private pointer to /help, and the client keeps answering", async () => {
    const { fake } = await startBot();
    const callback = await interact(fake, slash("frobnicate"));
    expect(callback.type).toBe(CHANNEL_MESSAGE);
    expect(callback.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(callback.data.content).toContain("/help");

    const { answer } = await ask(fake, CHINA_QUESTION);
    expect(answer.embeds[0].description).toContain("China bans crypto trading");
  });

  it("a failing /ask answer is logged, the user is told, and a later interaction is answered", async () => {
    const { logger, errors } = recordingLogger();
    const { fake, store } = await startBot({ logger });
    changeStoreElsewhere(store); // so the reply is deferred, and a public "thinking…" reply must be taken away
    const ix = slash("ask", { question: CHINA_QUESTION });
    // The first attempt and discord.js's three retries all fail.
    fake.failNext({ method: "PATCH", path: originalPath(ix) }, 500, { message: "500: Internal Server Error", code: 0 }, 4);
    await interact(fake, ix);

    // The public "thinking…" reply is taken away and only the asker is told.
    await fake.waitForRequest({ method: "DELETE", path: originalPath(ix) });
    const [followUp] = await fake.waitForRequest({ method: "POST", path: originalPath(ix).replace("/messages/@original", "") });
    expect(followUp!.body).toMatchObject({ content: "Something went wrong while answering; please try again in a moment.", flags: 64 });
    expect(errors).toEqual([expect.objectContaining({ msg: "a Discord interaction handler failed" })]);

    const later = await interact(fake, slash("latest", { jurisdiction: "China" }));
    expect(later.data.embeds[0].description).toContain("China bans crypto trading");
    const { answer } = await ask(fake, STABLECOIN_QUESTION);
    expect(answer.embeds[0].description).toContain("[1]");
  });

  it("a failing reply to a mention is logged, and the client keeps answering", async () => {
    const { logger, errors } = recordingLogger();
    const { fake } = await startBot({ logger });
    fake.failNext(channelMessages(GENERAL), 500, { message: "500: Internal Server Error", code: 0 }, 4);
    fake.dispatch("MESSAGE_CREATE", mentionMessage(CHINA_QUESTION));
    await fake.waitForRequest(channelMessages(GENERAL), 4);
    await vi.waitFor(() => expect(errors).toEqual([expect.objectContaining({ msg: "a Discord message handler failed" })]));

    const { answer } = await ask(fake, CHINA_QUESTION);
    expect(answer.embeds[0].description).toContain("China bans crypto trading");
    const reply = await replyTo(fake, mentionMessage(STABLECOIN_QUESTION));
    expect(reply.embeds[0].description).toContain("[1]");
  });
});

describe("/qa", () => {
  const manager: InteractionExtra = { member: { permissions: MANAGE_GUILD } };
  const OFF_HERE = "Answers are turned off in this channel (server managers: /qa).";

  it("refuses a member who cannot manage the server, privately, and answers stay on", async () => {
    const { fake } = await startBot();
    expectPrivate(await interact(fake, slash("qa", { mode: "off" })), "Only members who can manage this server can change where I answer.");
    const { answer } = await ask(fake, CHINA_QUESTION);
    expect(answer.embeds[0].description).toContain("China bans crypto trading");
  });

  it("/qa off silences a channel (/ask is refused privately, mentions are ignored) until /qa on", async () => {
    const { fake } = await startBot();
    expectPrivate(await interact(fake, slash("qa", { mode: "off" }, manager)), "I will not answer in this channel.");

    expectPrivate(await interact(fake, slash("ask", { question: CHINA_QUESTION })), OFF_HERE);
    expectPrivate(await interact(fake, slash("latest")), OFF_HERE);
    // A mention there goes unanswered, while one in another channel (sent after it) is answered.
    fake.dispatch("MESSAGE_CREATE", mentionMessage(CHINA_QUESTION));
    const elsewhere = await replyTo(fake, mentionMessage(CHINA_QUESTION, { channelId: NEWS }));
    expect(elsewhere.embeds[0].description).toContain("China bans crypto trading");
    const { answer: inNews } = await ask(fake, CHINA_QUESTION, { channelId: NEWS });
    expect(inNews.embeds[0].description).toContain("China bans crypto trading");
    await settle();
    expect(countOf(fake, channelMessages(GENERAL))).toBe(0);

    expectPrivate(await interact(fake, slash("qa", { mode: "on" }, manager)), "I will answer in this channel.");
    const { answer } = await ask(fake, CHINA_QUESTION);
    expect(answer.embeds[0].description).toContain("China bans crypto trading");
    const reply = await replyTo(fake, mentionMessage(STABLECOIN_QUESTION));
    expect(reply.embeds[0].description).toContain("[1]");
  });

  it("/qa only limits answers to chosen channels, and /qa everywhere lifts the limit", async () => {
    const { fake } = await startBot();
    expectPrivate(await interact(fake, slash("qa", { mode: "only" }, { ...manager, channelId: NEWS })), "I will answer only in channels turned on with /qa (this one is).");
    const { answer: inNews } = await ask(fake, CHINA_QUESTION, { channelId: NEWS });
    expect(inNews.embeds[0].description).toContain("China bans crypto trading");
    expectPrivate(await interact(fake, slash("ask", { question: CHINA_QUESTION })), OFF_HERE);

    expectPrivate(await interact(fake, slash("qa", { mode: "everywhere" }, manager)), "I will answer in every channel except those turned off.");
    const { answer } = await ask(fake, CHINA_QUESTION);
    expect(answer.embeds[0].description).toContain("China bans crypto trading");
  });
});

// ------------------------------------------------------------------------------------------------ the real CLI

/** Runs `node bin/regbot ...args` against the fake, resolving with its exit code and output. */
function regbot(fake: FakeDiscord, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["bin/regbot", ...args], {
    cwd: PACKAGE_ROOT,
    env: cliEnv(fake),
    stdio: ["ignore", "pipe", "pipe"],
  });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
}

function cliEnv(fake: FakeDiscord): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DISCORD_TOKEN: fake.token,
    DISCORD_API_ROOT: fake.apiRoot,
    DISCORD_APPLICATION_ID: "",
    TELEGRAM_BOT_TOKEN: "",
    TELEGRAM_WEBHOOK_URL: "",
    REGBOT_DB: path.join(tempDir(), "regbot.db"),
    NO_COLOR: "1",
    LOG_LEVEL: "",
  };
}

describe("regbot discord deploy", () => {
  const NAMES = ["ask", "latest", "article", "help", "about", "qa", "warn", "warns", "unwarn", "resetwarns", "warnconfig", "modlog", "subscribe", "subscriptions", "unsubscribe"];

  it("with --guild registers every command in that server", async () => {
    const fake = await startFakeDiscord();
    onTestFinished(() => fake.close());
    const run = await regbot(fake, ["discord", "deploy", "--guild", GUILD]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`Deployed ${NAMES.length} commands to server ${GUILD}: ${NAMES.map((n) => `/${n}`).join(", ")}\n`);

    const [put] = await fake.waitForRequest({ method: "PUT", path: `/applications/${APPLICATION_ID}/guilds/${GUILD}/commands` });
    const body: Payload[] = put!.body;
    expect(body.map((c) => c.name)).toEqual(NAMES);
    const askCommand = body.find((c) => c.name === "ask")!;
    expect(askCommand.options).toEqual([expect.objectContaining({ name: "question", type: 3, autocomplete: true, required: true })]);
    expect(body.find((c) => c.name === "qa")!.default_member_permissions).toBe(MANAGE_GUILD);
    for (const command of body) expect(command.description.length).toBeGreaterThan(0);
    expect(run.stdout + run.stderr).not.toContain(fake.token);
  });

  it("without --guild registers the commands globally", async () => {
    const fake = await startFakeDiscord();
    onTestFinished(() => fake.close());
    const run = await regbot(fake, ["discord", "deploy"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Deployed ${NAMES.length} commands globally`);
    const [put] = await fake.waitForRequest({ method: "PUT", path: `/applications/${APPLICATION_ID}/commands` });
    expect((put!.body as Payload[]).map((c) => c.name)).toEqual(NAMES);
    expect(fake.requests.filter((r) => r.method === "PUT" && r.path.includes("/guilds/"))).toEqual([]);
  });

  it("refuses a malformed --guild with exit code 2, registering nothing", async () => {
    const fake = await startFakeDiscord();
    onTestFinished(() => fake.close());
    const run = await regbot(fake, ["discord", "deploy", "--guild", "my-server"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--guild takes a server id");
    expect(fake.requests.filter((r) => r.method === "PUT")).toEqual([]);
  });
});

describe("regbot start", () => {
  it("answers on Discord and exits with code 0 on SIGTERM, without printing the token", async () => {
    const fake = await startFakeDiscord();
    onTestFinished(() => fake.close());
    const child = spawn(process.execPath, ["bin/regbot", "start"], { cwd: PACKAGE_ROOT, env: cliEnv(fake), stdio: ["ignore", "pipe", "pipe"] });
    onTestFinished(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
    const within = <T>(promise: Promise<T>, ms: number, what: string) =>
      Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} within ${ms} ms; output: ${output}`)), ms).unref())]);

    // Seeding the bundled corpus comes first; then the client logs in.
    await within(fake.identified, 20_000, "no IDENTIFY");
    const ix = slash("ask", { question: CHINA_QUESTION });
    fake.dispatch("INTERACTION_CREATE", ix);
    // Seeding built the index, so the answer is the interaction's first response.
    const [callback] = await fake.waitForRequest({ method: "POST", path: callbackPath(ix) }, 1, 10_000);
    expect(callback!.body.type).toBe(CHANNEL_MESSAGE);
    expect(callback!.body.data.embeds[0].description).toContain("[1]");

    child.kill("SIGTERM");
    expect(await within(exited, 5000, "no exit after SIGTERM")).toEqual({ code: 0, signal: null });
    expect(output).toContain("is running");
    expect(output).not.toContain(fake.token);
  }, 30_000);
});
