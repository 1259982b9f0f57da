// The worker thread of a background index build (see background-index.ts): it keeps an ArticleIndex, applies
// the changes the main thread sends, and hands back the finished index as bytes. Messages are handled in order;
// after each one, the shared counter goes up, so the main thread can wait for it without an event loop.
import { type MessagePort, workerData } from "node:worker_threads";
import { analyze } from "./analyzer.js";
import { type ArticleIndex, createArticleIndex } from "./article-index.js";
import { isEnglishWord } from "./english.js";
import type { IndexWorkerMessage, IndexWorkerReply } from "./background-index.js";

const { port, handled } = workerData as { port: MessagePort; handled: Int32Array };

// The first articles are still being parsed and stored on the main thread: the time to read the word list and
// build the phrase automaton, which the first article added would otherwise wait for.
try {
  isEnglishWord("");
  analyze("warm up");
} catch {
  // Only a warm-up: whatever failed fails again while handling a message, and is reported from there.
}

let index: ArticleIndex | undefined;
let failed = false;

port.on("message", (message: IndexWorkerMessage) => {
  try {
    if (!failed) {
      if (message.type === "start") index = createArticleIndex(message.saved);
      else if (message.type === "change") {
        index!.remove(message.removed);
        index!.add(message.upserted);
      } else {
        const encoded = index!.toBytes();
        // Transferred when the bytes are their buffer's only content; a small Buffer shares Node's pool, so it is copied.
        const bytes = encoded.byteOffset === 0 && encoded.byteLength === encoded.buffer.byteLength ? encoded : new Uint8Array(encoded);
        const reply: IndexWorkerReply = { bytes };
        port.postMessage(reply, [bytes.buffer as ArrayBuffer]);
      }
    }
  } catch (error) {
    // After a failure the index is incomplete: later changes are skipped, and the main thread rebuilds instead.
    failed = true;
    const reply: IndexWorkerReply = { error: error instanceof Error ? error.message : String(error) };
    port.postMessage(reply);
  } finally {
    Atomics.add(handled, 0, 1);
    Atomics.notify(handled, 0);
  }
});
