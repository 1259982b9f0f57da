// The soak run (issue 8) shared by `bench/soak.ts` and `test/soak.test.ts`: many chats' questions pushed through
// the real Telegram bot, polling a fake Bot API server, over a core with the bundled corpus in a temp database.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Update } from "grammy/types";
import { startTelegram } from "../adapters/telegram/run.js";
import { createArticleStore } from "../src/articles/store.js";
import { createCore } from "../src/core.js";
import type { Logger } from "../src/logger.js";
import { openDatabase } from "../src/storage/database.js";
import { startFakeTelegram, updates, type FakeTelegram } from "../test/fakes/telegram-server.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const MB = 1024 * 1024;

/** Options of {@link runSoak}; every one has a default. */
export interface SoakOptions {
  /** Updates to push in all. Default 20,000. */
  readonly updates?: number;
  /** Chats they come from, half private, half groups. Default 500. */
  readonly chats?: number;
  /** Updates pushed at a time; the next batch goes once all of this one are answered. Memory is sampled after each. Default 1,000. */
  readonly batch?: number;
  /** Updates handled before memory samples start. Default 2,000. */
  readonly warmup?: number;
  /** Longest wait for one batch's answers before its unanswered questions count as missing. Default 120 s. */
  readonly batchTimeoutMs?: number;
  /** Called before each memory sample (e.g. a forced garbage collection, so the heap is compared like for like). */
  readonly beforeSample?: () => void;
  /** Progress lines. Default: none. */
  readonly log?: (line: string) => void;
}

/** One memory sample, taken after `updates` updates were answered. */
export interface MemorySample {
  readonly updates: number;
  readonly rssMb: number;
  readonly heapMb: number;
  /** Answers per second in the batch that ended here. */
  readonly perSecond: number;
}

/** Whether a series stayed flat: the last quarter's median within 10% or 30 MB of the second quarter's. */
export interface Flatness {
  readonly secondQuarterMb: number;
  readonly lastQuarterMb: number;
  readonly flat: boolean;
}

/** What a soak run saw. */
export interface SoakReport {
  readonly updates: number;
  readonly chats: number;
  /** Questions answered by exactly one reply (counted by chat and replied-to message id). */
  readonly answeredOnce: number;
  /** Questions with no reply before their batch timed out. */
  readonly missing: number;
  /** Questions replied to more than once (within their batch, or late). */
  readonly duplicates: number;
  /** Replies that were an apology ("Something went wrong") or a flood notice instead of an answer. */
  readonly failedReplies: number;
  /** Answers that went on in further messages (long answers are split): not questions, not errors. */
  readonly continuations: number;
  readonly unhandledRejections: number;
  /** Handler failures the bot logged (its `bot.catch`). */
  readonly handlerErrors: number;
  /** From the first push to the last answer. */
  readonly seconds: number;
  readonly perSecond: number;
  readonly samples: readonly MemorySample[];
  /** `null` when there are fewer than four samples. */
  readonly rss: Flatness | null;
  readonly heap: Flatness | null;
}

const median = (values: readonly number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** Compares the last quarter of a series with its second quarter. */
export function flatness(series: readonly number[]): Flatness | null {
  const n = series.length;
  if (n < 4) return null;
  const second = median(series.slice(Math.floor(n / 4), Math.floor(n / 2)));
  const last = median(series.slice(Math.floor((3 * n) / 4)));
  const growth = last - second;
  return { secondQuarterMb: second, lastQuarterMb: last, flat: growth <= second * 0.1 || growth <= 30 };
}

/** True when every check passed: each question answered exactly once, nothing failed, memory flat (when measured). */
export function soakPassed(report: SoakReport): boolean {
  return (
    report.answeredOnce === report.updates &&
    report.missing === 0 &&
    report.duplicates === 0 &&
    report.failedReplies === 0 &&
    report.unhandledRejections === 0 &&
    report.handlerErrors === 0 &&
    report.rss?.flat !== false &&
    report.heap?.flat !== false
  );
}

/** The questions of the eval set: paraphrases, typos, abbreviations, unanswerable ones. */
function evalQuestions(): string[] {
  const list = JSON.parse(fs.readFileSync(path.join(ROOT, "test/eval/questions-a.json"), "utf8")) as Array<{ q: string }>;
  return list.map((item) => item.q);
}

/**
 * The `i`-th update: chats take turns; even chats are private (any text is a question), odd chats are groups,
 * where a member (one of 2,000) asks with `/ask` or by mentioning the bot.
 */
function questionUpdate(i: number, chats: number, questions: readonly string[], botUsername: string): { update: Update; key: string } {
  const chat = i % chats;
  const question = questions[i % questions.length]!;
  let update: Update;
  if (chat % 2 === 0) {
    const id = 10_000_000 + chat;
    update = updates.privateText(question, { id, first_name: `Asker ${chat}`, username: `asker_${chat}` });
  } else {
    const from = 20_000_000 + (i % 2000);
    const text = i % 4 < 2 ? `/ask ${question}` : `@${botUsername} ${question}`;
    update = updates.groupText(text, { chatId: -1_002_000_000_000 - chat, from: { id: from, first_name: `Member ${from}`, username: `member_${from}` } });
  }
  return { update, key: `${update.message!.chat.id}:${update.message!.message_id}` };
}

/**
 * Pushes `updates` questions from `chats` chats through the real Telegram bot (`startTelegram`, long polling the
 * fake Bot API server) in batches, and reports whether each was answered exactly once, the throughput, memory
 * after each batch past the warm-up, and failures. The flood limit is lifted: private askers ask far more than
 * five questions a minute here.
 */
export async function runSoak(options: SoakOptions = {}): Promise<SoakReport> {
  const total = options.updates ?? 20_000;
  const chats = options.chats ?? 500;
  const batch = options.batch ?? 1000;
  const warmup = options.warmup ?? 2000;
  const batchTimeoutMs = options.batchTimeoutMs ?? 120_000;
  const log = options.log ?? (() => {});

  let unhandledRejections = 0;
  const onRejection = () => void unhandledRejections++;
  process.on("unhandledRejection", onRejection);
  let handlerErrors = 0;
  const logger: Logger = { debug() {}, info() {}, warn() {}, error: () => void handlerErrors++ };

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "regbot-soak-"));
  const file = path.join(dir, "soak.db");
  const db = openDatabase(file);
  let fake: FakeTelegram | undefined;
  let runner: Awaited<ReturnType<typeof startTelegram>> | undefined;
  try {
    const core = createCore({ store: createArticleStore(db, { file }), bundledDir: path.join(ROOT, "data/articles"), logger });
    core.ensureCorpus();
    core.ask("is crypto trading banned in China?");
    fake = await startFakeTelegram();
    runner = await startTelegram(fake.token, { core, logger, apiRoot: fake.apiRoot, flood: { limit: Number.MAX_SAFE_INTEGER, windowMs: 60_000 } });
    const questions = evalQuestions();

    // Replies counted per question; a question leaves the map once its batch is done, so a late second reply
    // shows up as a reply to an unknown question. Recorded calls are consumed and dropped (the fake keeps them all).
    const pending = new Map<string, number>();
    let late = 0;
    let failedReplies = 0;
    let continuations = 0;
    const consume = (f: FakeTelegram) => {
      for (const call of f.calls) {
        if (call.method !== "sendMessage") continue;
        const replyTo = call.payload.reply_parameters?.message_id as number | undefined;
        if (replyTo === undefined) {
          continuations++;
          continue;
        }
        const text = String(call.payload.text);
        if (text.startsWith("Something went wrong") || text.startsWith("You are asking faster")) failedReplies++;
        const key = `${call.payload.chat_id}:${replyTo}`;
        const count = pending.get(key);
        if (count === undefined) late++;
        else pending.set(key, count + 1);
      }
      f.calls.splice(0);
    };

    let answeredOnce = 0;
    let missing = 0;
    let duplicates = 0;
    const samples: MemorySample[] = [];
    const started = performance.now();
    for (let done = 0; done < total; ) {
      const size = Math.min(batch, total - done);
      const keys: string[] = [];
      const batchUpdates: Update[] = [];
      for (let i = done; i < done + size; i++) {
        const { update, key } = questionUpdate(i, chats, questions, fake.botInfo.username);
        batchUpdates.push(update);
        keys.push(key);
        pending.set(key, 0);
      }
      const batchStarted = performance.now();
      fake.push(...batchUpdates);
      const deadline = Date.now() + batchTimeoutMs;
      for (;;) {
        consume(fake);
        if (keys.every((k) => pending.get(k)! >= 1) || Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const batchSeconds = (performance.now() - batchStarted) / 1000;
      for (const key of keys) {
        const count = pending.get(key)!;
        if (count === 0) missing++;
        else if (count === 1) answeredOnce++;
        else duplicates++;
        pending.delete(key);
      }
      done += size;
      if (done >= warmup) {
        options.beforeSample?.();
        const { rss, heapUsed } = process.memoryUsage();
        samples.push({ updates: done, rssMb: rss / MB, heapMb: heapUsed / MB, perSecond: size / batchSeconds });
      }
      log(`${done.toLocaleString("en")} updates: ${answeredOnce.toLocaleString("en")} answered once, ${Math.round(size / batchSeconds)} answers/s in this batch, RSS ${Math.round(process.memoryUsage().rss / MB)} MB`);
    }
    const seconds = (performance.now() - started) / 1000;

    // Anything still on its way (a second reply to an answered question) is given a moment to arrive.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await runner.stop();
    consume(fake);
    return {
      updates: total,
      chats,
      answeredOnce,
      missing,
      duplicates: duplicates + late,
      failedReplies,
      continuations,
      unhandledRejections,
      handlerErrors,
      seconds,
      perSecond: total / seconds,
      samples,
      rss: flatness(samples.map((s) => s.rssMb)),
      heap: flatness(samples.map((s) => s.heapMb)),
    };
  } finally {
    await runner?.stop();
    await fake?.close();
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
    process.off("unhandledRejection", onRejection);
  }
}
