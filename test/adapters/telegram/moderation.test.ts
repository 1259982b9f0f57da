import type { Update, User } from "grammy/types";
import { describe, expect, it, onTestFinished } from "vitest";
import { startTelegram } from "../../../adapters/telegram/run.js";
import { createCore, type Core } from "../../../src/core.js";
import type { Place } from "../../../src/moderation/ledger.js";
import { silentLogger } from "../../../src/logger.js";
import { pushAndWait, replyTo, startFakeTelegram, updates, type FakeTelegram, type Payload } from "../../fakes/telegram-server.js";
import { openTempStore } from "../../fakes/temp-store.js";
import { expectBalancedTags, expectOnlyAllowedHtml } from "./html-checks.js";

/** A recorded API call's parameters. */

const GROUP = -1001234567890;
const HERE: Place = { platform: "telegram", chatId: String(GROUP) };
const DAY = 86_400;

/** The moderator: an admin who can restrict members (and the update builders' default sender). */
const ALICE = { id: 1001, is_bot: false, first_name: "Alice", username: "alice" } satisfies User;
/** The member who gets warned. */
const BOB = { id: 222222, is_bot: false, first_name: "Bob", username: "bob_spams" } satisfies User;
/** An admin who may not restrict members. */
const CAROL = { id: 333333, is_bot: false, first_name: "Carol", username: "carol_c" } satisfies User;
/** The group's creator. */
const DAVE = { id: 444444, is_bot: false, first_name: "Dave", username: "dave_d" } satisfies User;
/** Another member, never an admin. */
const FRANK = { id: 666666, is_bot: false, first_name: "Frank", username: "frank_f" } satisfies User;

interface Harness {
  readonly fake: FakeTelegram;
  readonly core: Core;
}

/**
 * A real core over a temp SQLite store and the bot started the way `regbot start` starts it, polling a fresh fake
 * Bot API server on which Alice is an admin who can restrict members, Carol an admin who cannot, and Dave the
 * creator of the group. Everything is stopped and removed when the test finishes.
 */
async function startBot(): Promise<Harness> {
  const core = createCore({ store: openTempStore() });
  const fake = await startFakeTelegram();
  onTestFinished(() => fake.close());
  // Set before the bot first asks: it trusts an admin list for a minute unless a chat_member update says otherwise.
  makeAdmins(fake, GROUP);
  const runner = await startTelegram(fake.token, { core, logger: silentLogger, apiRoot: fake.apiRoot });
  onTestFinished(() => runner.stop());
  return { fake, core };
}

function makeAdmins(fake: FakeTelegram, chatId: number): void {
  fake.setChatMember(chatId, ALICE.id, { status: "administrator", user: ALICE, can_restrict_members: true, can_delete_messages: true });
  fake.setChatMember(chatId, CAROL.id, { status: "administrator", user: CAROL, can_restrict_members: false, can_delete_messages: true });
  fake.setChatMember(chatId, DAVE.id, { status: "creator", user: DAVE, is_anonymous: false });
}


/** Pushes `update` and resolves with the text the bot answers. */
async function textOf(fake: FakeTelegram, update: Update): Promise<string> {
  return (await replyTo(fake, update)).text as string;
}

/** A message `from` writes in the group (not pushed: pass it to `fake.push` for the bot to see it). */
const says = (from: User, text: string, chatId = GROUP): Update => updates.groupText(text, { from, chatId });

/** `text` sent in the group (or `chatId`) by `from` (default Alice), in reply to `replyTo` when given. */
const command = (text: string, options: { from?: User; replyTo?: Update | object; chatId?: number } = {}): Update =>
  updates.groupText(text, {
    from: options.from ?? ALICE,
    ...(options.replyTo ? { replyTo: options.replyTo } : {}),
    ...(options.chatId !== undefined ? { chatId: options.chatId } : {}),
  });

/** The inline keyboard buttons of a sent message, in order. */
function buttons(payload: Payload): Array<{ text: string; callback_data: string }> {
  return (payload.reply_markup?.inline_keyboard ?? []).flat();
}

let botMessageId = 900_000;

/** The Message Telegram would show for what the bot sent (so a user can press its buttons). */
function sentMessage(sent: Payload): object {
  return {
    message_id: ++botMessageId,
    from: { id: 777001, is_bot: true, first_name: "Regbot", username: "regbot_test_bot" },
    chat: groupChat(),
    date: Math.floor(Date.now() / 1000),
    text: sent.text,
    ...(sent.reply_markup ? { reply_markup: sent.reply_markup } : {}),
  };
}

const groupChat = (id = GROUP) => ({ id, type: "supergroup", title: "Regbot Test Group" });

/** The calls of `method` so far, as payloads. */
const callsOf = (fake: FakeTelegram, method: string): Payload[] => fake.calls.filter((c) => c.method === method).map((c) => c.payload);

/** Alice warns Bob `times` times by replying to his message; resolves with the bot's last answer. */
async function warnBob(fake: FakeTelegram, times: number, reason = "spam"): Promise<Payload> {
  let last: Payload | undefined;
  for (let i = 0; i < times; i++) last = await replyTo(fake, command(`/warn ${reason}`, { replyTo: says(BOB, `buy my coin #${i}`) }));
  return last!;
}

/** Expects that nothing was recorded and nobody was restricted, banned or had a message deleted. */
function expectNothingDone(harness: Harness, place = HERE): void {
  expect(harness.core.moderation.ledger.log(place)).toEqual([]);
  for (const method of ["restrictChatMember", "banChatMember", "unbanChatMember", "deleteMessage"]) expect(callsOf(harness.fake, method)).toEqual([]);
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe("/warn by reply", () => {
  it("warns the author of the replied-to message, names the moderator and the reason, counts 1/3, and keeps the evidence", async () => {
    const { fake, core } = await startBot();
    const spam = says(BOB, "DM me for a 10x airdrop");
    const warn = command("/warn scam links", { replyTo: spam });
    const reply = await replyTo(fake, warn);

    expect(reply).toMatchObject({ chat_id: GROUP, parse_mode: "HTML", reply_parameters: { message_id: warn.message!.message_id } });
    expect(reply.text).toBe("⚠️ <b>Bob</b> has been warned by <b>Alice</b> (1/3).\nReason: scam links");
    const [remove] = buttons(reply);
    expect(remove?.text).toBe("Remove warning");
    expect(Buffer.byteLength(remove!.callback_data)).toBeLessThanOrEqual(64);

    const [warning] = core.moderation.ledger.active(HERE, String(BOB.id));
    expect(warning).toMatchObject({ userName: "Bob", moderatorId: String(ALICE.id), moderatorName: "Alice", reason: "scam links", evidence: "DM me for a 10x airdrop" });
    expect(callsOf(fake, "restrictChatMember")).toEqual([]);
  });

  it("asks for a target when the command names nobody", async () => {
    const { fake } = await startBot();
    expect(await textOf(fake, command("/warn"))).toBe(
      "Reply to the member's message with <code>/warn reason</code>, or use <code>/warn @username reason</code> or <code>/warn ID reason</code>.",
    );
  });
});

describe("/warn by @username or id", () => {
  it("warns a member by @username once they have posted in the chat", async () => {
    const { fake, core } = await startBot();
    fake.push(says(BOB, "hello all"));
    // The group's updates are handled in order, so Bob's message is seen before the command.
    expect(await textOf(fake, command("/warn @bob_spams flooding"))).toBe("⚠️ <b>Bob</b> has been warned by <b>Alice</b> (1/3).\nReason: flooding");
    expect(core.moderation.ledger.active(HERE, String(BOB.id))).toMatchObject([{ reason: "flooding", evidence: null }]);
  });

  it("refuses a @username never seen in the chat, and records nothing", async () => {
    const harness = await startBot();
    expect(await textOf(harness.fake, command("/warn @never_seen spam"))).toBe("I have not seen @never_seen post in this chat. Reply to one of their messages instead.");
    expectNothingDone(harness);
  });

  it("warns by numeric id, with the member's name when they have posted and the id otherwise", async () => {
    const { fake, core } = await startBot();
    fake.push(says(BOB, "hello all"));
    expect(await textOf(fake, command(`/warn ${BOB.id} flooding`))).toBe("⚠️ <b>Bob</b> has been warned by <b>Alice</b> (1/3).\nReason: flooding");
    expect(await textOf(fake, command("/warn 123456 spam"))).toBe("⚠️ <b>123456</b> has been warned by <b>Alice</b> (1/3).\nReason: spam");
    expect(core.moderation.ledger.active(HERE, "123456")).toHaveLength(1);
  });
});

describe("/warn refusals", () => {
  const ownMessage = says(ALICE, "my own message");
  const channelPost = updates.groupText("news from our channel", { senderChat: { id: -1005550001, type: "channel", title: "Crypto News" } });
  const anonymousAdminPost = updates.groupText("a note from the admins", { senderChat: groupChat() });
  const botMessage = { message_id: 41, from: { id: 777001, is_bot: true, first_name: "Regbot", username: "regbot_test_bot" }, chat: groupChat(), date: 1, text: "an answer" };
  const otherBot = says({ id: 888888, is_bot: true, first_name: "Spam", username: "spam_bot" }, "free coins");

  const cases: Array<{ name: string; update: Update; answer: string }> = [
    { name: "a member who is not an admin", update: command("/warn spam", { from: FRANK, replyTo: says(BOB, "x") }), answer: "Only the group's creator and admins who can restrict members can do that." },
    { name: "an admin who cannot restrict members", update: command("/warn spam", { from: CAROL, replyTo: says(BOB, "x") }), answer: "Only the group's creator and admins who can restrict members can do that." },
    { name: "a warning of an admin", update: command("/warn spam", { replyTo: says(CAROL, "x") }), answer: "<b>Carol</b> is an admin of this chat and cannot be warned." },
    { name: "a warning of the creator", update: command("/warn spam", { replyTo: says(DAVE, "x") }), answer: "<b>Dave</b> owns this chat and cannot be warned." },
    { name: "a warning of an admin named by id", update: command(`/warn ${CAROL.id} spam`), answer: "<b>333333</b> is an admin of this chat and cannot be warned." },
    { name: "a moderator warning themselves", update: command("/warn spam", { replyTo: ownMessage }), answer: "You cannot warn yourself." },
    { name: "a warning of the bot", update: command("/warn spam", { replyTo: botMessage }), answer: "I will not warn myself." },
    { name: "a warning of another bot", update: command("/warn spam", { replyTo: otherBot }), answer: "Bots cannot be warned." },
    { name: "a reply to a channel post", update: command("/warn spam", { replyTo: channelPost }), answer: "Channel posts and anonymous admins cannot be warned." },
    { name: "a reply to an anonymous admin", update: command("/warn spam", { replyTo: anonymousAdminPost }), answer: "Channel posts and anonymous admins cannot be warned." },
  ];

  it.each(cases)("refuses $name with a clear message and records nothing", async ({ update, answer }) => {
    const harness = await startBot();
    expect(await textOf(harness.fake, update)).toBe(answer);
    expectNothingDone(harness);
  });

  it("explains in a private chat that moderation works in groups", async () => {
    const harness = await startBot();
    for (const text of ["/warn spam", "/dwarn", "/unwarn", "/resetwarns", "/modlog"]) {
      expect(await textOf(harness.fake, updates.privateText(text))).toBe("Moderation commands work in groups: add me to your group and use them there.");
    }
    expect(await textOf(harness.fake, updates.privateText("/warns"))).toBe("/warns works in groups.");
    expect(await textOf(harness.fake, updates.privateText("/warnconfig limit 2"))).toBe("/warnconfig works in groups.");
    expectNothingDone(harness, { platform: "telegram", chatId: String(ALICE.id) });
  });

  it("lets a member promoted later warn as soon as Telegram reports the promotion", async () => {
    const { fake } = await startBot();
    expect(await textOf(fake, command("/warn spam", { from: FRANK, replyTo: says(BOB, "x") }))).toBe("Only the group's creator and admins who can restrict members can do that.");
    fake.setChatMember(GROUP, FRANK.id, { status: "administrator", user: FRANK, can_restrict_members: true });
    fake.push({
      chat_member: {
        chat: groupChat(),
        from: DAVE,
        date: nowSeconds(),
        old_chat_member: { status: "member", user: FRANK },
        new_chat_member: { status: "administrator", user: FRANK, can_restrict_members: true },
      },
    });
    expect(await textOf(fake, command("/warn spam", { from: FRANK, replyTo: says(BOB, "x") }))).toBe("⚠️ <b>Bob</b> has been warned by <b>Frank</b> (1/3).\nReason: spam");
  });
});

describe("an anonymous admin", () => {
  it("gets a Confirm button that only an admin who can restrict members completes, once", async () => {
    const { fake, core } = await startBot();
    const warn = updates.groupText("/warn spam", { senderChat: groupChat(), replyTo: says(BOB, "pump it") });
    expect(warn.message!.from?.id).toBe(1087968824);
    const ask = await replyTo(fake, warn);
    expect(ask.text).toBe("You are posting as the group. An admin who can restrict members, please confirm:");
    const [confirm] = buttons(ask);
    expect(confirm?.text).toBe("Confirm");
    expect(Buffer.byteLength(confirm!.callback_data)).toBeLessThanOrEqual(64);
    expect(core.moderation.ledger.log(HERE)).toEqual([]);
    const message = sentMessage(ask);

    for (const clicker of [FRANK, BOB, CAROL]) {
      const [refused] = await pushAndWait(fake, updates.callbackQuery(confirm!.callback_data, message, clicker), "answerCallbackQuery");
      expect(refused?.text).toBe("Only admins who can restrict members can confirm this.");
    }
    expect(core.moderation.ledger.log(HERE)).toEqual([]);

    const sentBefore = callsOf(fake, "sendMessage").length;
    const [confirmed] = await pushAndWait(fake, updates.callbackQuery(confirm!.callback_data, message, ALICE), "answerCallbackQuery");
    expect(confirmed?.text).toBe("Confirmed.");
    const done = (await fake.waitFor("sendMessage", sentBefore + 1))[sentBefore]!.payload;
    expect(done.text).toBe("⚠️ <b>Bob</b> has been warned by <b>Alice</b> (1/3).\nReason: spam");
    expect(done.reply_parameters?.message_id).toBe(warn.message!.message_id);
    expect(core.moderation.ledger.active(HERE, String(BOB.id))).toMatchObject([{ moderatorName: "Alice", evidence: "pump it" }]);

    const [again] = await pushAndWait(fake, updates.callbackQuery(confirm!.callback_data, message, ALICE), "answerCallbackQuery");
    expect(again?.text).toBe("This request has expired: send the command again.");
    expect(core.moderation.ledger.active(HERE, String(BOB.id))).toHaveLength(1);
  });
});

describe("the Remove warning button", () => {
  it("is refused to members, removes the warning for an admin, and then says it is gone", async () => {
    const { fake, core } = await startBot();
    const reply = await warnBob(fake, 1);
    const remove = buttons(reply).find((b) => b.text === "Remove warning")!;
    const message = sentMessage(reply);

    const [refused] = await pushAndWait(fake, updates.callbackQuery(remove.callback_data, message, BOB), "answerCallbackQuery");
    expect(refused?.text).toBe("Only admins who can restrict members can remove warnings.");
    expect(core.moderation.ledger.active(HERE, String(BOB.id))).toHaveLength(1);

    const sentBefore = callsOf(fake, "sendMessage").length;
    const [removed] = await pushAndWait(fake, updates.callbackQuery(remove.callback_data, message, ALICE), "answerCallbackQuery");
    expect(removed?.text).toBe("Warning removed.");
    const notice = (await fake.waitFor("sendMessage", sentBefore + 1))[sentBefore]!.payload;
    expect(notice.text).toMatch(/^Warning #\d+ of <b>Bob<\/b> removed by <b>Alice<\/b>\.$/);
    expect(core.moderation.ledger.active(HERE, String(BOB.id))).toEqual([]);

    const [gone] = await pushAndWait(fake, updates.callbackQuery(remove.callback_data, message, ALICE), "answerCallbackQuery");
    expect(gone?.text).toBe("That warning is no longer active.");
  });
});

describe("reaching the warn limit", () => {
  it("mutes on the third warning for 24 hours and clears the member's active warnings", async () => {
    const { fake, core } = await startBot();
    expect((await warnBob(fake, 2)).text).toContain("(2/3)");
    expect(callsOf(fake, "restrictChatMember")).toEqual([]);
    const third = await warnBob(fake, 1, "third strike");

    const [restrict] = callsOf(fake, "restrictChatMember");
    expect(restrict).toMatchObject({ chat_id: GROUP, user_id: BOB.id, permissions: { can_send_messages: false } });
    expect(Math.abs(restrict!.until_date - (nowSeconds() + DAY))).toBeLessThanOrEqual(60);
    expect(third.text).toBe("⚠️ <b>Bob</b> has been warned by <b>Alice</b> (3/3).\nReason: third strike\n<b>Bob</b> reached 3/3 warnings and was muted for 1d.");
    expect(buttons(third)).toEqual([]);
    expect(core.moderation.ledger.active(HERE, String(BOB.id))).toEqual([]);
  });

  it("kicks (ban, then unban only if banned) when the chat's action is kick", async () => {
    const { fake, core } = await startBot();
    expect(await textOf(fake, command("/warnconfig action kick"))).toContain("Action at the limit: <b>kick</b>");
    const third = await warnBob(fake, 3);

    const ban = callsOf(fake, "banChatMember");
    expect(ban).toEqual([{ chat_id: GROUP, user_id: BOB.id }]);
    expect(callsOf(fake, "unbanChatMember")).toEqual([{ chat_id: GROUP, user_id: BOB.id, only_if_banned: true }]);
    const methods = fake.calls.map((c) => c.method);
    expect(methods.indexOf("banChatMember")).toBeLessThan(methods.indexOf("unbanChatMember"));
    expect(callsOf(fake, "restrictChatMember")).toEqual([]);
    expect(third.text).toContain("<b>Bob</b> reached 3/3 warnings and was kicked.");
    expect(core.moderation.ledger.active(HERE, String(BOB.id))).toEqual([]);
  });

  it("bans for 7 days when the chat's action is ban 7d", async () => {
    const { fake, core } = await startBot();
    expect(await textOf(fake, command("/warnconfig action ban 7d"))).toContain("Action at the limit: <b>ban for 7d</b>");
    const third = await warnBob(fake, 3);

    const [ban] = callsOf(fake, "banChatMember");
    expect(ban).toMatchObject({ chat_id: GROUP, user_id: BOB.id });
    expect(Math.abs(ban!.until_date - (nowSeconds() + 7 * DAY))).toBeLessThanOrEqual(60);
    expect(callsOf(fake, "unbanChatMember")).toEqual([]);
    expect(third.text).toContain("<b>Bob</b> reached 3/3 warnings and was banned for 7d.");
    expect(core.moderation.ledger.active(HERE, String(BOB.id))).toEqual([]);
  });

  it("bans for good, without an until_date, when the chat's action is ban", async () => {
    const { fake, core } = await startBot();
    expect(await textOf(fake, command("/warnconfig action ban"))).toContain("Action at the limit: <b>ban (permanent)</b>");
    const third = await warnBob(fake, 3);

    expect(callsOf(fake, "banChatMember")).toEqual([{ chat_id: GROUP, user_id: BOB.id }]);
    expect(callsOf(fake, "unbanChatMember")).toEqual([]);
    expect(third.text).toContain("<b>Bob</b> reached 3/3 warnings and was banned.");
    expect(core.moderation.ledger.active(HERE, String(BOB.id))).toEqual([]);
  });

  it("says it could not mute, quoting Telegram, when Telegram refuses, and keeps the warnings counting", async () => {
    const { fake, core } = await startBot();
    await warnBob(fake, 2);
    fake.failNext("restrictChatMember", { error_code: 400, description: "Bad Request: user is an administrator of the chat" });
    const third = await warnBob(fake, 1, "third strike");

    expect(callsOf(fake, "restrictChatMember")).toHaveLength(1);
    expect(third.text).toContain("I could not mute <b>Bob</b>: Telegram said “Bad Request: user is an administrator of the chat”. The warning stays recorded.");
    expect(third.text).not.toContain("was muted");
    const log = core.moderation.ledger.log(HERE);
    expect(log.map((e) => e.what)).toEqual(["mute failed", "limit reached: mute", "warn", "warn", "warn"]);
    expect(log[0]).toMatchObject({ target: { id: String(BOB.id), name: "Bob" }, detail: "Bad Request: user is an administrator of the chat" });
    expect(log[2]).toMatchObject({ detail: "third strike" });
    // The warnings the failed action would have closed still count: the member stays at the limit.
    expect(core.moderation.ledger.active(HERE, String(BOB.id)).map((w) => w.reason)).toHaveLength(3);
  });
});

describe("/dwarn", () => {
  it("warns and deletes the replied-to message", async () => {
    const { fake, core } = await startBot();
    const spam = says(BOB, "click my referral link");
    const reply = await replyTo(fake, command("/dwarn referral spam", { replyTo: spam }));
    expect(reply.text).toBe("⚠️ <b>Bob</b> has been warned by <b>Alice</b> (1/3).\nReason: referral spam");
    const [deleted] = await fake.waitFor("deleteMessage");
    expect(deleted!.payload).toEqual({ chat_id: GROUP, message_id: spam.message!.message_id });
    expect(core.moderation.ledger.active(HERE, String(BOB.id))).toMatchObject([{ evidence: "click my referral link" }]);
  });

  it("says so, quoting Telegram, when the message cannot be deleted", async () => {
    const { fake } = await startBot();
    fake.failNext("deleteMessage", { error_code: 400, description: "Bad Request: message to delete not found" });
    const [, failed] = await pushAndWait(fake, command("/dwarn", { replyTo: says(BOB, "spam") }), "sendMessage", 2);
    expect(failed?.text).toBe("I could not delete that message: Bad Request: message to delete not found");
  });
});

describe("/warns", () => {
  it("shows a member their own warnings", async () => {
    const { fake } = await startBot();
    await warnBob(fake, 2, "off-topic shilling");
    const own = await textOf(fake, command("/warns", { from: BOB }));
    expect(own).toMatch(/^<b>Bob<\/b> has 2\/3 warnings:\n#\d+ · \d{4}-\d\d-\d\d · off-topic shilling \(by Alice\)\n#\d+ · /);
  });

  it("tells a member with none that they have none", async () => {
    const { fake } = await startBot();
    expect(await textOf(fake, command("/warns", { from: FRANK }))).toBe("<b>Frank</b> has no active warnings.");
  });

  it("refuses a member asking about someone else", async () => {
    const { fake } = await startBot();
    await warnBob(fake, 1);
    expect(await textOf(fake, command("/warns", { from: FRANK, replyTo: says(BOB, "x") }))).toBe("Members can see their own warnings; only admins can see other members'.");
    fake.push(says(BOB, "hello"));
    expect(await textOf(fake, command("/warns @bob_spams", { from: FRANK }))).toBe("Members can see their own warnings; only admins can see other members'.");
  });

  it("shows an admin anyone's warnings with their ids and reasons", async () => {
    const { fake, core } = await startBot();
    await warnBob(fake, 1, "scam link");
    await warnBob(fake, 1, "fake giveaway");
    const [first, second] = core.moderation.ledger.active(HERE, String(BOB.id));
    const byReply = await textOf(fake, command("/warns", { replyTo: says(BOB, "x") }));
    expect(byReply).toContain("<b>Bob</b> has 2/3 warnings:");
    expect(byReply).toContain(`#${first!.id} · ${first!.createdAt.slice(0, 10)} · scam link (by Alice)`);
    expect(byReply).toContain(`#${second!.id} · ${second!.createdAt.slice(0, 10)} · fake giveaway (by Alice)`);
    expect(await textOf(fake, command(`/warns ${BOB.id}`))).toBe(byReply);
  });
});

describe("/unwarn and /resetwarns", () => {
  it("/unwarn removes the latest warning, or the one with the given id", async () => {
    const { fake, core } = await startBot();
    const active = () => core.moderation.ledger.active(HERE, String(BOB.id)).map((w) => w.id);
    await warnBob(fake, 2);
    const [first, second] = active();
    expect(await textOf(fake, command("/unwarn", { replyTo: says(BOB, "x") }))).toBe(`Warning #${second} of <b>Bob</b> removed.`);
    expect(active()).toEqual([first]);

    await warnBob(fake, 1);
    const [, third] = active();
    expect(await textOf(fake, command(`/unwarn @bob_spams ${first}`))).toBe(`Warning #${first} of <b>Bob</b> removed.`);
    expect(active()).toEqual([third]);
    expect(await textOf(fake, command(`/unwarn ${BOB.id} #${first}`))).toBe("<b>Bob</b> has no such active warning.");
    expect(await textOf(fake, command(`/unwarn ${BOB.id} #${third}`))).toBe(`Warning #${third} of <b>Bob</b> removed.`);
    expect(active()).toEqual([]);
  });

  it("/unwarn with a warning id that is not a number is refused instead of removing the latest", async () => {
    const { fake, core } = await startBot();
    fake.push(says(BOB, "hello"));
    await warnBob(fake, 1);
    expect(await textOf(fake, command("/unwarn @bob_spams latest-one"))).toBe("“latest-one” is not a warning id: use the number shown by /warns, like <code>/unwarn @username 12</code>.");
    expect(core.moderation.ledger.active(HERE, String(BOB.id))).toHaveLength(1);
  });

  it("/resetwarns clears all of a member's warnings; both are for moderators only", async () => {
    const { fake, core } = await startBot();
    await warnBob(fake, 2);
    expect(await textOf(fake, command("/resetwarns", { from: FRANK, replyTo: says(BOB, "x") }))).toBe("Only the group's creator and admins who can restrict members can do that.");
    expect(await textOf(fake, command("/unwarn", { from: CAROL, replyTo: says(BOB, "x") }))).toBe("Only the group's creator and admins who can restrict members can do that.");
    expect(core.moderation.ledger.active(HERE, String(BOB.id))).toHaveLength(2);
    expect(await textOf(fake, command("/resetwarns", { replyTo: says(BOB, "x") }))).toBe("Cleared 2 warnings of <b>Bob</b>.");
    expect(core.moderation.ledger.active(HERE, String(BOB.id))).toEqual([]);
    expect(await textOf(fake, command("/resetwarns", { replyTo: says(BOB, "x") }))).toBe("Cleared 0 warnings of <b>Bob</b>.");
  });
});

describe("/warnconfig", () => {
  it("shows the chat's policy to anyone", async () => {
    const { fake } = await startBot();
    const shown = await textOf(fake, command("/warnconfig", { from: FRANK }));
    expect(shown).toContain("Warn limit: <b>3</b>\nAction at the limit: <b>mute for 1d</b>\nWarnings expire: <b>never</b>\nLog chat: <b>off</b>");
    expectOnlyAllowedHtml(shown);
  });

  it("refuses changes by members and by admins who cannot restrict members", async () => {
    const harness = await startBot();
    for (const from of [FRANK, CAROL]) {
      expect(await textOf(harness.fake, command("/warnconfig limit 1", { from }))).toBe("Only the group's creator and admins who can restrict members can do that.");
    }
    expect(harness.core.moderation.ledger.policy(HERE).limit).toBe(3);
    expectNothingDone(harness);
  });

  it("limit 2 makes the second warning act", async () => {
    const { fake } = await startBot();
    expect(await textOf(fake, command("/warnconfig limit 2"))).toMatch(/^Saved\.\n\nWarn limit: <b>2<\/b>/);
    expect((await warnBob(fake, 1)).text).toContain("(1/2)");
    expect((await warnBob(fake, 1)).text).toContain("<b>Bob</b> reached 2/2 warnings and was muted for 1d.");
    expect(callsOf(fake, "restrictChatMember")).toHaveLength(1);
  });

  it("sets an expiry, and turns it off again", async () => {
    const { fake, core } = await startBot();
    expect(await textOf(fake, command("/warnconfig expiry 30d"))).toContain("Warnings expire: <b>after 30d</b>");
    expect(core.moderation.ledger.policy(HERE).expirySeconds).toBe(30 * DAY);
    expect(await textOf(fake, command("/warnconfig expiry off"))).toContain("Warnings expire: <b>never</b>");
  });

  it.each([
    ["limit 0", "The warn limit must be a whole number from 1 to 20."],
    ["limit lots", "The warn limit must be a whole number from 1 to 20."],
    ["action mute 40d", "A mute lasts from 1 minute to 28 days (e.g. 30m, 12h, 7d): the longest both Telegram and Discord honour."],
    ["action ban 2 weeks", "“2” is not a duration: use minutes, hours or days, like 30m, 12h or 7d."],
    ["expiry soon", "“soon” is not a duration: use minutes, hours or days, like 30m, 12h or 7d."],
  ])("answers “/warnconfig %s” with the reason it is refused, and keeps the policy", async (args, answer) => {
    const { fake, core } = await startBot();
    expect(await textOf(fake, command(`/warnconfig ${args}`))).toBe(answer);
    expect(core.moderation.ledger.policy(HERE)).toEqual({ limit: 3, action: "mute", durationSeconds: DAY, expirySeconds: null, logChat: null, dmMember: true });
  });

  it("answers an unknown setting with the policy and how to change it", async () => {
    const { fake } = await startBot();
    const answer = await textOf(fake, command("/warnconfig colour blue"));
    expect(answer).toMatch(/^I do not know that setting\.\n\nWarn limit: <b>3<\/b>/);
    expect(answer).toContain("<code>/warnconfig limit 3</code>");
  });

  it("log CHAT_ID posts every warning to that chat too", async () => {
    const { fake } = await startBot();
    const LOG_CHAT = "-1009876543210";
    expect(await textOf(fake, command(`/warnconfig log ${LOG_CHAT}`))).toContain(`Log chat: <b>${LOG_CHAT}</b>`);
    const [inGroup, inLog] = await pushAndWait(fake, command("/warn spam", { replyTo: says(BOB, "x") }), "sendMessage", 2);
    expect(inGroup).toMatchObject({ chat_id: GROUP, text: "⚠️ <b>Bob</b> has been warned by <b>Alice</b> (1/3).\nReason: spam" });
    expect(String(inLog?.chat_id)).toBe(LOG_CHAT);
    expect(inLog).toMatchObject({ parse_mode: "HTML", text: inGroup!.text });

    expect(await textOf(fake, command("/warnconfig log off"))).toContain("Log chat: <b>off</b>");
    await warnBob(fake, 1);
    expect(callsOf(fake, "sendMessage").filter((p) => String(p.chat_id) === LOG_CHAT)).toHaveLength(1);
  });
});

describe("/modlog", () => {
  it("lists the chat's moderation entries, newest first, for moderators only", async () => {
    const { fake, core } = await startBot();
    await warnBob(fake, 1, "scam link");
    const [warning] = core.moderation.ledger.active(HERE, String(BOB.id));
    await textOf(fake, command("/unwarn", { replyTo: says(BOB, "x") }));
    await textOf(fake, command("/warnconfig limit 4"));

    expect(await textOf(fake, command("/modlog", { from: FRANK }))).toBe("Only the group's creator and admins who can restrict members can do that.");
    const lines = (await textOf(fake, command("/modlog"))).split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d · Alice: warnconfig — \{"limit":4\}$/);
    expect(lines[1]).toMatch(new RegExp(`· Alice: unwarn <b>Bob</b> — #${warning!.id}$`));
    expect(lines[2]).toMatch(/· Alice: warn <b>Bob<\/b> — scam link$/);
  });

  it("shows one member's entries, and refuses a member it has never seen", async () => {
    const { fake } = await startBot();
    await warnBob(fake, 1, "scam link");
    await replyTo(fake, command("/warn off-topic", { replyTo: says(FRANK, "x") }));
    const bobs = await textOf(fake, command("/modlog", { replyTo: says(BOB, "x") }));
    expect(bobs).toContain("warn <b>Bob</b> — scam link");
    expect(bobs).not.toContain("Frank");
    expect(await textOf(fake, command("/modlog @frank_f"))).toMatch(/· Alice: warn <b>Frank<\/b> — off-topic$/);
    expect(await textOf(fake, command("/modlog @never_seen"))).toBe("I have not seen @never_seen post in this chat. Reply to one of their messages instead.");
  });

  it("says when the log is empty", async () => {
    const { fake } = await startBot();
    expect(await textOf(fake, command("/modlog"))).toBe("The moderation log is empty.");
  });
});

describe("HTML safety", () => {
  it("escapes a member's hostile name and a hostile reason in every answer", async () => {
    const { fake, core } = await startBot();
    const hostile = { id: 999999, is_bot: false, first_name: "<b>x</b> & _*[", username: "hostile_h" } satisfies User;
    const warned = await textOf(fake, command("/warn <script>alert(1)</script>", { replyTo: says(hostile, "hi") }));
    expect(warned).toBe("⚠️ <b>&lt;b&gt;x&lt;/b&gt; &amp; _*[</b> has been warned by <b>Alice</b> (1/3).\nReason: &lt;script&gt;alert(1)&lt;/script&gt;");
    // Stored as given: escaping is the adapter's job.
    expect(core.moderation.ledger.active(HERE, String(hostile.id))).toMatchObject([{ userName: "<b>x</b> & _*[", reason: "<script>alert(1)</script>" }]);

    const listed = await textOf(fake, command(`/warns ${hostile.id}`));
    const logged = await textOf(fake, command("/modlog"));
    for (const text of [warned, listed, logged]) {
      expect(text).toContain("&lt;b&gt;x&lt;/b&gt; &amp; _*[");
      expect(text).not.toContain("<script>");
      expectOnlyAllowedHtml(text);
      expectBalancedTags(text);
    }
  });
});

describe("a group upgraded to a supergroup", () => {
  it("keeps its warnings, policy and members under the new chat id", async () => {
    const { fake, core } = await startBot();
    const oldId = -555;
    const newId = -1009999;
    makeAdmins(fake, oldId);
    makeAdmins(fake, newId);
    await textOf(fake, command("/warnconfig limit 5", { chatId: oldId }));
    fake.push(says(BOB, "hello", oldId));
    expect(await textOf(fake, command("/warn spam", { chatId: oldId, replyTo: says(BOB, "spam", oldId) }))).toContain("(1/5)");

    fake.push(updates.migrateToSupergroup(oldId, newId));
    // The old chat's updates are handled in order: once this is answered, the move is done.
    await textOf(fake, command("/warnconfig", { chatId: oldId }));

    expect(await textOf(fake, command("/warn @bob_spams again", { chatId: newId }))).toBe("⚠️ <b>Bob</b> has been warned by <b>Alice</b> (2/5).\nReason: again");
    const moved = { platform: "telegram", chatId: String(newId) };
    expect(core.moderation.ledger.active(moved, String(BOB.id)).map((w) => w.reason)).toEqual(["spam", "again"]);
    expect(core.moderation.ledger.active({ platform: "telegram", chatId: String(oldId) }, String(BOB.id))).toEqual([]);
  });
});

describe("an update delivered twice", () => {
  it("warns once when Telegram sends the same /warn again after a crash", async () => {
    const { fake, core } = await startBot();
    const warning = command("/warn spam", { replyTo: says(BOB, "buy my coin") });
    await replyTo(fake, warning);
    // The same update again, as long polling redelivers it after a restart, then a marker that is answered.
    fake.push({ ...warning, update_id: (warning.update_id ?? 0) + 1000 } as Update);
    const answer = await replyTo(fake, command("/warns @bob_spams"));
    expect(answer.text).toContain("1/3");
    expect(core.moderation.ledger.active(HERE, String(BOB.id))).toHaveLength(1);
  });
});
