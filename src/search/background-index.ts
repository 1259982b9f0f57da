import fs from "node:fs";
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import { findWords } from "../articles/words.js";
import type { IndexedArticle } from "./article-index.js";
import { NumberList } from "./number-list.js";

/** What the main thread sends to the index worker. */
export type IndexWorkerMessage =
  | { readonly type: "start"; readonly saved: Uint8Array | undefined }
  | {
      readonly type: "change";
      readonly removed: readonly IndexedArticle[];
      readonly upserted: readonly IndexedArticle[];
      /** The words of the upserted bodies, found on this thread: all in one list, where each article's end in `ends`. */
      readonly words?: { readonly values: Int32Array; readonly ends: Int32Array };
    }
  | { readonly type: "finish" };

/** What the index worker sends back: the finished index, or why it could not build it. */
export type IndexWorkerReply = { readonly bytes: Uint8Array } | { readonly error: string };

/**
 * An index being built on a second core while this thread goes on storing articles. Every method is synchronous:
 * an ingest stays one synchronous call, and the changes reach the index in the order they were committed.
 */
export interface BackgroundIndex {
  /**
   * Applies one store change, as {@link ArticleIndex.remove} then {@link ArticleIndex.add}. Throws when the worker
   * has said it failed, or stopped answering; the caller then builds the index itself.
   */
  apply(removed: readonly IndexedArticle[], upserted: readonly IndexedArticle[]): void;
  /**
   * Waits for the worker to apply every change, and returns the index as bytes: to save as they are, and to load
   * with `createArticleIndex`. Throws when the worker failed or stopped answering; the caller then builds the
   * index itself.
   */
  finish(): Uint8Array;
  /** Stops the worker without waiting for it (after a failed ingest). */
  abort(): void;
}

/** Options of {@link startBackgroundIndex}. */
export interface BackgroundIndexOptions {
  /** Changes the worker may lag behind before `apply` waits for it: bounds the memory of queued articles. */
  readonly maxAhead?: number;
  /** How long to wait without the worker handling a message before giving up on it. */
  readonly stallMs?: number;
  /**
   * Messages the worker must be behind by before this thread finds the words of the next change's bodies for it.
   * Only for a change whose articles came without their words (ingestion finds them for inference, and they are sent
   * whatever the lag); `Infinity`: never.
   */
  readonly helpFromLag?: number;
  /** The worker's module, when not {@link indexWorkerEntry}'s. */
  readonly entry?: URL;
}

const MAX_AHEAD = 8;
const STALL_MS = 60_000;
const HELP_FROM_LAG = 1;

/**
 * Starts building an index in a worker thread, from `saved` (an index's bytes) or empty. Worth it for large
 * ingests: analysing text is most of the cost of storing an article, and on a second core it runs beside the
 * parsing, inference and SQLite writes of this thread.
 */
export function startBackgroundIndex(saved?: Uint8Array, options: BackgroundIndexOptions = {}): BackgroundIndex {
  const maxAhead = options.maxAhead ?? MAX_AHEAD;
  const stallMs = options.stallMs ?? STALL_MS;
  const helpFromLag = options.helpFromLag ?? HELP_FROM_LAG;
  const entry = options.entry ?? indexWorkerEntry();
  if (!entry) throw new Error("the index worker is not built (run `npm run build`)");
  const handled = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = startWorker(entry, { port: port2, handled }, [port2]);
  // An ingest is synchronous, so the worker never needs this thread's event loop; nor may it keep a process alive.
  worker.unref();
  port1.unref();
  // A worker that dies shows here as a stall (or an error reply); its 'error' event, delivered once this thread's
  // event loop runs again, must not take the process down as an unhandled error.
  worker.on("error", () => {});
  let sent = 0;
  let done = false;

  const send = (message: IndexWorkerMessage, transfer: ArrayBuffer[] = []) => {
    if (done) throw new Error("the background index is already finished");
    port1.postMessage(message, transfer);
    sent++;
  };

  /** Blocks until the worker has handled all but `lag` of the messages sent; throws when it stops handling them. */
  const waitFor = (lag: number) => {
    for (;;) {
      const seen = Atomics.load(handled, 0);
      if (sent - seen <= lag) return;
      if (Atomics.wait(handled, 0, seen, stallMs) === "timed-out" && Atomics.load(handled, 0) === seen) {
        const waited = stallMs >= 1000 ? `${Math.round(stallMs / 1000)} s` : `${stallMs} ms`;
        throw new Error(`the index worker handled nothing for ${waited} (out of memory, or stopped)`);
      }
    }
  };

  const stop = () => {
    done = true;
    port1.close();
    void worker.terminate();
  };

  // A copy of the saved bytes goes to the worker (a Buffer's slice would be a view), so the caller's stay usable.
  const start = saved ? new Uint8Array(saved) : undefined;
  send({ type: "start", saved: start }, start ? [start.buffer as ArrayBuffer] : []);

  return {
    apply(removed, upserted) {
      if (removed.length === 0 && upserted.length === 0) return;
      if (done) throw new Error("the background index is already finished");
      // Before the finish, the worker writes only to say it failed: no use sending it more.
      const early = receiveMessageOnPort(port1)?.message as IndexWorkerReply | undefined;
      if (early && "error" in early) throw new Error(`the index worker failed: ${early.error}`);
      // The words of the bodies go along when this thread has them (ingestion finds them to infer topics), or while
      // the worker is behind: then this thread finds them for it (about a tenth of its work per article), which
      // would otherwise finish long before the worker and wait.
      const found = upserted.every((article) => article.bodyWords);
      const words = upserted.length > 0 && (found || sent - Atomics.load(handled, 0) >= helpFromLag) ? packBodyWords(upserted) : undefined;
      const message: IndexWorkerMessage = { type: "change", removed: removed.map(indexed), upserted: upserted.map(indexed), ...(words ? { words } : {}) };
      send(message, words ? [words.values.buffer as ArrayBuffer, words.ends.buffer as ArrayBuffer] : []);
      waitFor(maxAhead);
    },
    finish() {
      try {
        send({ type: "finish" });
        waitFor(0);
        for (let received = receiveMessageOnPort(port1); received; received = receiveMessageOnPort(port1)) {
          const reply = received.message as IndexWorkerReply;
          if ("error" in reply) throw new Error(`the index worker failed: ${reply.error}`);
          return reply.bytes;
        }
        throw new Error("the index worker finished without sending the index");
      } finally {
        stop();
      }
    },
    abort: () => {
      if (!done) stop();
    },
  };
}

/**
 * The words of the articles' bodies (as `wordsOf` lists them: found here unless they were already) in one list, to
 * be transferred to the worker in one piece.
 */
function packBodyWords(articles: readonly IndexedArticle[]): { values: Int32Array; ends: Int32Array } {
  const spans = new NumberList(3 * 1024);
  const ends = new Int32Array(articles.length);
  articles.forEach((article, i) => {
    if (article.bodyWords) {
      spans.reserve(article.bodyWords.length);
      spans.items.set(article.bodyWords, spans.length);
      spans.length += article.bodyWords.length;
    } else findWords(article.body, spans);
    ends[i] = spans.length;
  });
  return { values: spans.items, ends };
}

/** Only what the index reads, so copying an article to the worker costs no more than it must. */
function indexed(article: IndexedArticle): IndexedArticle {
  const { id, title, body, publishedAt, jurisdictions, topics, relevant } = article;
  return { id, title, body, publishedAt, jurisdictions, topics, relevant };
}

/**
 * Starts the worker without a TypeScript loader it does not need (see {@link withoutTypeScriptLoaders}); with this
 * process's options as they are when there is none, or when Node refuses the rest for a worker (it refuses
 * options such as `--max-old-space-size` when given explicitly, though it takes them inherited).
 */
function startWorker(entry: URL, workerData: unknown, transferList: MessagePort[]): Worker {
  const execArgv = withoutTypeScriptLoaders(process.execArgv);
  if (execArgv.length < process.execArgv.length) {
    try {
      return new Worker(entry, { workerData, transferList, execArgv });
    } catch (error) {
      if ((error as { code?: unknown }).code !== "ERR_WORKER_INVALID_EXEC_ARGV") throw error;
    }
  }
  return new Worker(entry, { workerData, transferList });
}

/** Options that load code into every module graph first. */
const MODULE_HOOK_OPTIONS = new Set(["--import", "--require", "-r", "--loader", "--experimental-loader"]);
/** The TypeScript loaders among them: the worker runs built JavaScript only. */
const TYPESCRIPT_LOADER = /(^|[\\/@])(tsx|ts-node|esbuild-register|@swc-node)([\\/]|$)/;

/**
 * This process's Node options for the worker, less TypeScript loaders (regbot run from its sources through tsx):
 * a loader would add about 45 ms to the worker's start, which every large ingest waits for. Other hooks (Yarn
 * PnP's resolver, tracing) stay: the worker may need them to find its packages.
 */
export function withoutTypeScriptLoaders(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const option = execArgv[i]!;
    const equals = option.indexOf("=");
    const name = equals < 0 ? option : option.slice(0, equals);
    // The option's value follows it as the next argument, unless given as `--import=…`.
    const value = equals < 0 ? execArgv[i + 1] : option.slice(equals + 1);
    if (!MODULE_HOOK_OPTIONS.has(name) || value === undefined || !TYPESCRIPT_LOADER.test(value)) {
      kept.push(option);
      continue;
    }
    if (equals < 0) i++;
  }
  return kept;
}

/**
 * The worker's module, or `undefined` when there is none to start. Built, it is index-worker.js beside this file.
 * Run from the TypeScript source (tests, `tsx`), it is the built one in dist/: Node 20 cannot load TypeScript in
 * a worker thread, and `npm test` and `npm run bench` build first.
 */
export function indexWorkerEntry(): URL | undefined {
  const entry = import.meta.url.endsWith(".ts") ? new URL("../../dist/src/search/index-worker.js", import.meta.url) : new URL("./index-worker.js", import.meta.url);
  return fs.existsSync(entry) ? entry : undefined;
}
