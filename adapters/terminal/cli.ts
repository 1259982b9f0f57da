import readline from "node:readline";
import { Command, CommanderError } from "commander";
import cliProgress from "cli-progress";
import type { Core } from "../../src/core.js";
import type { IngestReport } from "../../src/articles/ingest.js";
import type { Answer } from "../../src/search/answer.js";
import { isRegbotError } from "../../src/errors.js";
import { runChat } from "./chat.js";
import { configCommand } from "./config-command.js";
import { feedsCommand } from "./feeds-command.js";
import { maintenanceCommands } from "./maintenance-command.js";
import { forgetCommand } from "./forget-command.js";
import { renderAnswer, renderArticle, renderArticleList } from "./render.js";

/** What the CLI needs from the composition root. */
export interface CliDeps {
  /**
   * Opens the database and the core; `seed` stores the bundled corpus in an empty store first; `writes` says the
   * command must write (a read-only database is then an error rather than read as it is).
   */
  readonly openCore: (options: { db?: string | undefined; seed: boolean; writes: boolean }) => { core: Core; close: () => void };
  /** Starts the chat adapters whose tokens are set; resolves when they stop. Returns `false` when none is configured. */
  readonly startBots: (core: Core, options: { shards?: number | "auto" | undefined }) => Promise<boolean>;
  /** Minutes between polls of a feed, from the settings (REGBOT_FEED_INTERVAL). */
  readonly feedIntervalMinutes?: () => number;
  /** Starts polling the news feeds in the background (for the terminal chat; the bots start their own). */
  readonly startNews?: (core: Core) => { stop(): Promise<void> };
  /** Registers the Discord slash commands, for one guild or globally; returns their names. */
  readonly deployDiscord: (guildId: string | undefined) => Promise<string[]>;
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly version: string;
}

/** The JSON line `ask --json` prints: a contract other tools depend on. */
export function answerJson(answer: Answer): string {
  return JSON.stringify({
    query: answer.query,
    answer: renderAnswer(answer),
    citations: answer.citations.map((c) => ({
      n: c.n,
      id: c.article.id,
      title: c.article.title,
      url: c.article.url,
      source: c.article.source,
      publishedAt: c.article.publishedAt,
      jurisdictions: c.article.jurisdictions,
      snippet: c.snippet.text,
    })),
  });
}

/** Builds the `regbot` command line. */
export function createCli(deps: CliDeps): Command {
  const out = (s: string) => deps.stdout.write(`${s}\n`);
  const color = () => Boolean(deps.stdout.isTTY) && !process.env.NO_COLOR;
  const program = new Command("regbot")
    .description("Answers crypto regulation questions with cited snippets from stored news articles.")
    .version(deps.version, "-v, --version")
    .option("--db <path>", "SQLite database file (env REGBOT_DB; default data/regbot.db)")
    .showHelpAfterError("(run regbot --help for usage)")
    .configureOutput({ writeOut: (s) => deps.stdout.write(s), writeErr: (s) => deps.stderr.write(s) })
    .exitOverride();

  const withCore = async <T>(seed: boolean, work: (core: Core) => T | Promise<T>): Promise<T> => {
    const { core, close } = deps.openCore({ db: program.opts<{ db?: string }>().db, seed, writes: !seed });
    try {
      return await work(core);
    } finally {
      close();
    }
  };

  program
    .command("start")
    .description("Run the bots whose tokens are set (TELEGRAM_BOT_TOKEN, DISCORD_TOKEN; both at once when both are set); with none set, chat in the terminal.")
    .option("--shards <n|auto>", "run the Discord bot in N shard processes (\"auto\": as many as Discord recommends); for bots in more than 2,500 servers")
    .action((opts: { shards?: string }) => {
      const shards = opts.shards === undefined ? undefined : opts.shards === "auto" ? "auto" : Number(opts.shards);
      if (typeof shards === "number" && (!Number.isInteger(shards) || shards < 1 || shards > 1000)) throw new CommanderError(2, "regbot.usage", "--shards takes a whole number from 1 to 1000, or auto.");
      return withCore(true, async (core) => {
        if (await deps.startBots(core, { shards })) return;
        deps.stderr.write("No bot tokens set (TELEGRAM_BOT_TOKEN, DISCORD_TOKEN): starting the terminal chat.\n");
        const news = deps.startNews?.(core);
        try {
          await runChat(core, { input: deps.stdin, output: deps.stdout, interactive: Boolean(deps.stdin.isTTY) });
        } finally {
          await news?.stop();
        }
      });
    });

  program
    .command("chat")
    .description("Chat in the terminal: ask questions, /latest, /article ID, /help, /quit. Reads line by line from a pipe.")
    .action(() => withCore(true, (core) => runChat(core, { input: deps.stdin, output: deps.stdout, interactive: Boolean(deps.stdin.isTTY) })));

  program
    .command("ask")
    .description("Answer one question with cited snippets. With - instead of a question, answer one question per input line.")
    .argument("<question...>", "the question, or - to read questions from standard input")
    .option("--json", "print one JSON line per question: {query, answer, citations}")
    .action((words: string[], opts: { json?: boolean }) =>
      withCore(true, async (core) => {
        const render = (answer: Answer) => (opts.json ? answerJson(answer) : renderAnswer(answer, { color: color() }));
        if (words.length === 1 && words[0] === "-") {
          const rl = readline.createInterface({ input: deps.stdin, terminal: false });
          for await (const line of rl) {
            if (!line.trim()) continue;
            try {
              out(render(core.ask(line)));
            } catch (error) {
              if (!isRegbotError(error, "BAD_INPUT")) throw error;
              out(opts.json ? JSON.stringify({ query: line.trim().slice(0, 200), answer: error.message, citations: [] }) : error.message);
            }
          }
          return;
        }
        out(render(core.ask(words.join(" "))));
      }),
    );

  program
    .command("latest")
    .description("List the newest regulation articles.")
    .option("-j, --jurisdiction <name>", "only this jurisdiction (e.g. EU, \"Hong Kong\", UK)")
    .option("-a, --all", "include the other stories feeds bring (prices, hacks)")
    .option("-n, --limit <n>", "how many (1-50)", "10")
    .option("--json", "print {articles: [...]} as JSON")
    .action((opts: { jurisdiction?: string; limit: string; json?: boolean; all?: boolean }) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 50) throw new CommanderError(2, "regbot.usage", "--limit takes a whole number from 1 to 50.");
      return withCore(true, (core) => {
        const articles = core.latest({ jurisdiction: opts.jurisdiction, limit, all: Boolean(opts.all) });
        out(opts.json
          ? JSON.stringify({ articles: articles.map(({ id, title, url, source, publishedAt, jurisdictions, topics }) => ({ id, title, url, source, publishedAt, jurisdictions, topics })) })
          : renderArticleList(articles, { color: color() }, opts.jurisdiction));
      });
    });

  program
    .command("article")
    .description("Show one whole article by its id.")
    .argument("<id>", "the article id shown beside citations and in `latest`")
    .option("--json", "print the article as JSON")
    .action((id: string, opts: { json?: boolean }) =>
      withCore(true, (core) => {
        const article = core.article(id);
        out(opts.json ? JSON.stringify(article) : renderArticle(article, { color: color() }));
      }),
    );

  program
    .command("ingest")
    .description("Add or update articles from files and folders (.txt scraped pages, .md with front matter, .json, .html article pages, .xml/.rss/.atom and JSON feeds). Never adds the bundled corpus.")
    .argument("<paths...>", "files or folders (searched recursively)")
    .option("--json", "print the report as one JSON object: {added, updated, unchanged, rejected: [{path, reason}]}")
    .action((paths: string[], opts: { json?: boolean }) =>
      withCore(false, (core) => {
        let bar: cliProgress.SingleBar | undefined;
        const onProgress = (done: number, total: number) => {
          if (!deps.stderr.isTTY || opts.json || total < 20) return;
          if (!bar) {
            bar = new cliProgress.SingleBar({ stream: deps.stderr as NodeJS.WritableStream, format: "ingesting {bar} {value}/{total} files{step}", hideCursor: true }, cliProgress.Presets.shades_classic);
            bar.start(total, 0, { step: "" });
          }
          bar.update(done);
        };
        // After the last file the search index is finished and saved: seconds for a large ingest, not a hang.
        const onIndexing = () => {
          // Drawn now: the ingest holds the event loop, so the bar's own timer would not draw it until the end.
          bar?.update({ step: ", finishing the search index…" });
          bar?.render();
        };
        let report: IngestReport;
        try {
          report = core.ingest(paths, { onProgress, onIndexing });
        } finally {
          bar?.stop();
        }
        out(opts.json ? JSON.stringify(report) : renderReport(report));
        const nothing = report.added + report.updated + report.unchanged === 0;
        if (report.rejected.length > 0 && nothing) process.exitCode = 1;
      }),
    );

  program
    .command("remove")
    .description("Retract an article: it is taken out of the store and the index and never cited again.")
    .argument("<id>", "the article id")
    .action((id: string) =>
      withCore(false, (core) => {
        const removed = core.remove(id);
        out(`Removed ${removed.id}: ${removed.title}`);
      }),
    );

  program.addCommand(feedsCommand({ withCore: (work) => withCore(false, work), out, color, ...(deps.feedIntervalMinutes ? { intervalMinutes: deps.feedIntervalMinutes } : {}) }));
  for (const command of maintenanceCommands({ dbFlag: () => program.opts<{ db?: string }>().db, out, color })) program.addCommand(command);
  program.addCommand(configCommand({ out }));
  program.addCommand(forgetCommand({ withCore: (work) => withCore(false, work), out }));

  program
    .command("discord")
    .description("Discord set-up commands.")
    .command("deploy")
    .description("Register the slash commands with Discord (bulk overwrite): in one server with --guild (instant, for setting up), else globally (may take up to an hour to show).")
    .option("--guild <id>", "the server (guild) id to register the commands in")
    .action(async (opts: { guild?: string }) => {
      if (opts.guild !== undefined && !/^\d{17,20}$/.test(opts.guild)) throw new CommanderError(2, "regbot.usage", "--guild takes a server id: 17 to 20 digits (Discord: right-click the server → Copy Server ID).");
      const names = await deps.deployDiscord(opts.guild);
      out(`Deployed ${names.length} commands ${opts.guild ? `to server ${opts.guild}` : "globally"}: ${names.map((n) => `/${n}`).join(", ")}`);
    });

  return program;
}

function renderReport(report: IngestReport): string {
  const lines = [`added ${report.added}, updated ${report.updated}, unchanged ${report.unchanged}, rejected ${report.rejected.length}`];
  for (const r of report.rejected) lines.push(`  rejected ${r.path}: ${r.reason}`);
  return lines.join("\n");
}

/**
 * Runs the CLI and returns the exit code: 0 on success, 1 when a command failed, 2 for usage errors. Errors are
 * printed as one clear message, never a stack trace (set REGBOT_DEBUG=1 for one).
 */
export async function runCli(deps: CliDeps, argv: readonly string[]): Promise<number> {
  const program = createCli(deps);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === "regbot.usage") deps.stderr.write(`${error.message}\n`);
      return error.exitCode === 0 ? 0 : error.code === "commander.help" || error.code === "commander.helpDisplayed" || error.code === "commander.version" ? 0 : 2;
    }
    if (isRegbotError(error)) {
      deps.stderr.write(`regbot: ${error.message}\n`);
      return 1;
    }
    deps.stderr.write(`regbot: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (process.env.REGBOT_DEBUG) deps.stderr.write(`${(error as Error)?.stack ?? ""}\n`);
    return 1;
  }
}


