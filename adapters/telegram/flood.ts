/**
 * Counts questions per user in a sliding window. Past the limit the user is told once to slow down, then
 * ignored until the window has room again.
 */
export interface FloodGate {
  /** `ask`: answer; `warn`: say "slow down" (once); `drop`: stay silent. */
  check(userId: number): "ask" | "warn" | "drop";
}

/** Creates a flood gate: more than `limit` questions within `windowMs` are too many. */
export function createFloodGate(options: { limit: number; windowMs: number; now?: () => number }): FloodGate {
  const now = options.now ?? Date.now;
  const seen = new Map<number, { times: number[]; warned: boolean }>();
  return {
    check(userId) {
      const t = now();
      const entry = seen.get(userId) ?? { times: [], warned: false };
      entry.times = entry.times.filter((at) => t - at < options.windowMs);
      if (entry.times.length >= options.limit) {
        seen.set(userId, entry);
        if (entry.warned) return "drop";
        entry.warned = true;
        return "warn";
      }
      entry.times.push(t);
      entry.warned = false;
      seen.set(userId, entry);
      // Forget quiet users so the map does not grow without end.
      if (seen.size > 10_000) for (const [id, e] of seen) if (e.times.every((at) => t - at >= options.windowMs)) seen.delete(id);
      return "ask";
    },
  };
}
