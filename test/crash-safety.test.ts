// Crash safety (issue 8): the real `bin/regbot` process is killed with SIGKILL in the middle of its work, and
// what it had stored — and what it had told a moderator — must all be there, whole, afterwards. Runs the
// compiled dist/: build first (`npx tsc -p tsconfig.build.json`).
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { distance } from "fastest-levenshtein";
import type { Update, User } from "grammy/types";
import { describe, expect, it, onTestFinished } from "vitest";
import { random } from "../bench/corpus.js";
import { createArticleStore } from "../src/articles/store.js";
import { createCore, type Core } from "../src/core.js";
import { openDatabase } from "../src/storage/database.js";
import { startRegbot, type RegbotProcess } from "./fakes/regbot-process.js";
import { startFakeTelegram, updates, type FakeTelegram, type Payload } from "./fakes/telegram-server.js";
import { tempDir } from "./fakes/temp-store.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `count` made-up words (letters only, not English), each at least 3 edits from every other, so the bot's
 * spelling correction (at most 2 edits) can never read one as another. They end in "k", which no stemming
 * rule touches, so each stays its own search term.
 */
function madeUpWords(count: number, seed: number): string[] {
  const consonants = "bdfgklmnprstvz";
  const vowels = "aeiou";
  const rnd = random(seed);
  const pick = (letters: string) => letters[Math.floor(rnd() * letters.length)]!;
  const words: string[] = [];
  while (words.length < count) {
    let word = "";
    for (let i = 0; i < 6; i++) word += pick(consonants) + pick(vowels);
    word += "k";
    if (words.every((other) => distance(other, word) >= 3)) words.push(word);
  }
  return words;
}

/** One small article about `word`, exactly as the JSON parser stores it (title and body already normalised). */
function articleAbout(word: string): { title: string; body: string; publishedAt: string } {
  return {
    title: `Regulator issues notice on ${word} tokens`,
    body: `The regulator said ${word} tokens must be registered before they are offered to the public.\n\nExchanges that list ${word} have until the end of the year to comply.`,
    publishedAt: "2024-05-01",
  };
}

/** The made-up word an article's title is about. */
const wordOf = (title: string) => /notice on ([a-z]+) tokens$/.exec(title)?.[1];

/** Writes one JSON file per word into a fresh folder; returns the folder. */
function writeArticles(words: readonly string[]): string {
  const dir = tempDir();
  words.forEach((word, i) => fs.writeFileSync(path.join(dir, `article-${String(i).padStart(4, "0")}.json`), JSON.stringify(articleAbout(word))));
  return dir;
}

/** Runs `work` on the real store and core over `file`, closing the database afterwards. */
function withCore<T>(file: string, work: (core: Core) => T): T {
  const db = openDatabase(file);
  try {
    return work(createCore({ store: createArticleStore(db, { file }) }));
  } finally {
    db.close();
  }
}

/** Ids of the articles `core` cites when asked about `word`. */
const citedFor = (core: Core, word: string) => core.ask(`${word}?`).citations.map((c) => c.article.id);

/** `PRAGMA integrity_check` of the file, opened as a plain SQLite database (which also recovers its WAL). */
function integrity(file: string): string {
  const db = new Database(file);
  try {
    return (db.pragma("integrity_check") as Array<{ integrity_check: string }>).map((r) => r.integrity_check).join("\n");
  } finally {
    db.close();
  }
}

/** Resolves once the process has died of `signal` (rejects if it ended any other way). */
async function diedOf(regbot: RegbotProcess, signal: NodeJS.Signals): Promise<void> {
  await regbot.exited;
  if (regbot.child.signalCode !== signal) throw new Error(`regbot ended with code ${regbot.child.exitCode}, not by ${signal}:\n${regbot.output()}`);
}

describe("regbot ingest killed with SIGKILL", () => {
  it("keeps the database sound, stores only whole articles, keeps the index in step with the store, and a re-run adds the rest", async () => {
    const TOTAL = 4000;
    const words = madeUpWords(TOTAL + 5, 8);
    const warmWords = words.slice(TOTAL);
    const bigWords = words.slice(0, TOTAL);
    const dir = writeArticles(bigWords);
    const file = path.join(tempDir(), "regbot.db");

    // A store that already has articles and a saved search index, so the killed ingest was updating both.
    withCore(file, (core) => {
      core.ingest([writeArticles(warmWords)]);
      expect(citedFor(core, warmWords[0]!)).toHaveLength(1);
    });
    const reader = new Database(file, { readonly: true });
    onTestFinished(() => {
      if (reader.open) reader.close();
    });
    const savedIndex = reader.prepare<[], { store_version: number }>("SELECT store_version FROM search_index WHERE name = 'articles'").get();
    const versionBefore = Number(reader.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'store_version'").get()?.value);
    expect(savedIndex?.store_version).toBe(versionBefore);

    const regbot = startRegbot(["ingest", "--json", dir], { REGBOT_DB: file });
    const storedNow = () => reader.prepare<[], { n: number }>("SELECT count(*) AS n FROM articles").get()!.n - warmWords.length;
    // Killed once a quarter is stored: the ingest commits in batches, and the kill lands inside a later one.
    while (storedNow() < TOTAL / 4) {
      if (regbot.child.exitCode !== null) throw new Error(`the ingest ended before it could be killed:\n${regbot.output()}`);
      await sleep(5);
    }
    regbot.child.kill("SIGKILL");
    await diedOf(regbot, "SIGKILL");
    reader.close();

    expect(integrity(file)).toBe("ok");
    const db = new Database(file, { readonly: true });
    const rows = db.prepare<[], { id: string; title: string; body: string }>("SELECT id, title, body FROM articles WHERE retracted_at IS NULL").all();
    db.close();
    const sources = new Map(words.map((word) => [word, articleAbout(word)]));
    const idOf = new Map<string, string>();
    for (const row of rows) {
      const word = wordOf(row.title);
      const source = word === undefined ? undefined : sources.get(word);
      expect(source, `stored article “${row.title}” has no source file`).toBeDefined();
      expect({ title: row.title, body: row.body }).toEqual({ title: source!.title, body: source!.body });
      idOf.set(word!, row.id);
    }
    const storedWords = bigWords.filter((w) => idOf.has(w));
    const missingWords = bigWords.filter((w) => !idOf.has(w));
    expect(missingWords.length, "the kill came after the last batch: nothing was left to lose").toBeGreaterThan(0);
    expect(storedWords.length).toBeGreaterThanOrEqual(TOTAL / 4);
    expect(warmWords.every((w) => idOf.has(w))).toBe(true);

    // The index the real code uses after the crash cites exactly what the store holds.
    const spread = <T>(list: readonly T[], n: number) => list.filter((_, i) => i % Math.max(1, Math.floor(list.length / n)) === 0).slice(0, n);
    const storedSample = [...spread(storedWords, 30), ...warmWords];
    const missingSample = spread(missingWords, 10);
    withCore(file, (core) => {
      for (const word of storedSample) expect(citedFor(core, word), word).toEqual([idOf.get(word)]);
      for (const word of missingSample) expect(citedFor(core, word), word).toEqual([]);
    });

    const rerun = startRegbot(["ingest", "--json", dir], { REGBOT_DB: file });
    expect(await rerun.exited, rerun.output()).toBe(0);
    const report = JSON.parse(rerun.output().trim().split("\n").filter((l) => l.startsWith("{")).at(-1)!) as object;
    expect(report).toEqual({ added: missingWords.length, updated: 0, unchanged: storedWords.length, rejected: [] });
    withCore(file, (core) => {
      expect(core.count()).toBe(TOTAL + warmWords.length);
      for (const word of missingSample) expect(citedFor(core, word), word).toHaveLength(1);
    });
    expect(integrity(file)).toBe("ok");
  }, 30_000);
});

const GROUP = -1001234567890;
/** The moderator: an admin who can restrict members. */
const ALICE = { id: 1001, is_bot: false, first_name: "Alice", username: "alice" } satisfies User;
const MEMBERS = 150;

/** Member `n` (1-based): the one the n-th /warn is about. */
const member = (n: number): User => ({ id: 500_000 + n, is_bot: false, first_name: "Member", last_name: String(n) });

/** The bot's acknowledgements of warnings: sendMessage calls that say “… has been warned by …”. */
function acks(fake: FakeTelegram): Array<{ key: string; name: string }> {
  return fake.calls
    .filter((c) => c.method === "sendMessage" && c.payload.chat_id === GROUP && String(c.payload.text).startsWith("⚠️"))
    .map((c) => ({ key: `${GROUP}:${c.payload.reply_parameters?.message_id}`, name: /^⚠️ <b>(.+?)<\/b> has been warned by <b>Alice<\/b>/.exec(String(c.payload.text))?.[1] ?? "?" }));
}

/** The bot's first reply to the message with this id, once there is one. */
async function replyTo(fake: FakeTelegram, messageId: number, timeoutMs = 15_000): Promise<Payload> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const reply = fake.calls.find((c) => c.method === "sendMessage" && c.payload.reply_parameters?.message_id === messageId);
    if (reply) return reply.payload;
    if (Date.now() > until) throw new Error(`no reply to message ${messageId} within ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** Every recorded warning: the command it came from (chat:message_id) and whom it warned. */
function warningsIn(file: string): Array<{ source_key: string; user_id: string; user_name: string }> {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare<[], { source_key: string; user_id: string; user_name: string }>("SELECT source_key, user_id, user_name FROM warnings WHERE platform = 'telegram'").all();
  } finally {
    db.close();
  }
}

/** A command Alice sends in the group (a sentinel: the chat's updates are handled in order, so its answer comes after theirs). */
function pushSentinel(fake: FakeTelegram): number {
  const update = updates.groupText("/warnconfig", { from: ALICE, chatId: GROUP });
  fake.push(update);
  return update.message!.message_id;
}

describe("regbot start killed with SIGKILL while warning members", () => {
  it("has every acknowledged warning stored, handles at restart every /warn it had received, and a redelivered /warn does not warn twice", async () => {
    const fake = await startFakeTelegram();
    onTestFinished(() => fake.close());
    fake.setChatMember(GROUP, ALICE.id, { status: "administrator", user: ALICE, can_restrict_members: true, can_delete_messages: true });
    const env = { TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, REGBOT_DB: path.join(tempDir(), "regbot.db") };
    const file = env.REGBOT_DB;

    // Alice warns 150 members, each by replying to one of their messages: update ids 1001…, fixed so a
    // redelivery can carry the same ones.
    const warns: Update[] = Array.from({ length: MEMBERS }, (_, i) => {
      const spam = updates.groupText(`buy my coin, offer ${i + 1}`, { from: member(i + 1), chatId: GROUP });
      return { ...updates.groupText("/warn spam", { from: ALICE, chatId: GROUP, replyTo: spam }), update_id: 1001 + i };
    });
    const warnedBy = new Map(warns.map((u, i) => [`${GROUP}:${u.message!.message_id}`, member(i + 1)]));

    const first = startRegbot(["start"], env);
    await first.printed("Ctrl+C stops it");
    const killed = fake.waitFor("sendMessage", 20, 20_000).then(() => first.child.kill("SIGKILL"));
    fake.push(...warns);
    await killed;
    await diedOf(first, "SIGKILL");

    expect(integrity(file)).toBe("ok");
    const acked = acks(fake);
    expect(acked.length).toBeGreaterThanOrEqual(20);
    const stored = warningsIn(file);
    expect(stored.length, "the kill came after the last warning: nothing was left to lose").toBeLessThan(MEMBERS);
    const storedByKey = new Map(stored.map((w) => [w.source_key, w]));
    for (const ack of acked) {
      const warning = storedByKey.get(ack.key);
      expect(warning, `acknowledged warning ${ack.key} (${ack.name}) is not in the database`).toBeDefined();
      expect(warning!.user_name).toBe(ack.name);
      expect(warning!.user_id).toBe(String(warnedBy.get(ack.key)!.id));
    }

    const second = startRegbot(["start"], env);
    await second.printed("Ctrl+C stops it");
    // What the fake still holds unconfirmed is served again now; the sentinel's answer comes after all of it.
    // The /warns the first process had fetched (and Telegram counts as delivered: the runner's next getUpdates
    // confirms a batch before it is handled) were kept in the inbox and are handled at start: none is lost.
    await replyTo(fake, pushSentinel(fake));
    expect(warningsIn(file), "a /warn received before the kill was lost").toHaveLength(MEMBERS);
    const beforeRedelivery = new Set(warningsIn(file).map((w) => w.source_key));
    const ackedBeforeRedelivery = acks(fake).length;

    // Every /warn delivered again (as Telegram does after a crash before their offset was confirmed): the same
    // messages, under new update ids, since the fake (like Telegram) drops ids below the confirmed offset.
    fake.push(...warns.map(({ update_id: _id, ...again }) => again));
    await replyTo(fake, pushSentinel(fake));

    const after = warningsIn(file);
    expect(after).toHaveLength(MEMBERS);
    expect(new Set(after.map((w) => w.source_key))).toEqual(new Set(warnedBy.keys()));
    expect(new Set(after.map((w) => w.user_id)).size).toBe(MEMBERS);
    const allAcks = acks(fake);
    expect(new Set(allAcks.map((a) => a.key)).size, "a warning was acknowledged twice").toBe(allAcks.length);
    for (const ack of allAcks.slice(ackedBeforeRedelivery)) expect(beforeRedelivery.has(ack.key), `${ack.key} was warned again`).toBe(false);
    for (const ack of allAcks) expect(ack.name).toBe(`Member ${warnedBy.get(ack.key)?.last_name}`);

    second.child.kill("SIGTERM");
    expect(await second.exited, second.output()).toBe(0);
    expect(second.output()).not.toContain("a Telegram handler failed");
    expect(integrity(file)).toBe("ok");
  }, 30_000);
});
