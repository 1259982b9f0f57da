// The worker thread of a background index build (see background-index.ts): it keeps an ArticleIndex, applies
// the changes the main thread sends, and hands back the finished index as bytes. Messages are handled in order;
// after each one, the shared counter goes up, so the main thread can wait for it without an event loop.
import { type MessagePort, workerData } from "node:worker_threads";
import type { ArticleIndex, IndexedArticle } from "./article-index.js";
import type { IndexWorkerMessage, IndexWorkerReply } from "./background-index.js";

const { port, handled } = workerData as { port: MessagePort; handled: Int32Array };

// Imported here, not above: a module that cannot load (a build older than its sources, a missing package) would
// otherwise end the thread before it could say so, and the main thread, blocked in a wait, would only notice
// by the worker's silence. This way every message is answered with the reason.
let modules: { createArticleIndex: typeof import("./article-index.js").createArticleIndex } | undefined;
let failure: string | undefined;
try {
  const [{ analyze }, { createArticleIndex }, { isEnglishWord }] = await Promise.all([import("./analyzer.js"), import("./article-index.js"), import("./english.js")]);
  modules = { createArticleIndex };
  // The first articles are still being parsed and stored on the main thread: the time to read the word list and
  // build the phrase automaton, which the first article added would otherwise wait for.
  try {
    isEnglishWord("");
    analyze("warm up");
  } catch {
    // Only a warm-up: whatever failed fails again while handling a message, and is reported from there.
  }
} catch (error) {
  failure = `it could not load its modules (${error instanceof Error ? error.message : String(error)})`;
}

let index: ArticleIndex | undefined;

port.on("message", (message: IndexWorkerMessage) => {
  try {
    if (failure === undefined) {
      if (message.type === "start") index = modules!.createArticleIndex(message.saved);
      else if (message.type === "change") {
        index!.remove(message.removed);
        index!.add(withWords(message));
      } else {
        const encoded = index!.toBytes();
        // Transferred when the bytes are their buffer's only content (as encodeIndex writes them), else copied.
        const bytes = encoded.byteOffset === 0 && encoded.byteLength === encoded.buffer.byteLength ? encoded : new Uint8Array(encoded);
        const reply: IndexWorkerReply = { bytes };
        port.postMessage(reply, [bytes.buffer as ArrayBuffer]);
      }
    } else if (message.type !== "change") {
      // Said at the start, so the main thread stops sending changes early, and again when asked for the index.
      const reply: IndexWorkerReply = { error: failure };
      port.postMessage(reply);
    }
  } catch (error) {
    // After a failure the index is incomplete: later changes are skipped, and the main thread rebuilds instead.
    failure = error instanceof Error ? error.message : String(error);
    const reply: IndexWorkerReply = { error: failure };
    port.postMessage(reply);
  } finally {
    Atomics.add(handled, 0, 1);
    Atomics.notify(handled, 0);
  }
});

/** The upserted articles of a change, each with its body's words when the main thread sent them (see `packBodyWords`). */
function withWords({ upserted, words }: Extract<IndexWorkerMessage, { type: "change" }>): readonly IndexedArticle[] {
  if (!words) return upserted;
  return upserted.map((article, i) => ({ ...article, bodyWords: words.values.subarray(i === 0 ? 0 : words.ends[i - 1], words.ends[i]) }));
}
