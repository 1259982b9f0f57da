import { findJurisdictions, jurisdictionByName } from "./jurisdictions.js";
import { countTopics } from "./topics.js";

/**
 * Infers an article's jurisdictions from its title and body: a jurisdiction counts when it is named in the
 * title, or mentioned (by name, demonym, city or regulator) often enough compared with the most-mentioned one.
 */
export function inferJurisdictions(title: string, body: string): string[] {
  const scores = new Map<string, number>();
  const add = (text: string, weight: number) => {
    for (const m of findJurisdictions(text)) {
      scores.set(m.jurisdiction.name, (scores.get(m.jurisdiction.name) ?? 0) + weight * (m.kind === "name" ? 1 : 0.75));
    }
  };
  add(title, 3);
  add(body, 1);
  const top = Math.max(0, ...scores.values());
  return [...scores.entries()]
    .filter(([, score]) => score >= 2 && score >= top * 0.3)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([name]) => name);
}

/** Infers topics: a topic counts when its words appear at least twice, or once in the title. */
export function inferTopics(title: string, body: string): string[] {
  const inTitle = countTopics(title);
  const inBody = countTopics(body);
  const scored = new Map<string, number>();
  for (const [topic, n] of inBody) scored.set(topic, n);
  for (const [topic, n] of inTitle) scored.set(topic, (scored.get(topic) ?? 0) + 2 * n);
  return [...scored.entries()]
    .filter(([, n]) => n >= 2)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([topic]) => topic);
}

/** Maps user-given jurisdiction names onto canonical ones ("EU" → "European Union"); unknown names are kept as given. */
export function canonicalJurisdictions(names: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of names) {
    const name = String(raw).trim();
    if (!name) continue;
    const canonical = jurisdictionByName(name)?.name ?? name;
    if (!out.includes(canonical)) out.push(canonical);
  }
  return out;
}
