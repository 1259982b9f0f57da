import http from "node:http";
import type { AddressInfo } from "node:net";
import { RegbotError } from "./errors.js";
import type { Metrics } from "./metrics.js";
import type { Db } from "./storage/database.js";

/** One check's verdict; `detail` is shown to whoever can reach the port, so it never holds a secret. */
export interface CheckResult {
  readonly ok: boolean;
  readonly detail: string;
}

/** A health check: synchronous and quick, run on every `GET /healthz`. */
export type HealthCheck = () => CheckResult;

/** Options of {@link startHealthServer}. */
export interface HealthServerOptions {
  /** The port to listen on; 0 picks a free one (tests). */
  readonly port: number;
  /** The address to listen on. Default `127.0.0.1`: expose it further only on purpose (`0.0.0.0` in a container). */
  readonly host?: string;
  /** Served at `GET /metrics`. */
  readonly metrics: Metrics;
  /** `database`, and one check per configured adapter (`telegram`, `discord`). */
  readonly checks: { readonly database: HealthCheck } & Readonly<Record<string, HealthCheck>>;
}

/** A running health server. */
export interface HealthServer {
  /** Stops listening and closes idle keep-alive connections. */
  close(): Promise<void>;
  address(): AddressInfo;
}

/** The body of `GET /healthz`. */
export interface HealthReport {
  readonly status: "ok" | "fail";
  readonly checks: Record<string, CheckResult>;
}

/**
 * Serves `GET /healthz` (200 when every check passes, else 503, with each check's verdict as JSON) and
 * `GET /metrics` (Prometheus text). HEAD works on both; other methods get 405 and other paths 404.
 */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const server = http.createServer((req, res) => {
    void respond(req, res, options).catch(() => {
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    });
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    const refused = (error: NodeJS.ErrnoException) => {
      const why = error.code === "EADDRINUSE" ? "another program already uses that port (EADDRINUSE)" : error.message;
      reject(new RegbotError("IO", `Cannot serve the health endpoint on ${host}:${options.port}: ${why}. Choose another HEALTH_PORT or HEALTH_HOST.`, { cause: error }));
    };
    server.once("error", refused);
    server.listen(options.port, host, () => {
      server.off("error", refused);
      resolve();
    });
  });
  return {
    address: () => server.address() as AddressInfo,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

async function respond(req: http.IncomingMessage, res: http.ServerResponse, options: HealthServerOptions): Promise<void> {
  const path = (req.url ?? "/").split("?")[0];
  if (path !== "/healthz" && path !== "/metrics") return send(req, res, 404, "text/plain; charset=utf-8", "Not found: try /healthz or /metrics.\n");
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.setHeader("Allow", "GET, HEAD");
    return send(req, res, 405, "text/plain; charset=utf-8", "Only GET and HEAD.\n");
  }
  if (path === "/metrics") {
    const registry = options.metrics.registry;
    return send(req, res, 200, registry.contentType, await registry.metrics());
  }
  const report = runChecks(options.checks);
  send(req, res, report.status === "ok" ? 200 : 503, "application/json; charset=utf-8", `${JSON.stringify(report)}\n`);
}

function send(req: http.IncomingMessage, res: http.ServerResponse, status: number, type: string, body: string): void {
  res.statusCode = status;
  res.setHeader("Content-Type", type);
  res.setHeader("Cache-Control", "no-store");
  res.setHeader("Content-Length", Buffer.byteLength(body));
  res.end(req.method === "HEAD" ? undefined : body);
}

/** Runs every check; one that throws fails with its error's message, any token-like text masked. */
export function runChecks(checks: Readonly<Record<string, HealthCheck>>): HealthReport {
  const results: Record<string, CheckResult> = {};
  for (const [name, check] of Object.entries(checks)) {
    try {
      const { ok, detail } = check();
      results[name] = { ok, detail: maskSecrets(detail) };
    } catch (error) {
      results[name] = { ok: false, detail: maskSecrets(`the check failed: ${error instanceof Error ? error.message : String(error)}`) };
    }
  }
  return { status: Object.values(results).every((r) => r.ok) ? "ok" : "fail", checks: results };
}

/** Telegram bot tokens (`123456:AA…`) and Discord bot tokens (three dot-separated base64 parts). */
const TOKEN_LIKE = /\d{5,}:[\w-]{30,}|[\w-]{23,}\.[\w-]{6,}\.[\w-]{27,}/g;

/** Masks anything shaped like a bot token, in case an error message carried a request URL. */
export function maskSecrets(text: string): string {
  return text.replace(TOKEN_LIKE, "[secret]");
}

/**
 * Checks the database takes writes: starts a write transaction, creates a table and rolls it back. Fails on a
 * read-only file or folder, and on a lock held longer than `busyTimeoutMs` (default 250 ms; the connection's
 * own busy timeout is restored afterwards, so the event loop is never blocked for its usual 5 s).
 */
export function databaseWritable(db: Db, options: { busyTimeoutMs?: number } = {}): HealthCheck {
  return () => {
    if (!db.open) return { ok: false, detail: "the database is closed" };
    // A write in progress on this very connection proves it writable; BEGIN would refuse to nest.
    if (db.inTransaction) return { ok: true, detail: "writable (a write is in progress)" };
    const saved = db.pragma("busy_timeout", { simple: true }) as number;
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 250))}`);
    try {
      db.exec("BEGIN IMMEDIATE");
      try {
        db.exec("CREATE TABLE regbot_health_probe (x)");
      } finally {
        if (db.inTransaction) db.exec("ROLLBACK");
      }
      return { ok: true, detail: "writable" };
    } catch (error) {
      const code = (error as { code?: string }).code ?? "";
      const why = code.startsWith("SQLITE_READONLY") ? "read-only" : code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED") ? "locked by another connection" : "not writable";
      return { ok: false, detail: `the database is ${why}: ${error instanceof Error ? error.message : String(error)}` };
    } finally {
      db.pragma(`busy_timeout = ${saved}`);
    }
  };
}
