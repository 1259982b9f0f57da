import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { startDiscord } from "../../../adapters/discord/run.js";
import { createCore, type Core } from "../../../src/core.js";
import { silentLogger, type Logger } from "../../../src/logger.js";
import { DEFAULT_POLICY, type Place } from "../../../src/moderation/ledger.js";
import { payloads, startFakeDiscord, type FakeDiscord } from "../../fakes/discord-server.js";
import { openTempStore, tempDir } from "../../fakes/temp-store.js";

/** A recorded request body (or the message inside an interaction callback). */
type Payload = Record<string, any>;
type InteractionExtra = NonNullable<Parameters<typeof payloads.slashCommand>[2]>;

// The fake's fixed identities.
const GUILD = "800000000000000001";
const GENERAL = "800000000000000010";
const NEWS = "800000000000000011";
const OWNER_ID = "700000000000000001";
const BOT_ID = "900000000000000002";
const APPLICATION_ID = "900000000000000001";
/** The fake guild's roles, by position (see test/fakes/discord-server.ts): the bot's "regbot" role is 2. */
const ROLE = {
  member: "800000000000000101",
  bot: "800000000000000102",
  moderator: "800000000000000103",
  veteran: "800000000000000104",
  headModerator: "800000000000000105",
  admin: "800000000000000106",
} as const;

// Discord's numbers.
const CHANNEL_MESSAGE = 4;
const EPHEMERAL = 64;
const MODERATE_MEMBERS = String(1n << 40n); // "1099511627776"
const MANAGE_GUILD = "32";
const ZWSP = "\u200b";
const DAY_MS = 86_400_000;

const PLACE: Place = { platform: "discord", chatId: GUILD };

/** Someone in the fake guild: their user, and their member fields (`null` outside the guild). */
interface Someone {
  readonly user: { readonly id: string; readonly username: string; readonly global_name: string | null; readonly bot?: boolean };
  readonly member: { readonly roles: readonly string[]; readonly nick?: string; readonly permissions?: string } | null;
}

const someone = (id: string, username: string, globalName: string | null, member: Someone["member"], bot = false): Someone => ({
  user: { id, username, global_name: globalName, ...(bot ? { bot } : {}) },
  member,
});

// Callers. A member's permissions are what their roles give unless stated.
const MODERATOR = someone("700000000000000101", "mia", "Mia", { roles: [ROLE.moderator], permissions: MODERATE_MEMBERS });
const HEAD_MODERATOR = someone("700000000000000102", "hank", "Hank", { roles: [ROLE.headModerator] });
const MANAGER = someone("700000000000000103", "mona", "Mona", { roles: [], permissions: MANAGE_GUILD });
const ALICE = someone("700000000000000100", "alice", "Alice", { roles: [ROLE.member] });
// Targets.
const BOB = someone("700000000000000110", "bob", "Bob", { roles: [ROLE.member] });
const VERA = someone("700000000000000111", "vera", "Vera", { roles: [ROLE.veteran] });
const ADA = someone("700000000000000112", "ada", "Ada", { roles: [ROLE.admin] });
const OTTO = someone("700000000000000113", "otto", "Otto", { roles: [ROLE.moderator] });
const OWNER = someone(OWNER_ID, "olga", "Olga", { roles: [] });
const REGBOT = someone(BOT_ID, "regbot", null, { roles: [ROLE.bot] }, true);
const HELPER_BOT = someone("900000000000000099", "helper", null, { roles: [ROLE.member] }, true);

// ---------------------------------------------------------------------------------------------------- harness

interface Harness {
  readonly fake: FakeDiscord;
  readonly core: Core;
  /** What the client logged at error level (a failing handler). */
  readonly errors: Array<{ obj: object; msg?: string | undefined }>;
  readonly runner: Awaited<ReturnType<typeof startDiscord>>;
}

/**
 * A real core over a temp SQLite store and the client started the way `regbot start` starts it, against a fresh
 * fake Discord. When the test finishes the client is destroyed before the fake closes.
 */
async function startBot(): Promise<Harness> {
  const store = openTempStore(path.join(tempDir(), "regbot.db"));
  const core = createCore({ store });
  const errors: Harness["errors"] = [];
  const logger: Logger = { ...silentLogger, error: (obj, msg) => void errors.push({ obj, msg }) };
  const fake = await startFakeDiscord();
  onTestFinished(() => fake.close());
  const runner = await startDiscord(fake.token, { core, logger, apiRoot: fake.apiRoot });
  // onTestFinished runs its callbacks last-registered first: the client is destroyed, then the fake closes.
  onTestFinished(() => runner.stop());
  return { fake, core, errors, runner };
}

/** What a dispatched interaction is known by. */
interface Sent {
  readonly id: string;
  readonly token: string;
}

/** `/name` used by `caller`: strings are STRING options, numbers INTEGER options, and people USER options (resolved). */
function slash(name: string, caller: Someone, options: Record<string, string | number | Someone> = {}, extra: InteractionExtra = {}): Sent {
  const option = (key: string, v: string | number | Someone) =>
    typeof v === "string" ? { name: key, type: 3, value: v } : typeof v === "number" ? { name: key, type: 4, value: v } : { name: key, type: 6, value: v.user.id };
  const memberOf = (s: Someone) => (s.member ? { ...s.member, roles: [...s.member.roles] } : null);
  const people = Object.values(options).filter((v): v is Someone => typeof v === "object");
  const callerMember = memberOf(caller);
  return payloads.slashCommand(name, Object.entries(options).map(([key, v]) => option(key, v)), {
    user: { ...caller.user },
    ...(callerMember ? { member: callerMember } : {}),
    resolved: people.map((p) => ({ user: { ...p.user }, member: memberOf(p) })),
    ...extra,
  }) as Sent;
}

const DEFERRED = 5;

/** Dispatches an interaction and resolves with the body of its callback (the answer Discord gets). */
async function interact(fake: FakeDiscord, ix: Sent): Promise<Payload> {
  fake.dispatch("INTERACTION_CREATE", ix);
  const [callback] = await fake.waitForRequest({ method: "POST", path: `/interactions/${ix.id}/${ix.token}/callback` });
  return callback!.body;
}

/** `/warn user [reason]` by `caller`; resolves with the message answered. */
async function warn(fake: FakeDiscord, caller: Someone, target: Someone, reason?: string): Promise<Payload> {
  const ix = slash("warn", caller, { user: target, ...(reason ? { reason } : {}) });
  const callback = await interact(fake, ix);
  // Deferred first (acting at the limit calls Discord), then the original reply is edited into the warning.
  expect(callback.type).toBe(DEFERRED);
  const [edit] = await fake.waitForRequest({ method: "PATCH", path: `/webhooks/${fake.applicationId}/${ix.token}/messages/@original` });
  return edit!.body;
}

/** Resolves with the content of a private (ephemeral) answer to `ix`. */
async function privateAnswer(fake: FakeDiscord, ix: Sent): Promise<string> {
  const callback = await interact(fake, ix);
  expect(callback.type).toBe(CHANNEL_MESSAGE);
  expect(callback.data.flags & EPHEMERAL, "ephemeral").toBe(EPHEMERAL);
  return callback.data.content;
}

/** Changes one warn setting as a member who can manage the server, expecting it saved. */
async function configure(fake: FakeDiscord, setting: string, value: string): Promise<string> {
  const content = await privateAnswer(fake, slash("warnconfig", MANAGER, { setting, value }));
  expect(content).toMatch(/^Saved\.\n/);
  return content;
}

const memberPath = (s: Someone) => `/guilds/${GUILD}/members/${s.user.id}`;
const banPath = (s: Someone) => `/guilds/${GUILD}/bans/${s.user.id}`;
/** A message sent to a channel other than the guild's two: a direct message. */
const DM_MESSAGE = { method: "POST", path: new RegExp(`^/channels/(?!${GENERAL}/|${NEWS}/)\\d+/messages$`) };
const OPEN_DM = { method: "POST", path: "/users/@me/channels" };

/** Timeouts, kicks and bans asked of Discord so far. */
const platformCalls = (fake: FakeDiscord) => fake.requests.filter((r) => r.path.startsWith(`/guilds/${GUILD}/`) && r.method !== "GET").map((r) => `${r.method} ${r.path}`);
const routes = (fake: FakeDiscord) => fake.requests.map((r) => `${r.method} ${r.path}`);
const indexOf = (fake: FakeDiscord, match: { method: string; path: string | RegExp }) =>
  fake.requests.findIndex((r) => r.method === match.method && (typeof match.path === "string" ? r.path === match.path : match.path.test(r.path)));

/** Waits a moment for stray requests (only where no later request can prove silence). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 150));


// ------------------------------------------------------------------------------------------------------ /warn

describe("/warn", () => {
  it("warns a member in public, naming them, the moderator, the reason and the count, and pings only them", async () => {
    const { fake, core } = await startBot();
    const reply = await warn(fake, MODERATOR, BOB, "spamming links");

    expect(reply.content).toBe(`⚠️ <@${BOB.user.id}> (**Bob**) has been warned by **Mia** (1/3).\nReason: spamming links`);
    expect(reply.flags ?? 0).toBe(0);
    expect(reply.allowed_mentions).toEqual({ parse: [], users: [BOB.user.id], roles: [], replied_user: false });
    expect(core.moderation.ledger.active(PLACE, BOB.user.id)).toEqual([
      expect.objectContaining({ userId: BOB.user.id, userName: "Bob", moderatorId: MODERATOR.user.id, moderatorName: "Mia", reason: "spamming links" }),
    ]);
    expect((await warn(fake, MODERATOR, BOB)).content).toBe(`⚠️ <@${BOB.user.id}> (**Bob**) has been warned by **Mia** (2/3).`);
    expect(platformCalls(fake)).toEqual([]);
  });

  it("tells the member in a direct message, which pings no one", async () => {
    const { fake, errors } = await startBot();
    await warn(fake, MODERATOR, BOB, "spamming links");

    const [open] = await fake.waitForRequest(OPEN_DM);
    expect(open!.body).toEqual({ recipient_id: BOB.user.id });
    const [dm] = await fake.waitForRequest(DM_MESSAGE);
    expect(dm!.body.content).toBe("You were warned in **Crypto Club** (1/3). Reason: spamming links");
    expect(dm!.body.allowed_mentions).toEqual({ parse: [], users: [], roles: [], replied_user: false });
    expect(indexOf(fake, OPEN_DM)).toBeLessThan(indexOf(fake, DM_MESSAGE));
    expect(errors).toEqual([]);
  });

  it("still warns a member who does not accept direct messages, and nothing fails", async () => {
    const { fake, core, errors } = await startBot();
    fake.failNext(DM_MESSAGE, 403, { message: "Cannot send messages to this user", code: 50007 });
    const reply = await warn(fake, MODERATOR, BOB, "spamming links");
    expect(reply.content).toContain("has been warned by **Mia** (1/3)");

    await fake.waitForRequest(DM_MESSAGE);
    await settle();
    expect(errors).toEqual([]);
    // No "Something went wrong" follow-up: the one answer is the public warning (the deferred reply, edited).
    const webhooks = routes(fake).filter((r) => r.includes(`/webhooks/${APPLICATION_ID}/`));
    expect(webhooks).toHaveLength(1);
    expect(webhooks[0]).toMatch(/^PATCH .*\/messages\/@original$/);
    expect(core.moderation.ledger.active(PLACE, BOB.user.id)).toHaveLength(1);
    expect((await warn(fake, MODERATOR, BOB)).content).toContain("(2/3)");
  });
});

describe("/warn refuses, privately and recording nothing", () => {
  const cases: Array<[string, Someone, Someone, InteractionExtra, string]> = [
    ["a member without Moderate Members", ALICE, BOB, {}, "Only members who can time out members can do that."],
    ["a moderator warning themselves", MODERATOR, MODERATOR, {}, "You cannot warn yourself."],
    ["a warning for the bot itself", MODERATOR, REGBOT, {}, "I will not warn myself."],
    ["a warning for another bot", MODERATOR, HELPER_BOT, {}, "Bots cannot be warned."],
    ["a warning for the server owner", MODERATOR, OWNER, {}, "The server owner cannot be warned."],
    ["a warning for an administrator", MODERATOR, ADA, {}, "Ada is an administrator and cannot be warned."],
    ["a moderator whose highest role equals the member's", MODERATOR, OTTO, {}, "Your highest role must be above the member's to warn them."],
    ["a moderator whose highest role is below the member's", MODERATOR, VERA, {}, "Your highest role must be above the member's to warn them."],
    ["/warn in a direct message", MODERATOR, BOB, { guildId: null }, "Moderation commands work in servers, not in direct messages."],
  ];

  it.each(cases)("%s", async (_, caller, target, extra, refusal) => {
    const { fake, core } = await startBot();
    const ix = slash("warn", caller, { user: target, reason: "because" }, extra);
    expect(await privateAnswer(fake, ix)).toBe(refusal);

    expect(core.moderation.ledger.active(PLACE, target.user.id)).toEqual([]);
    expect(core.moderation.ledger.log(PLACE)).toEqual([]);
    // The refusal is the only request: no direct message, no timeout.
    expect(routes(fake)).toEqual([`POST /interactions/${ix.id}/${ix.token}/callback`]);
  });
});

describe("/warn by the server owner", () => {
  it("warns a member whose role outranks every moderator's (the owner outranks everyone)", async () => {
    const { fake, core } = await startBot();
    expect((await warn(fake, OWNER, VERA, "rude")).content).toBe(`⚠️ <@${VERA.user.id}> (**Vera**) has been warned by **Olga** (1/3).\nReason: rude`);
    expect(core.moderation.ledger.active(PLACE, VERA.user.id)).toHaveLength(1);
  });
});

// -------------------------------------------------------------------------------------------- at the limit

describe("at the warn limit", () => {
  it("the third warning times the member out for 24 hours by default", async () => {
    const { fake, core } = await startBot();
    await warn(fake, MODERATOR, BOB, "one");
    await warn(fake, MODERATOR, BOB, "two");
    const before = Date.now();
    const reply = await warn(fake, MODERATOR, BOB, "three");
    const after = Date.now();

    expect(reply.content).toBe(`⚠️ <@${BOB.user.id}> (**Bob**) has been warned by **Mia** (3/3).\nReason: three\n**Bob** reached 3/3 warnings and was timed out for 1d.`);
    const [timeout] = await fake.waitForRequest({ method: "PATCH", path: memberPath(BOB) });
    const until = Date.parse(timeout!.body.communication_disabled_until);
    expect(until).toBeGreaterThanOrEqual(before + DAY_MS - 1000);
    expect(until).toBeLessThanOrEqual(after + DAY_MS + 1000);
    expect(decodeURIComponent(timeout!.headers["x-audit-log-reason"] ?? "")).toBe("regbot: 3/3 warnings");
    expect(platformCalls(fake)).toEqual([`PATCH ${memberPath(BOB)}`]);
    // The warnings that reached the limit are closed: counting starts again.
    expect(core.moderation.ledger.active(PLACE, BOB.user.id)).toEqual([]);
    expect(core.moderation.ledger.log(PLACE, { limit: 1 })[0]).toMatchObject({ what: "mute", detail: "for 1d", target: { id: BOB.user.id } });
    expect((await warn(fake, MODERATOR, BOB)).content).toContain("(1/3)");
  });

  it("with the action set to kick, tells the member and then kicks them", async () => {
    const { fake } = await startBot();
    expect(await configure(fake, "action", "kick")).toContain("Action at the limit: **kick**");
    for (let i = 0; i < 2; i++) await warn(fake, MODERATOR, BOB);
    const reply = await warn(fake, MODERATOR, BOB, "three");

    expect(reply.content).toContain("**Bob** reached 3/3 warnings and was kicked.");
    await fake.waitForRequest({ method: "DELETE", path: memberPath(BOB) });
    expect(platformCalls(fake)).toEqual([`DELETE ${memberPath(BOB)}`]);
    // A kicked member shares no server with the bot any more: the direct message must go out before the kick.
    const dms = await fake.waitForRequest(DM_MESSAGE, 3);
    expect(dms[2]!.body.content).toBe("You were warned in **Crypto Club** (3/3). Reason: three");
    expect(fake.requests.indexOf(dms[2]!)).toBeLessThan(indexOf(fake, { method: "DELETE", path: memberPath(BOB) }));
  });

  it("with the action set to ban, tells the member and then bans them", async () => {
    const { fake } = await startBot();
    expect(await configure(fake, "action", "ban")).toContain("Action at the limit: **ban**");
    for (let i = 0; i < 2; i++) await warn(fake, MODERATOR, BOB);
    const reply = await warn(fake, MODERATOR, BOB);

    expect(reply.content).toContain("**Bob** reached 3/3 warnings and was banned.");
    const [ban] = await fake.waitForRequest({ method: "PUT", path: banPath(BOB) });
    expect(platformCalls(fake)).toEqual([`PUT ${banPath(BOB)}`]);
    const dms = await fake.waitForRequest(DM_MESSAGE, 3);
    expect(fake.requests.indexOf(dms[2]!)).toBeLessThan(fake.requests.indexOf(ban!));
  });

  it("when Discord refuses, says so quoting Discord, and the warnings still count", async () => {
    const { fake, core } = await startBot();
    fake.failNext({ method: "PATCH", path: memberPath(BOB) }, 403, { message: "Missing Permissions", code: 50013 });
    for (let i = 0; i < 2; i++) await warn(fake, MODERATOR, BOB);
    const reply = await warn(fake, MODERATOR, BOB);

    expect(reply.content).toContain("(3/3)");
    expect(reply.content).toContain("I could not mute **Bob**: Discord said “Missing Permissions”. The warning stays recorded.");
    expect(core.moderation.ledger.active(PLACE, BOB.user.id)).toHaveLength(3);
    expect(core.moderation.ledger.log(PLACE, { limit: 1 })[0]).toMatchObject({ what: "mute failed", detail: "Missing Permissions" });

    // The member is still at the limit: the next warning tries again.
    const again = await warn(fake, MODERATOR, BOB);
    expect(again.content).toContain("**Bob** reached 4/3 warnings and was timed out for 1d.");
    expect(platformCalls(fake)).toEqual([`PATCH ${memberPath(BOB)}`, `PATCH ${memberPath(BOB)}`]);
  });

  it("does not ask Discord to act on a member the bot does not outrank, and says why", async () => {
    const { fake, core } = await startBot();
    expect(await privateAnswer(fake, slash("warnconfig", HEAD_MODERATOR, { setting: "limit", value: "1" }))).toContain("Warn limit: **1**");
    const reply = await warn(fake, HEAD_MODERATOR, VERA, "rude");

    expect(reply.content).toBe(
      `⚠️ <@${VERA.user.id}> (**Vera**) has been warned by **Hank** (1/1).\nReason: rude\nI could not mute **Vera**: my highest role must be above theirs. The warning stays recorded.`,
    );
    await fake.waitForRequest(DM_MESSAGE);
    expect(platformCalls(fake)).toEqual([]);
    expect(core.moderation.ledger.active(PLACE, VERA.user.id)).toHaveLength(1);
  });
});

// ------------------------------------------------------------------------------------- the other commands

describe("/warns", () => {
  it("shows a member their own warnings, privately", async () => {
    const { fake } = await startBot();
    expect(await privateAnswer(fake, slash("warns", ALICE))).toBe("**Alice** has no active warnings.");
    await warn(fake, MODERATOR, ALICE, "off topic");
    expect(await privateAnswer(fake, slash("warns", ALICE))).toMatch(/^\*\*Alice\*\* has 1\/3 warnings:\n#1 · \d{4}-\d{2}-\d{2} · off topic \(by Mia\)$/);
  });

  it("refuses to show a member another member's warnings", async () => {
    const { fake } = await startBot();
    await warn(fake, MODERATOR, BOB, "spam");
    expect(await privateAnswer(fake, slash("warns", ALICE, { user: BOB }))).toBe("Members can see their own warnings; only moderators can see other members'.");
  });

  it("shows a moderator anyone's warnings", async () => {
    const { fake } = await startBot();
    await warn(fake, MODERATOR, BOB, "spam");
    await warn(fake, MODERATOR, BOB);
    expect(await privateAnswer(fake, slash("warns", MODERATOR, { user: BOB }))).toMatch(/^\*\*Bob\*\* has 2\/3 warnings:\n#1 · [\d-]{10} · spam \(by Mia\)\n#2 · [\d-]{10} · no reason given \(by Mia\)$/);
    expect(await privateAnswer(fake, slash("warns", MODERATOR, { user: ALICE }))).toBe("**Alice** has no active warnings.");
  });
});

describe("/unwarn", () => {
  it("removes the latest warning, or the one given by id, and says when there is none", async () => {
    const { fake, core } = await startBot();
    for (const reason of ["one", "two"]) await warn(fake, MODERATOR, BOB, reason);
    await warn(fake, MODERATOR, ALICE);
    expect(core.moderation.ledger.active(PLACE, BOB.user.id).map((w) => w.id)).toEqual([1, 2]);

    const latest = await interact(fake, slash("unwarn", MODERATOR, { user: BOB }));
    expect(latest.data.content).toBe("Warning #2 of **Bob** removed.");
    // Warning #3 is Alice's, not Bob's.
    const notBobs = await interact(fake, slash("unwarn", MODERATOR, { user: BOB, id: 3 }));
    expect(notBobs.data.content).toBe("**Bob** has no such active warning.");
    const byId = await interact(fake, slash("unwarn", MODERATOR, { user: BOB, id: 1 }));
    expect(byId.data.content).toBe("Warning #1 of **Bob** removed.");
    expect(core.moderation.ledger.active(PLACE, BOB.user.id)).toEqual([]);
    const none = await interact(fake, slash("unwarn", MODERATOR, { user: BOB }));
    expect(none.data.content).toBe("**Bob** has no such active warning.");
    expect(none.data.allowed_mentions.parse).toEqual([]);
  });

  it("refuses a member without Moderate Members", async () => {
    const { fake, core } = await startBot();
    await warn(fake, MODERATOR, BOB);
    expect(await privateAnswer(fake, slash("unwarn", ALICE, { user: BOB }))).toBe("Only members who can time out members can do that.");
    expect(core.moderation.ledger.active(PLACE, BOB.user.id)).toHaveLength(1);
  });
});

describe("/resetwarns", () => {
  it("clears a member's warnings, so counting starts again", async () => {
    const { fake, core } = await startBot();
    await warn(fake, MODERATOR, BOB);
    await warn(fake, MODERATOR, BOB);
    expect((await interact(fake, slash("resetwarns", MODERATOR, { user: BOB }))).data.content).toBe("Cleared 2 warnings of **Bob**.");
    expect(core.moderation.ledger.active(PLACE, BOB.user.id)).toEqual([]);
    expect((await interact(fake, slash("resetwarns", MODERATOR, { user: BOB }))).data.content).toBe("Cleared 0 warnings of **Bob**.");
    expect((await warn(fake, MODERATOR, BOB)).content).toContain("(1/3)");
    expect(await privateAnswer(fake, slash("resetwarns", ALICE, { user: BOB }))).toBe("Only members who can time out members can do that.");
    expect(core.moderation.ledger.active(PLACE, BOB.user.id)).toHaveLength(1);
  });
});

describe("/warnconfig", () => {
  const DEFAULTS = "Warn limit: **3**\nAction at the limit: **mute for 1d**\nWarnings expire: **never**\nLog channel: **off**\nTell the warned member by DM: **on**";

  it("shows the server's settings to anyone, privately", async () => {
    const { fake } = await startBot();
    expect(await privateAnswer(fake, slash("warnconfig", ALICE))).toBe(DEFAULTS);
  });

  it("refuses changes from a member who cannot manage the server", async () => {
    const { fake, core } = await startBot();
    expect(await privateAnswer(fake, slash("warnconfig", MODERATOR, { setting: "limit", value: "2" }))).toBe("Only members who can manage this server can change the warn settings.");
    expect(core.moderation.ledger.policy(PLACE)).toEqual(DEFAULT_POLICY);
  });

  it("with limit 2, acts at the second warning", async () => {
    const { fake } = await startBot();
    expect(await configure(fake, "limit", "2")).toBe(`Saved.\n${DEFAULTS.replace("**3**", "**2**")}`);
    expect((await warn(fake, MODERATOR, BOB)).content).toContain("(1/2)");
    expect((await warn(fake, MODERATOR, BOB)).content).toContain("**Bob** reached 2/2 warnings and was timed out for 1d.");
    await fake.waitForRequest({ method: "PATCH", path: memberPath(BOB) });
  });

  it("saves a mute length and an expiry, and mutes for that length", async () => {
    const { fake } = await startBot();
    await configure(fake, "action", "mute 12h");
    await configure(fake, "limit", "1");
    expect(await configure(fake, "expiry", "30d")).toBe("Saved.\nWarn limit: **1**\nAction at the limit: **mute for 12h**\nWarnings expire: **after 30d**\nLog channel: **off**\nTell the warned member by DM: **on**");
    const before = Date.now();
    expect((await warn(fake, MODERATOR, BOB)).content).toContain("was timed out for 12h.");
    const [timeout] = await fake.waitForRequest({ method: "PATCH", path: memberPath(BOB) });
    expect(Date.parse(timeout!.body.communication_disabled_until) - before).toBeGreaterThan(12 * 3600_000 - 1000);
    expect(Date.parse(timeout!.body.communication_disabled_until) - before).toBeLessThan(12 * 3600_000 + 5000);
  });

  it.each([
    ["limit", "0", "The warn limit must be a whole number from 1 to 20."],
    ["limit", "21", "The warn limit must be a whole number from 1 to 20."],
    ["limit", "lots", "The warn limit must be a whole number from 1 to 20."],
    ["action", "shout", "The action is mute (with a duration like 24h), kick, or ban."],
    ["action", "mute 60d", "A mute lasts from 1 minute to 28 days (e.g. 30m, 12h, 7d): the longest both Telegram and Discord honour."],
    ["action", "mute soon", "“soon” is not a duration: use minutes, hours or days, like 30m, 12h or 7d."],
    ["dm", "maybe", "dm is on or off."],
    ["expiry", "0m", "Warnings can expire after 1 minute at the soonest (e.g. 30d), or never (off)."],
    ["log", "123456789012345678", "<#123456789012345678> is not a text channel of this server: give the id of one of its channels, or off."],
    ["log", "@everyone", `“@${ZWSP}everyone” is not a text channel of this server: give the id of one of its channels, or off.`],
  ])("answers %s %s with what is wrong, and changes nothing", async (setting, value, message) => {
    const { fake, core } = await startBot();
    expect(await privateAnswer(fake, slash("warnconfig", MANAGER, { setting, value }))).toBe(message);
    expect(core.moderation.ledger.policy(PLACE)).toEqual(DEFAULT_POLICY);
    expect(core.moderation.ledger.log(PLACE)).toEqual([]);
  });

  it("with dm off, does not message the warned member", async () => {
    const { fake } = await startBot();
    await configure(fake, "dm", "off");
    await warn(fake, MODERATOR, BOB, "spam");
    await settle();
    expect(routes(fake).filter((r) => r === "POST /users/@me/channels")).toEqual([]);
  });

  it("bans for the set time and lifts the ban when due, also after a restart", async () => {
    const { fake, core, runner } = await startBot();
    await configure(fake, "limit", "1");
    await configure(fake, "action", "ban 1m");
    expect((await warn(fake, MODERATOR, BOB)).content).toContain("was banned for 1m.");
    expect(routes(fake)).toContain(`PUT ${banPath(BOB)}`);
    // The ban falls due while the bot is down; the next start lifts it.
    core.moderation.ledger.scheduleUnban(PLACE, BOB.user.id, new Date(Date.now() - 1000));
    await runner.stop();
    const again = await startDiscord(fake.token, { core, logger: silentLogger, apiRoot: fake.apiRoot });
    onTestFinished(() => again.stop());
    await fake.waitForRequest({ method: "DELETE", path: banPath(BOB) });
    await settle();
    expect(core.moderation.ledger.dueUnbans("discord", new Date())).toEqual([]);
  });

  it("with a log channel, posts each warning there without pings, until the log is turned off", async () => {
    const { fake } = await startBot();
    expect(await configure(fake, "log", NEWS)).toContain(`Log channel: <#${NEWS}>`);
    const reply = await warn(fake, MODERATOR, BOB, "spam");

    const [logged] = await fake.waitForRequest({ method: "POST", path: `/channels/${NEWS}/messages` });
    expect(logged!.body.content).toBe(reply.content);
    expect(logged!.body.allowed_mentions).toEqual({ parse: [], users: [], roles: [], replied_user: false });

    expect(await configure(fake, "log", "off")).toContain("Log channel: **off**");
    await warn(fake, MODERATOR, BOB);
    await fake.waitForRequest(DM_MESSAGE, 2);
    await settle();
    expect(fake.requests.filter((r) => r.path === `/channels/${NEWS}/messages`)).toHaveLength(1);
  });
});

describe("/modlog", () => {
  it("lists the server's moderation, newest first, optionally about one member, to moderators only", async () => {
    const { fake } = await startBot();
    expect(await privateAnswer(fake, slash("modlog", MODERATOR))).toBe("The moderation log is empty.");
    await warn(fake, MODERATOR, BOB, "spam");
    await warn(fake, MODERATOR, ALICE, "off topic");
    await interact(fake, slash("unwarn", MODERATOR, { user: BOB }));
    await configure(fake, "limit", "5");

    const lines = (await privateAnswer(fake, slash("modlog", MODERATOR))).split("\n");
    const stamp = String.raw`\d{4}-\d{2}-\d{2} \d{2}:\d{2}`;
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(new RegExp(`^${stamp} · Mona: warnconfig — .*limit.*5`));
    expect(lines[1]).toMatch(new RegExp(`^${stamp} · Mia: unwarn \\*\\*Bob\\*\\* — #1$`));
    expect(lines[2]).toMatch(new RegExp(`^${stamp} · Mia: warn \\*\\*Alice\\*\\* — off topic$`));
    expect(lines[3]).toMatch(new RegExp(`^${stamp} · Mia: warn \\*\\*Bob\\*\\* — spam$`));

    const aboutBob = (await privateAnswer(fake, slash("modlog", MODERATOR, { user: BOB }))).split("\n");
    expect(aboutBob).toEqual([lines[1], lines[3]]);
    expect(await privateAnswer(fake, slash("modlog", ALICE))).toBe("Only members who can time out members can do that.");
  });
});

// ------------------------------------------------------------------------------------------------ escaping

describe("escaping", () => {
  it("shows a hostile display name and reason as text that cannot ping", async () => {
    const { fake } = await startBot();
    const boss = someone("700000000000000120", "boss", "Boss", { roles: [ROLE.member], nick: "**Boss** @everyone" });
    const reply = await warn(fake, MODERATOR, boss, "said @here <@&800000000000000103> **loudly**");

    const name = `**\\*\\*Boss\\*\\* @${ZWSP}everyone**`;
    expect(reply.content).toBe(`⚠️ <@${boss.user.id}> (${name}) has been warned by **Mia** (1/3).\nReason: said @${ZWSP}here <${ZWSP}@&800000000000000103> \\*\\*loudly\\*\\*`);
    expect(reply.content).not.toMatch(/@(everyone|here)/);
    expect(reply.allowed_mentions).toEqual({ parse: [], users: [boss.user.id], roles: [], replied_user: false });

    const [dm] = await fake.waitForRequest(DM_MESSAGE);
    expect(dm!.body.content).not.toMatch(/@(everyone|here)|<@&\d+>/);
    expect(dm!.body.allowed_mentions.parse).toEqual([]);
    const listed = await privateAnswer(fake, slash("warns", MODERATOR, { user: boss }));
    expect(listed.split("\n")[0]).toBe(`${name} has 1/3 warnings:`);
    expect(listed).toContain(`said @${ZWSP}here`);
    expect(listed).not.toMatch(/@(everyone|here)|<@&\d+>/);
  });
});

describe("the Remove warning button", () => {
  const press = (fake: FakeDiscord, customId: string, who: Someone) => {
    const memberOf = (s: Someone) => (s.member ? { ...s.member, roles: [...s.member.roles] } : null);
    const member = memberOf(who);
    const ix = payloads.button(customId, { content: "warned" }, { user: { ...who.user }, ...(member ? { member } : {}) }) as Sent;
    return privateAnswer(fake, ix);
  };

  it("is under a warning, and only a moderator's press removes it", async () => {
    const { fake, core } = await startBot();
    const reply = await warn(fake, MODERATOR, BOB, "spam");
    const button = (reply.components as Array<{ components: Array<{ custom_id: string; label: string }> }>)[0]!.components[0]!;
    expect(button.label).toBe("Remove warning");
    expect(await press(fake, button.custom_id, ALICE)).toBe("Only members who can time out members can remove warnings.");
    expect(core.moderation.ledger.active(PLACE, BOB.user.id)).toHaveLength(1);
    expect(await press(fake, button.custom_id, MODERATOR)).toMatch(/^Warning #\d+ of \*\*.+\*\* removed\.$/);
    expect(core.moderation.ledger.active(PLACE, BOB.user.id)).toEqual([]);
    expect(await press(fake, button.custom_id, MODERATOR)).toBe("That warning is no longer active.");
  });
});
