import Database from "better-sqlite3";
import { describe, expect, it, onTestFinished } from "vitest";
import { databaseWritable, maskSecrets, startHealthServer, type HealthCheck, type HealthServerOptions } from "../src/health.js";
import { createMetrics } from "../src/metrics.js";
import { openDatabase, type Db } from "../src/storage/database.js";
import { openTempStore } from "./fakes/temp-store.js";
import { parsePrometheus, sampleValue } from "./fakes/prometheus-text.js";

const TELEGRAM_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";

const up: HealthCheck = () => ({ ok: true, detail: "connected" });

/** Starts a health server on a free loopback port, closed when the test finishes; returns its base URL. */
async function serve(options: Omit<HealthServerOptions, "port">): Promise<string> {
  const server = await startHealthServer({ port: 0, ...options });
  onTestFinished(() => server.close());
  return `http://127.0.0.1:${server.address().port}`;
}

/** A writable database in a temp folder, closed after the test. */
function writableDb(): Db {
  return openTempStore().db;
}

async function healthz(base: string): Promise<{ status: number; type: string | null; body: any; text: string }> {
  const res = await fetch(`${base}/healthz`);
  const text = await res.text();
  return { status: res.status, type: res.headers.get("content-type"), body: JSON.parse(text), text };
}

describe("GET /healthz", () => {
  it("answers 200 with every check's verdict when the database is writable and the adapters are connected", async () => {
    const base = await serve({ metrics: createMetrics(), checks: { database: databaseWritable(writableDb()), telegram: up, discord: up } });
    const { status, type, body } = await healthz(base);
    expect(status).toBe(200);
    expect(type).toMatch(/^application\/json/);
    expect(body).toEqual({
      status: "ok",
      checks: { database: { ok: true, detail: "writable" }, telegram: { ok: true, detail: "connected" }, discord: { ok: true, detail: "connected" } },
    });
  });

  it("answers 503 when an adapter is not connected, naming it", async () => {
    const base = await serve({ metrics: createMetrics(), checks: { database: databaseWritable(writableDb()), telegram: up, discord: () => ({ ok: false, detail: "gateway reconnecting" }) } });
    const { status, body } = await healthz(base);
    expect(status).toBe(503);
    expect(body.status).toBe("fail");
    expect(body.checks.telegram.ok).toBe(true);
    expect(body.checks.discord).toEqual({ ok: false, detail: "gateway reconnecting" });
  });

  it("answers 503 when the database was opened read-only", async () => {
    const store = openTempStore();
    const readonly = openDatabase(store.file, { readonly: true });
    onTestFinished(() => void readonly.close());
    const base = await serve({ metrics: createMetrics(), checks: { database: databaseWritable(readonly) } });
    const { status, body } = await healthz(base);
    expect(status).toBe(503);
    expect(body.checks.database.ok).toBe(false);
    expect(body.checks.database.detail).toMatch(/^the database is read-only: /);
  });

  it("answers 503 within the short busy timeout while another connection holds the write lock, then 200 once it lets go", async () => {
    const db = writableDb();
    const other = new Database(db.name);
    onTestFinished(() => void other.close());
    other.exec("BEGIN EXCLUSIVE");
    const base = await serve({ metrics: createMetrics(), checks: { database: databaseWritable(db, { busyTimeoutMs: 100 }) } });

    const locked = await healthz(base);
    expect(locked.status).toBe(503);
    expect(locked.body.checks.database.detail).toMatch(/^the database is locked by another connection: /);
    // The connection keeps its own, longer busy timeout for real work.
    expect(db.pragma("busy_timeout", { simple: true })).toBe(5000);

    other.exec("ROLLBACK");
    expect((await healthz(base)).status).toBe(200);
  });

  it("leaves nothing behind in the database", async () => {
    const db = writableDb();
    const tables = () => db.prepare("SELECT name FROM sqlite_master ORDER BY name").pluck().all();
    const before = tables();
    expect(databaseWritable(db)()).toEqual({ ok: true, detail: "writable" });
    expect(tables()).toEqual(before);
    expect(db.inTransaction).toBe(false);
  });

  it("answers 503 when a check throws, with any token masked", async () => {
    const base = await serve({
      metrics: createMetrics(),
      checks: {
        database: databaseWritable(writableDb()),
        telegram: () => {
          throw new Error(`request to https://api.telegram.org/bot${TELEGRAM_TOKEN}/getMe failed`);
        },
      },
    });
    const { status, body, text } = await healthz(base);
    expect(status).toBe(503);
    expect(body.checks.telegram).toEqual({ ok: false, detail: "the check failed: request to https://api.telegram.org/bot[secret]/getMe failed" });
    expect(text).not.toContain(TELEGRAM_TOKEN);
  });

  it("answers HEAD with the status and no body", async () => {
    const base = await serve({ metrics: createMetrics(), checks: { database: databaseWritable(writableDb()), telegram: () => ({ ok: false, detail: "stopped" }) } });
    const res = await fetch(`${base}/healthz`, { method: "HEAD" });
    expect(res.status).toBe(503);
    expect(await res.text()).toBe("");
  });
});

describe("GET /metrics", () => {
  it("serves the registry in Prometheus text format, with the counts so far", async () => {
    const metrics = createMetrics();
    const base = await serve({ metrics, checks: { database: databaseWritable(writableDb()) } });
    metrics.update("telegram");
    metrics.answer("telegram", true, 0.003);
    metrics.feedPoll("failed");

    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const samples = parsePrometheus(await res.text());
    expect(sampleValue(samples, "regbot_updates_total", { platform: "telegram" })).toBe(1);
    expect(sampleValue(samples, "regbot_answers_total", { platform: "telegram", outcome: "cited" })).toBe(1);
    expect(sampleValue(samples, "regbot_feed_failures_total", {})).toBe(1);
    expect(samples.some((s) => s.name === "process_resident_memory_bytes" || s.name === "process_cpu_user_seconds_total")).toBe(true);
  });
});

describe("startHealthServer", () => {
  it("answers 404 for any other path and 405 for other methods", async () => {
    const base = await serve({ metrics: createMetrics(), checks: { database: databaseWritable(writableDb()) } });
    for (const path of ["/", "/health", "/healthz/more", "/metrics.txt", "/favicon.ico"]) {
      expect((await fetch(`${base}${path}`)).status, path).toBe(404);
    }
    expect((await fetch(`${base}/healthz?verbose=1`)).status).toBe(200);
    const post = await fetch(`${base}/healthz`, { method: "POST", body: "{}" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
  });

  it("listens on loopback unless told otherwise, and stops listening on close()", async () => {
    const server = await startHealthServer({ port: 0, metrics: createMetrics(), checks: { database: () => ({ ok: true, detail: "writable" }) } });
    const { address, port } = server.address();
    expect(address).toBe("127.0.0.1");
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    await server.close();
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });

  it("refuses to start on a port already taken", async () => {
    const first = await startHealthServer({ port: 0, metrics: createMetrics(), checks: { database: up } });
    onTestFinished(() => first.close());
    await expect(startHealthServer({ port: first.address().port, metrics: createMetrics(), checks: { database: up } })).rejects.toThrow(
      `Cannot serve the health endpoint on 127.0.0.1:${first.address().port}: another program already uses that port (EADDRINUSE). Choose another HEALTH_PORT or HEALTH_HOST.`,
    );
  });
});

describe("maskSecrets", () => {
  it("masks Telegram and Discord bot tokens and leaves other text alone", () => {
    const discord = "MTA5ODc2NTQzMjEwOTg3NjU0Mw.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789";
    expect(maskSecrets(`a ${TELEGRAM_TOKEN} b ${discord} c`)).toBe("a [secret] b [secret] c");
    expect(maskSecrets("database is locked")).toBe("database is locked");
  });
});
