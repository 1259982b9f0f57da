import path from "node:path";
import { Command } from "commander";
import pc from "picocolors";
import { readConfig } from "../../src/config.js";
import { runDoctor } from "../../src/doctor.js";
import { formatBytes } from "../../src/units.js";
import { migrations } from "../../src/storage/migrations.js";
import { backupDatabase, restoreDatabase } from "../../src/storage/backup.js";

/** What the maintenance commands need from the CLI. */
export interface MaintenanceCommandDeps {
  /** The `--db` flag as given, if any. */
  readonly dbFlag: () => string | undefined;
  readonly out: (line: string) => void;
  readonly color: () => boolean;
  /** Where settings are read from. Default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * The database file the maintenance commands work on: `--db`, else REGBOT_DB, else the default. Only that setting is
 * read, so a mistake in another one does not stop a backup, a restore, or the doctor that reports it.
 */
export function maintenanceDbFile(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return readConfig({ db: flag }, { REGBOT_DB: env.REGBOT_DB }).db;
}

/** The `regbot backup`, `regbot restore` and `regbot doctor` commands, for running regbot for real. */
export function maintenanceCommands(deps: MaintenanceCommandDeps): Command[] {
  const { out } = deps;
  const dbFile = () => maintenanceDbFile(deps.dbFlag(), deps.env);

  const backup = new Command("backup")
    .description("Copy the database to FILE, consistently, also while the bot runs and writes to it. Refuses an existing FILE unless --force.")
    .argument("<file>", "where to write the backup (a new file)")
    .option("--force", "replace FILE if it exists")
    .action(async (file: string, opts: { force?: boolean }) => {
      const report = await backupDatabase(dbFile(), file, { force: Boolean(opts.force) });
      out(`Backed up ${count(report.articles, "article")} to ${report.file} (${formatBytes(report.bytes)}).`);
    });

  const restore = new Command("restore")
    .description("Put a backup made by `regbot backup` back as the database. Stop the bot first; the replaced database is kept beside it.")
    .argument("<file>", "the backup file")
    .action(async (file: string) => {
      const report = await restoreDatabase(dbFile(), file);
      const upgrade = report.schema < migrations.length ? ` It is from an older regbot (schema ${report.schema}) and is upgraded when regbot next opens it.` : "";
      out(`Restored ${count(report.articles, "article")} from ${path.resolve(file)} into ${report.file}.${upgrade}`);
      out(report.replaced ? `The database it replaced is kept as ${report.replaced}.` : "There was no database to replace.");
    });

  const doctor = new Command("doctor")
    .description("Check that regbot can run: the database opens and is intact, schema, articles, search index (rebuilt when stale), configuration, free disk space. Exits 1 when a problem remains.")
    .option("--json", "print {checks: [{name, ok, detail}]} as JSON")
    .action((opts: { json?: boolean }) => {
      const checks = runDoctor({ dbFile: dbFile(), ...(deps.env ? { env: deps.env } : {}) });
      if (opts.json) out(JSON.stringify({ checks }));
      else {
        const c = deps.color() ? pc : { green: (s: string) => s, red: (s: string) => s };
        for (const check of checks) out(`${check.ok ? c.green("ok     ") : c.red("PROBLEM")} ${check.name}: ${check.detail}`);
      }
      if (checks.some((check) => !check.ok)) process.exitCode = 1;
    });

  return [backup, restore, doctor];
}

function count(n: number, noun: string): string {
  return `${n.toLocaleString("en")} ${noun}${n === 1 ? "" : "s"}`;
}
