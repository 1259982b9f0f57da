// Soak test (issue 8): 20,000 questions from 500 chats through the real Telegram bot against the fake Bot API
// server. Checks every question is answered exactly once, memory stays flat after the warm-up, and nothing is
// left unhandled; prints throughput and the memory series. Exit code 1 when a check fails.
// Usage: npx tsx bench/soak.ts [--updates 20000] [--chats 500]
import os from "node:os";
import { parseArgs } from "node:util";
import v8 from "node:v8";
import vm from "node:vm";
import { runSoak, soakPassed, type Flatness } from "./soak-run.js";

const { values } = parseArgs({ options: { updates: { type: "string", default: "20000" }, chats: { type: "string", default: "500" } } });
const updates = Number(values.updates);
const chats = Number(values.chats);
if (!Number.isInteger(updates) || updates < 1 || !Number.isInteger(chats) || chats < 2) {
  console.error("--updates takes a whole number of at least 1, --chats one of at least 2.");
  process.exit(2);
}

// Memory is sampled after a full garbage collection, so a sample shows what is kept, not what is yet to be collected.
v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

const fmt = (n: number, digits = 1) => n.toFixed(digits);
const verdict = (ok: boolean) => (ok ? "pass" : "FAIL");
const describeFlat = (name: string, f: Flatness | null) =>
  f ? `${name}: second quarter median ${fmt(f.secondQuarterMb)} MB, last quarter ${fmt(f.lastQuarterMb)} MB (${f.lastQuarterMb >= f.secondQuarterMb ? "+" : ""}${fmt(f.lastQuarterMb - f.secondQuarterMb)} MB)   flat ${verdict(f.flat)}` : `${name}: too few samples to judge`;

console.log(`regbot soak — ${updates.toLocaleString("en")} updates from ${chats} chats, ${os.cpus()[0]?.model ?? "cpu"}, ${os.cpus().length} cores, Node ${process.version}`);
const report = await runSoak({ updates, chats, beforeSample: gc, log: (line) => console.log(`  ${line}`) });

console.log("\nmemory after each 1,000 updates (after the 2,000-update warm-up, after a full GC):");
console.log("  updates     RSS MB   heap MB   answers/s");
for (const s of report.samples) console.log(`  ${String(s.updates).padStart(7)}   ${fmt(s.rssMb).padStart(7)}   ${fmt(s.heapMb).padStart(7)}   ${fmt(s.perSecond, 0).padStart(9)}`);
console.log(`\n${describeFlat("RSS ", report.rss)}`);
console.log(describeFlat("heap", report.heap));
console.log(`throughput: ${fmt(report.perSecond, 0)} updates/s (${fmt(report.seconds)} s for ${report.updates.toLocaleString("en")})`);
console.log(`answered exactly once: ${report.answeredOnce.toLocaleString("en")}/${report.updates.toLocaleString("en")}; missing ${report.missing}, answered twice ${report.duplicates}, apologies or flood notices ${report.failedReplies}   ${verdict(report.answeredOnce === report.updates && report.missing + report.duplicates + report.failedReplies === 0)}`);
console.log(`(long answers continued in ${report.continuations} further messages)`);
console.log(`unhandled rejections: ${report.unhandledRejections}   ${verdict(report.unhandledRejections === 0)}`);
console.log(`handler errors logged: ${report.handlerErrors}   ${verdict(report.handlerErrors === 0)}`);
const passed = soakPassed(report);
console.log(`\n${passed ? "all checks passed" : "SOME CHECKS FAILED"}`);
process.exitCode = passed ? 0 : 1;
