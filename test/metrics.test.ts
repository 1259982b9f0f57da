import { describe, expect, it } from "vitest";
import { createMetrics, silentMetrics } from "../src/metrics.js";
import { parsePrometheus, sampleValue } from "./fakes/prometheus-text.js";

describe("createMetrics", () => {
  it("counts each event under its platform and labels, in Prometheus text format", async () => {
    const metrics = createMetrics();
    metrics.update("telegram");
    metrics.update("telegram");
    metrics.update("discord");
    metrics.answer("telegram", true, 0.004);
    metrics.answer("discord", false, 0.2);
    metrics.warning("telegram");
    metrics.action("discord", "ban");
    metrics.feedPoll("new");
    metrics.feedPoll("failed");
    metrics.alertSent("telegram");
    metrics.error("discord");

    const samples = parsePrometheus(await metrics.registry.metrics());
    expect(sampleValue(samples, "regbot_updates_total", { platform: "telegram" })).toBe(2);
    expect(sampleValue(samples, "regbot_updates_total", { platform: "discord" })).toBe(1);
    expect(sampleValue(samples, "regbot_answers_total", { platform: "telegram", outcome: "cited" })).toBe(1);
    expect(sampleValue(samples, "regbot_answers_total", { platform: "discord", outcome: "none" })).toBe(1);
    expect(sampleValue(samples, "regbot_answer_seconds_count", {})).toBe(2);
    expect(sampleValue(samples, "regbot_answer_seconds_bucket", { le: "0.005" })).toBe(1);
    expect(sampleValue(samples, "regbot_answer_seconds_bucket", { le: "2" })).toBe(2);
    expect(sampleValue(samples, "regbot_warnings_total", { platform: "telegram" })).toBe(1);
    expect(sampleValue(samples, "regbot_moderation_actions_total", { platform: "discord", action: "ban" })).toBe(1);
    expect(sampleValue(samples, "regbot_feed_polls_total", { outcome: "new" })).toBe(1);
    expect(sampleValue(samples, "regbot_feed_polls_total", { outcome: "failed" })).toBe(1);
    expect(sampleValue(samples, "regbot_feed_failures_total", {})).toBe(1);
    expect(sampleValue(samples, "regbot_alerts_sent_total", { platform: "telegram" })).toBe(1);
    expect(sampleValue(samples, "regbot_errors_total", { platform: "discord" })).toBe(1);
  });

  it("buckets answer times from a millisecond to two seconds", async () => {
    const samples = parsePrometheus(await createMetrics().registry.metrics());
    const bounds = samples.filter((s) => s.name === "regbot_answer_seconds_bucket").map((s) => s.labels.le);
    expect(bounds[0]).toBe("0.001");
    expect(bounds).toContain("2");
    expect(bounds.at(-1)).toBe("+Inf");
  });

  it("includes Node's process metrics", async () => {
    const names = new Set(parsePrometheus(await createMetrics().registry.metrics()).map((s) => s.name));
    expect(names.has("process_cpu_user_seconds_total")).toBe(true);
    expect([...names].some((n) => n.startsWith("nodejs_"))).toBe(true);
  });

  it("keeps each instance's counts apart (no global registry)", async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.update("telegram");
    expect(sampleValue(parsePrometheus(await a.registry.metrics()), "regbot_updates_total", { platform: "telegram" })).toBe(1);
    expect(sampleValue(parsePrometheus(await b.registry.metrics()), "regbot_updates_total", { platform: "telegram" })).toBeUndefined();
  });
});

describe("silentMetrics", () => {
  it("has every method and counts nothing", async () => {
    silentMetrics.update("telegram");
    silentMetrics.answer("telegram", true, 0.01);
    silentMetrics.warning("discord");
    silentMetrics.action("discord", "kick");
    silentMetrics.feedPoll("failed");
    silentMetrics.alertSent("telegram");
    silentMetrics.error("telegram");
    expect((await silentMetrics.registry.metrics()).trim()).toBe("");
    expect(Object.keys(silentMetrics).sort()).toEqual(Object.keys(createMetrics()).sort());
  });
});
