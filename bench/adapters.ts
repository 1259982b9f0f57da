// Adapter overhead for `npm run bench`: the same questions through the real Telegram bot (grammY, with a
// recording transport instead of the network) and through the real Discord client's handlers (discord.js, with
// a recording REST transport), beside the core's own answer time.
import { Events } from "discord.js";
import type { Update } from "grammy/types";
import type { Core } from "../src/core.js";
import { payloads } from "../test/fakes/discord-server.js";
import { updates } from "../test/fakes/telegram-server.js";
import { loadBuilt } from "./product.js";

const { createDiscordClient } = await loadBuilt<typeof import("../adapters/discord/client.js")>("adapters/discord/client.js");
const { createTelegramBot } = await loadBuilt<typeof import("../adapters/telegram/bot.js")>("adapters/telegram/bot.js");
const { createRecentQuestions } = await loadBuilt<typeof import("../src/chats/recent-questions.js")>("src/chats/recent-questions.js");
const { silentLogger } = await loadBuilt<typeof import("../src/logger.js")>("src/logger.js");

/** Mean milliseconds per update (or interaction), per second on one core, and what the adapter adds to the core. */
export interface Throughput {
  readonly meanMs: number;
  readonly perSec: number;
  /** The core's own mean for the same questions, timed in turn with the adapter's (see {@link timeInTurn}). */
  readonly coreMeanMs: number;
  /** meanMs − coreMeanMs. */
  readonly addedMs: number;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);

/**
 * Times each question through the adapter (`viaAdapter`) and through the core alone, one right after the other,
 * in alternating order: timed in separate passes, the core's own drift between passes (±20 % at 100k articles)
 * was larger than what an adapter adds. The first round warms up and is not counted.
 */
async function timeInTurn(core: Core, questions: readonly string[], viaAdapter: (question: string, i: number, round: number) => Promise<void>): Promise<Throughput> {
  const adapter: number[] = [];
  const alone: number[] = [];
  const timeAdapter = async (q: string, i: number, round: number) => {
    const started = performance.now();
    await viaAdapter(q, i, round);
    if (round === 1) adapter.push(performance.now() - started);
  };
  const timeCore = (q: string, round: number) => {
    const started = performance.now();
    core.ask(q);
    if (round === 1) alone.push(performance.now() - started);
  };
  for (let round = 0; round < 2; round++) {
    for (const [i, q] of questions.entries()) {
      if (i % 2 === 0) {
        timeCore(q, round);
        await timeAdapter(q, i, round);
      } else {
        await timeAdapter(q, i, round);
        timeCore(q, round);
      }
    }
  }
  const meanMs = mean(adapter);
  const coreMeanMs = mean(alone);
  return { meanMs, perSec: 1000 / meanMs, coreMeanMs, addedMs: meanMs - coreMeanMs };
}

/** Updates per second through the Telegram bot: every Bot API call is recorded and answered in-process. */
export async function telegramThroughput(core: Core, questions: readonly string[]): Promise<Throughput> {
  let calls = 0;
  const bot = createTelegramBot("123456789:bench-token-bench-token-bench-token", {
    core,
    logger: silentLogger,
    flood: { limit: 1_000_000, windowMs: 60_000 },
    botInfo: { id: 42, is_bot: true, first_name: "regbot", username: "regbot_bench_bot", can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: true, can_connect_to_business: false, has_main_web_app: false } as never,
  });
  bot.api.config.use(async (_prev, method, payload) => {
    calls++;
    const chat = (payload as { chat_id?: number }).chat_id ?? 1;
    const result = method === "sendMessage" ? { message_id: calls, date: 0, chat: { id: chat, type: "private" }, text: "" } : true;
    return { ok: true, result } as never;
  });
  await bot.init();
  return timeInTurn(core, questions, async (q, i, round) => {
    await bot.handleUpdate({ ...updates.privateText(q, { id: 10_000 + i }), update_id: round * 10_000 + i + 1 } as Update);
  });
}

/** Interactions per second through the Discord client's handlers: REST calls are recorded and answered in-process. */
export async function discordThroughput(core: Core, questions: readonly string[]): Promise<Throughput> {
  const client = createDiscordClient({ core, logger: silentLogger, recent: createRecentQuestions() });
  let finished: (() => void) | undefined;
  const rest = client.rest as unknown as { options: { globalRequestsPerSecond: number; makeRequest: (url: string, init: { method?: string; body?: unknown }) => Promise<unknown> } };
  // The REST queue keeps to Discord's 50 requests a second (interaction answers are exempt on Discord's side):
  // a transport limit, not the adapter's cost, so it is lifted here.
  rest.options.globalRequestsPerSecond = Number.MAX_SAFE_INTEGER;
  rest.options.makeRequest = async (url, init) => {
    // The answer is the edit of the deferred reply (or an immediate reply): the interaction is done.
    if (init.method === "PATCH" && /\/messages\/(@|%40)original/.test(url)) finished?.();
    else if (/\/callback(\?|$)/.test(url) && String(init.body).includes('"type":4')) finished?.();
    const body = url.includes("/messages/") ? JSON.stringify({ id: "1", channel_id: "1", content: "", embeds: [], components: [], type: 0, author: { id: "42", username: "regbot", discriminator: "0" }, timestamp: new Date(0).toISOString() }) : "";
    return body ? new Response(body, { status: 200, headers: { "content-type": "application/json" } }) : new Response(null, { status: 204 });
  };
  client.rest.setToken("bench.discord.token");
  const actions = (client as unknown as { actions: { InteractionCreate: { handle(data: object): void } } }).actions;
  const throughput = await timeInTurn(core, questions, async (q) => {
    const payload = payloads.slashCommand("ask", [{ name: "question", type: 3, value: q }]);
    const done = new Promise<void>((resolve) => (finished = resolve));
    actions.InteractionCreate.handle(payload);
    // A handler that never answers would leave this await unsettled, and Node would exit 13 without a word.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([done, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer to /ask “${q}” within 10 s`)), 10_000)))]);
    clearTimeout(timer);
  });
  client.removeAllListeners(Events.InteractionCreate);
  await client.destroy();
  return throughput;
}
