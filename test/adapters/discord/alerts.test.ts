import { REST } from "discord.js";
import { describe, expect, it, onTestFinished } from "vitest";
import { alertEmbed, createDiscordAlertSender } from "../../../adapters/discord/alerts.js";
import { startDiscord } from "../../../adapters/discord/run.js";
import { dispatchAlerts, type AlertMessage, type DispatchReport } from "../../../src/alerts/dispatch.js";
import { createCore, type Core } from "../../../src/core.js";
import { silentLogger } from "../../../src/logger.js";
import { ALERT_NOW, arrive, articleReader, EU_GUIDANCE, euSeries, HOSTILE } from "../../fakes/alert-articles.js";
import { fullArticle } from "../../fakes/answers.js";
import { payloads, startFakeDiscord, type FakeDiscord } from "../../fakes/discord-server.js";
import { openTempStore } from "../../fakes/temp-store.js";

/** A recorded request body (or the message inside an interaction callback). */
type Payload = Record<string, any>;
type InteractionExtra = NonNullable<Parameters<typeof payloads.slashCommand>[2]>;

// The fake's fixed identities.
const GENERAL = "800000000000000010";
const NEWS = "800000000000000011";
/** A channel the fake does not know: posting there answers 10003 Unknown Channel. */
const GONE = "800000000000000099";

// Discord's numbers.
const CHANNEL_MESSAGE = 4;
const AUTOCOMPLETE_RESULT = 8;
const EPHEMERAL = 64;
const MANAGE_GUILD = "32";
const ZWSP = "\u200b";

/** Someone in the fake guild. */
interface Someone {
  readonly user: { readonly id: string; readonly username: string; readonly global_name: string };
  readonly member: { readonly roles: readonly string[]; readonly permissions?: string };
}

/** Can manage the server. */
const MANAGER: Someone = { user: { id: "700000000000000103", username: "mona", global_name: "Mona" }, member: { roles: [], permissions: MANAGE_GUILD } };
/** A member without special permissions. */
const ALICE: Someone = { user: { id: "700000000000000100", username: "alice", global_name: "Alice" }, member: { roles: ["800000000000000101"] } };

const EU_STABLECOINS = "New regulation articles about European Union mentioning stablecoins will be posted in this channel.";
const SEE_ALSO = "\n`/subscriptions` lists this channel's subscriptions; `/unsubscribe` stops one.";
const REFUSAL = "Only members who can manage this server can change this channel's subscriptions.";

interface Harness {
  readonly fake: FakeDiscord;
  readonly core: Core;
  /** One dispatch round with the Discord sender; resolves with its report and the channel messages it posted. */
  round(): Promise<{ report: DispatchReport; posted: Array<{ channel: string; body: Payload }> }>;
}

/**
 * A real core over a temp SQLite store (its clock at {@link ALERT_NOW}) and the client started the way `regbot
 * start` starts it, against a fresh fake Discord; alerts go out through a REST client of their own (no retries of
 * 5xx, 429s rejected rather than waited out, so a test sees what the sender does with them).
 */
async function startBot(): Promise<Harness> {
  const core = createCore({ store: openTempStore(), now: () => ALERT_NOW });
  const fake = await startFakeDiscord();
  onTestFinished(() => fake.close());
  const runner = await startDiscord(fake.token, { core, logger: silentLogger, apiRoot: fake.apiRoot });
  onTestFinished(() => runner.stop());
  const rest = new REST({ api: fake.apiRoot, retries: 0, rejectOnRateLimit: () => true }).setToken(fake.token);
  const send = createDiscordAlertSender(rest);
  const round = async () => {
    const before = fake.requests.length;
    const report = await dispatchAlerts({ subscriptions: core.subscriptions, getArticle: articleReader(core), senders: { discord: send } });
    const posted = fake.requests
      .slice(before)
      .flatMap((r) => {
        const m = /^\/channels\/(\d+)\/messages$/.exec(r.path);
        return r.method === "POST" && m ? [{ channel: m[1]!, body: r.body as Payload }] : [];
      });
    return { report, posted };
  };
  return { fake, core, round };
}

/** What a dispatched interaction is known by. */
interface Sent {
  readonly id: string;
  readonly token: string;
}

/** `/name` used by `caller` (default: the manager), with string options. */
function slash(name: string, options: Record<string, string> = {}, caller: Someone = MANAGER, extra: InteractionExtra = {}): Sent {
  return payloads.slashCommand(
    name,
    Object.entries(options).map(([key, value]) => ({ name: key, type: 3, value })),
    { user: { ...caller.user }, member: { ...caller.member, roles: [...caller.member.roles] }, ...extra },
  ) as Sent;
}

/** Dispatches an interaction and resolves with the body of its callback (the answer Discord gets). */
async function interact(fake: FakeDiscord, ix: Sent): Promise<Payload> {
  fake.dispatch("INTERACTION_CREATE", ix);
  const [callback] = await fake.waitForRequest({ method: "POST", path: `/interactions/${ix.id}/${ix.token}/callback` });
  return callback!.body;
}

/** Expects a public answer with exactly `content`, pinging no one. */
function expectPublic(callback: Payload, content: string): void {
  expect(callback.type).toBe(CHANNEL_MESSAGE);
  expect(callback.data.content).toBe(content);
  expect((callback.data.flags ?? 0) & EPHEMERAL, "public").toBe(0);
  expect(callback.data.allowed_mentions.parse).toEqual([]);
}

/** Expects a private (ephemeral) answer with exactly `content`, pinging no one. */
function expectPrivate(callback: Payload, content: string): void {
  expect(callback.type).toBe(CHANNEL_MESSAGE);
  expect(callback.data.content).toBe(content);
  expect(callback.data.flags & EPHEMERAL, "ephemeral").toBe(EPHEMERAL);
  expect(callback.data.allowed_mentions.parse).toEqual([]);
}

const subsOf = (core: Core, channel: string) => core.subscriptions.list("discord", channel);

// ------------------------------------------------------------------------------------------------------ commands

describe("/subscribe", () => {
  it("subscribes the channel for a member who can manage the server, and says what will be posted", async () => {
    const { fake, core } = await startBot();
    // Spacing collapsed, case kept: the confirmation names the words as typed.
    expectPublic(await interact(fake, slash("subscribe", { topic: "EU  Stablecoins" })), "New regulation articles about European Union mentioning Stablecoins will be posted in this channel." + SEE_ALSO);
    expect(subsOf(core, GENERAL)).toMatchObject([{ query: "EU Stablecoins", createdBy: MANAGER.user.id, threadId: null }]);
    expectPublic(await interact(fake, slash("subscribe", {}, MANAGER, { channelId: NEWS })), "All new regulation articles will be posted in this channel." + SEE_ALSO);
    expect(subsOf(core, NEWS).map((s) => s.query)).toEqual([""]);
  });

  it("says so when the channel is already subscribed", async () => {
    const { fake, core } = await startBot();
    await interact(fake, slash("subscribe", { topic: "EU stablecoins" }));
    expectPublic(await interact(fake, slash("subscribe", { topic: "eu stablecoins" })), `Already subscribed. ${EU_STABLECOINS}`);
    expect(subsOf(core, GENERAL).map((s) => s.query)).toEqual(["EU stablecoins"]);
  });

  it("is refused, privately, to a member who cannot manage the server (whatever the command's default permission)", async () => {
    const { fake, core } = await startBot();
    expectPrivate(await interact(fake, slash("subscribe", { topic: "hong kong" }, ALICE)), REFUSAL);
    expect(subsOf(core, GENERAL)).toEqual([]);
  });

  it("is refused in a direct message", async () => {
    const { fake, core } = await startBot();
    const ix = payloads.slashCommand("subscribe", [], { guildId: null, user: { ...MANAGER.user } }) as Sent;
    expectPrivate(await interact(fake, ix), "Subscriptions post new articles in server channels: use this command in a channel of your server.");
    expect(core.subscriptions.active()).toEqual([]);
  });

  it("passes on the store's refusal of an over-long subscription, privately", async () => {
    const { fake, core } = await startBot();
    const callback = await interact(fake, slash("subscribe", { topic: "stablecoin ".repeat(12) }));
    expect(callback.data.content).toMatch(/^That subscription is \d+ characters long; use at most 100/);
    expect(callback.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(subsOf(core, GENERAL)).toEqual([]);
  });
});

describe("/subscriptions", () => {
  it("lists the channel's subscriptions privately, numbered, a paused one with its reason", async () => {
    const { fake, core } = await startBot();
    expectPrivate(await interact(fake, slash("subscriptions", {}, ALICE)), "This channel has no subscriptions. `/subscribe` posts all new regulation articles here; `/subscribe topic: EU stablecoins` only some.");
    await interact(fake, slash("subscribe", { topic: "EU stablecoins" }));
    await interact(fake, slash("subscribe"));
    core.subscriptions.pauseChat("discord", GENERAL, "Discord said “Missing Permissions” (50013)");
    const callback = await interact(fake, slash("subscriptions", {}, ALICE));
    expect(callback.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(callback.data.embeds[0].description).toBe(
      "1. **EU stablecoins**: regulation articles about European Union mentioning stablecoins\n    *paused: Discord said “Missing Permissions” (50013)*\n" +
        "2. **all regulation news**\n    *paused: Discord said “Missing Permissions” (50013)*\n\nStop one with `/unsubscribe`. A paused one resumes when you `/subscribe` to it again.",
    );
  });
});

describe("/unsubscribe", () => {
  it("autocompletes the channel's subscriptions and removes the one chosen", async () => {
    const { fake, core } = await startBot();
    await interact(fake, slash("subscribe", { topic: "EU stablecoins" }));
    await interact(fake, slash("subscribe", { topic: "hong kong" }));
    await interact(fake, slash("subscribe"));
    const suggest = (typed: string, caller = MANAGER) =>
      interact(fake, payloads.autocomplete("unsubscribe", [{ name: "which", type: 3, value: typed, focused: true }], { user: { ...caller.user }, member: { ...caller.member, roles: [...caller.member.roles] } }) as Sent);

    const all = await suggest("");
    expect(all.type).toBe(AUTOCOMPLETE_RESULT);
    expect(all.data.choices).toEqual([
      { name: "1. EU stablecoins", value: "EU stablecoins" },
      { name: "2. hong kong", value: "hong kong" },
      { name: "3. all regulation news", value: "#3" },
    ]);
    expect((await suggest("HONG")).data.choices).toEqual([{ name: "2. hong kong", value: "hong kong" }]);
    expect((await suggest("", ALICE)).data.choices).toEqual([]);

    expectPublic(await interact(fake, slash("unsubscribe", { which: "hong kong" })), "Unsubscribed: new regulation articles about Hong Kong will no longer be posted in this channel.");
    expectPublic(await interact(fake, slash("unsubscribe", { which: "#2" })), "Unsubscribed: all new regulation articles will no longer be posted in this channel.");
    expectPublic(await interact(fake, slash("unsubscribe", { which: "1" })), "Unsubscribed: new regulation articles about European Union mentioning stablecoins will no longer be posted in this channel.");
    expectPrivate(await interact(fake, slash("unsubscribe", { which: "1" })), "This channel has no subscription “1”. `/subscriptions` lists them.");
    expect(subsOf(core, GENERAL)).toEqual([]);
  });

  it("is refused to a member who cannot manage the server", async () => {
    const { fake, core } = await startBot();
    await interact(fake, slash("subscribe"));
    expectPrivate(await interact(fake, slash("unsubscribe", { which: "1" }, ALICE)), REFUSAL);
    expect(subsOf(core, GENERAL)).toHaveLength(1);
  });
});

// -------------------------------------------------------------------------------------------------------- alerts

describe("dispatching alerts with createDiscordAlertSender", () => {
  it("posts one new article once, as an embed with its linked title, source, date and id, pinging no one", async () => {
    const { fake, core, round } = await startBot();
    await interact(fake, slash("subscribe", { topic: "EU stablecoins" }));
    const [id] = arrive(core, [HOSTILE]);

    const first = await round();
    expect(first.report).toEqual({ messages: 1, articles: 1, paused: 0, failed: 0 });
    expect(first.posted).toHaveLength(1);
    const [{ channel, body }] = first.posted as [{ channel: string; body: Payload }];
    expect(channel).toBe(GENERAL);
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.content ?? "").toBe("");
    expect(body.embeds).toHaveLength(1);
    const [embed] = body.embeds;
    expect(embed.url).toBe("https://news.example/eu/hostile");
    expect(embed.title).toContain(`@${ZWSP}everyone`);
    expect(embed.title).toContain("rules <3 </a> \\_\\*[ & <b>bold</b>");
    expect(embed.author.name).toBe("New regulation article");
    expect(embed.description).toContain("Chain <Wire> & Co, 18 Jul 2024 · European Union");
    expect(embed.description).toContain(`id \`${id}\``);
    expect(embed.footer.text).toBe("Subscription: EU stablecoins");
    expect(JSON.stringify(body.embeds)).not.toMatch(/@(everyone|here)|<@[!&]?\d+>/i);

    const second = await round();
    expect(second.report).toEqual({ messages: 0, articles: 0, paused: 0, failed: 0 });
    expect(second.posted).toEqual([]);
  });

  it("turns several new articles into one digest embed, at most ten lines and the rest counted", async () => {
    const { fake, core, round } = await startBot();
    await interact(fake, slash("subscribe"));
    arrive(core, [EU_GUIDANCE, ...euSeries(11)]);
    const { report, posted } = await round();
    expect(report).toMatchObject({ messages: 1, articles: 12 });
    expect(posted).toHaveLength(1);
    const [embed] = posted[0]!.body.embeds;
    expect(embed.title).toBe("12 new regulation articles");
    const lines = (embed.description as string).split("\n");
    expect(lines.filter((l) => l.startsWith("• "))).toHaveLength(10);
    expect(lines.at(-1)).toBe("and 2 more — `/latest`");
    expect(embed.description).toContain("[EU regulators publish MiCA stablecoin guidance](https://news.example/eu/guidance?a=1&b=2) — EU Desk, 19 Jul 2024 · European Union");
    expect(posted[0]!.body.allowed_mentions).toEqual({ parse: [] });
    expect((await round()).posted).toEqual([]);
  });

  it.each([
    { status: 403, code: 50013, message: "Missing Permissions" },
    { status: 403, code: 50001, message: "Missing Access" },
  ])("pauses a channel that answers $status $code and does not try it again", async ({ status, code, message }) => {
    const { fake, core, round } = await startBot();
    await interact(fake, slash("subscribe"));
    arrive(core, [EU_GUIDANCE]);
    fake.failNext({ method: "POST", path: `/channels/${GENERAL}/messages` }, status, { message, code });
    const first = await round();
    expect(first.report).toEqual({ messages: 0, articles: 0, paused: 1, failed: 0 });
    expect(subsOf(core, GENERAL)[0]?.pausedReason).toBe(`Discord said “${message}” (${code})`);
    arrive(core, [HOSTILE]);
    const second = await round();
    expect(second.report).toEqual({ messages: 0, articles: 0, paused: 0, failed: 0 });
    expect(second.posted).toEqual([]);

    // Subscribing again resumes it; what was dropped while paused is not posted afterwards.
    expectPublic(await interact(fake, slash("subscribe")), "Subscription resumed. All new regulation articles will be posted in this channel.");
    expect(subsOf(core, GENERAL)[0]?.pausedReason).toBeNull();
    expect((await round()).posted).toEqual([]);
  });

  it("pauses a channel that no longer exists (10003 Unknown Channel)", async () => {
    const { core, round } = await startBot();
    core.subscriptions.add({ platform: "discord", chatId: GONE, query: "", createdBy: "test" });
    arrive(core, [EU_GUIDANCE]);
    expect((await round()).report).toMatchObject({ paused: 1, messages: 0 });
    expect(subsOf(core, GONE)[0]?.pausedReason).toBe("Discord said “Unknown Channel” (10003)");
  });

  it.each([
    { status: 429, body: { message: "You are being rate limited.", retry_after: 0.05, global: false } },
    { status: 500, body: { message: "500: Internal Server Error", code: 0 } },
  ])("keeps the alert queued after a $status and posts it in the next round", async ({ status, body }) => {
    const { fake, core, round } = await startBot();
    await interact(fake, slash("subscribe"));
    arrive(core, [EU_GUIDANCE]);
    fake.failNext({ method: "POST", path: `/channels/${GENERAL}/messages` }, status, body);
    expect((await round()).report).toEqual({ messages: 0, articles: 0, paused: 0, failed: 1 });
    expect(subsOf(core, GENERAL)[0]?.pausedReason).toBeNull();
    // Past the rate limit's reset before the next round, as a dispatcher's minute between rounds would be.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const next = await round();
    expect(next.report).toMatchObject({ messages: 1, failed: 0 });
    expect(next.posted).toHaveLength(1);
  });

  it("keeps the alert queued when Discord cannot be reached", async () => {
    const core = createCore({ store: openTempStore(), now: () => ALERT_NOW });
    core.subscriptions.add({ platform: "discord", chatId: GENERAL, query: "", createdBy: "test" });
    arrive(core, [EU_GUIDANCE]);
    const fake = await startFakeDiscord();
    const apiRoot = fake.apiRoot;
    await fake.close();
    const send = createDiscordAlertSender(new REST({ api: apiRoot, retries: 0, timeout: 2000 }).setToken(fake.token));
    const report = await dispatchAlerts({ subscriptions: core.subscriptions, getArticle: articleReader(core), senders: { discord: send } });
    expect(report).toEqual({ messages: 0, articles: 0, paused: 0, failed: 1 });
    expect(core.subscriptions.pending()).toHaveLength(1);
  });
});

describe("alertEmbed", () => {
  const message = (articles: AlertMessage["articles"], more = 0): AlertMessage => ({ platform: "discord", chatId: GENERAL, threadId: null, articles, more, queries: ["x".repeat(100)] });
  const size = (e: Payload) => [e.title, e.description, e.footer?.text, e.author?.name].reduce((n: number, s) => n + String(s ?? "").length, 0);

  it("keeps a digest of long, markdown-heavy titles and long links within Discord's limits, counting what it leaves out", () => {
    const articles = Array.from({ length: 10 }, (_, i) => fullArticle({ id: `00000000${String(i).padStart(2, "0")}`, title: `${i} ${"*_~`|>[]".repeat(40)}`, url: `https://news.example/${"x".repeat(1500)}?n=${i}`, source: "@everyone", publishedAt: "2024-07-19" }));
    const embed = alertEmbed(message(articles, 5)).toJSON() as Payload;
    expect(embed.title!.length).toBeLessThanOrEqual(256);
    expect(embed.description!.length).toBeLessThanOrEqual(4096);
    expect(size(embed)).toBeLessThanOrEqual(6000);
    const shown = (embed.description as string).split("\n").filter((l) => l.startsWith("• ")).length;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(10);
    expect(embed.description).toContain(`and ${15 - shown} more`);
    expect(embed.description).not.toMatch(/@everyone/);
  });

  it("keeps one article's long title within 256 characters and links only http(s) URLs", () => {
    const embed = alertEmbed(message([fullArticle({ title: "_*".repeat(300), url: "javascript:alert(1)" })])).toJSON() as Payload;
    expect(embed.title!.length).toBeLessThanOrEqual(256);
    expect(embed.url).toBeUndefined();
    expect(size(embed)).toBeLessThanOrEqual(6000);
  });
});
