import readline from "node:readline";
import type { Core } from "../../src/core.js";
import { isRegbotError, quoteInput } from "../../src/errors.js";
import { renderAnswer, renderArticle, renderArticleList, type Style } from "./render.js";

/** Where the chat reads and writes. */
export interface ChatIo {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  /** Interactive: a prompt, a greeting and colours. Otherwise questions are read line by line until the input ends. */
  readonly interactive: boolean;
}

/** The chat's help text. */
export const CHAT_HELP = [
  "Ask a question about crypto regulation news, e.g. “is crypto trading banned in China?”",
  "  /latest [jurisdiction]   newest articles (e.g. /latest eu)",
  "  /article ID              the full article (ids are shown with each citation)",
  "  /help                    this help",
  "  /quit                    leave",
].join("\n");

/** Handles one line of chat input and returns what to print (or `null` to quit). */
export function chatReply(core: Core, line: string, style: Style): string | null {
  const text = line.trim();
  if (!text) return "";
  try {
    if (text.startsWith("/")) {
      const [command = "", ...rest] = text.slice(1).split(/\s+/);
      const arg = rest.join(" ").trim();
      switch (command.toLowerCase()) {
        case "quit":
        case "exit":
        case "q":
          return null;
        case "help":
        case "start":
          return CHAT_HELP;
        case "latest":
          return renderArticleList(core.latest({ jurisdiction: arg || undefined, limit: 5 }), style, arg || undefined);
        case "article":
          if (!arg) return "Usage: /article ID (ids are shown with each citation and in /latest).";
          return renderArticle(core.article(arg), style);
        default:
          return `Unknown command /${quoteInput(command, 30)}. ${CHAT_HELP.split("\n").slice(1).join(" ").replace(/\s+/g, " ")}`;
      }
    }
    return renderAnswer(core.ask(text), style);
  } catch (error) {
    if (isRegbotError(error) && ["BAD_INPUT", "NOT_FOUND"].includes(error.code)) return error.message;
    throw error;
  }
}

/** Runs the terminal chat until `/quit` or the end of input. */
export async function runChat(core: Core, io: ChatIo): Promise<void> {
  // Colour only when the replies go to a terminal too: `regbot chat > log` must not fill the log with escapes.
  const toTerminal = Boolean((io.output as NodeJS.WritableStream & { isTTY?: boolean }).isTTY);
  const style: Style = { color: io.interactive && toTerminal && !process.env.NO_COLOR };
  const write = (s: string) => io.output.write(`${s}\n`);
  const rl = readline.createInterface({ input: io.input, output: io.interactive ? io.output : undefined, terminal: io.interactive });
  if (io.interactive) {
    write(`regbot: ${core.count()} articles on crypto regulation. Type a question, or /help.`);
    rl.setPrompt("> ");
    rl.prompt();
  }
  // Ctrl+C leaves the chat (readline would otherwise pause and leave the process waiting).
  rl.on("SIGINT", () => rl.close());
  for await (const line of rl) {
    const reply = chatReply(core, line, style);
    if (reply === null) break;
    if (reply) write(io.interactive ? `\n${reply}\n` : `${reply}\n`);
    if (io.interactive) rl.prompt();
  }
  rl.close();
}
