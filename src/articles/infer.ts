import { findJurisdictions, jurisdictionByName } from "./jurisdictions.js";
import { categoriesNameRegulation, isRegulationText, RELEVANCE_BODY_CHARS, RELEVANCE_PHRASES, relevanceSignals } from "./relevance.js";
import { countTopicMatches, countTopics, TOPIC_PHRASES } from "./topics.js";
import { type PhraseMatch, wholeWordMatchers } from "./word-pattern.js";

/**
 * Infers an article's jurisdictions from its title and body: a jurisdiction counts when it is named in the
 * title, or mentioned (by name, demonym, city or regulator) often enough compared with the most-mentioned one.
 * `bodyWords`, when given, are the body's words as `wordsOf` lists them.
 */
export function inferJurisdictions(title: string, body: string, bodyWords?: Int32Array): string[] {
  const scores = new Map<string, number>();
  const add = (text: string, weight: number, words?: Int32Array) => {
    for (const m of findJurisdictions(text, words)) {
      scores.set(m.jurisdiction.name, (scores.get(m.jurisdiction.name) ?? 0) + weight * (m.kind === "name" ? 1 : 0.75));
    }
  };
  add(title, 3);
  add(body, 1, bodyWords);
  const top = Math.max(0, ...scores.values());
  return [...scores.entries()]
    .filter(([, score]) => score >= 2 && score >= top * 0.3)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([name]) => name);
}

/** Infers topics: a topic counts when its words appear at least twice, or once in the title. */
export function inferTopics(title: string, body: string): string[] {
  return topicsFromCounts(countTopics(title), countTopics(body));
}

function topicsFromCounts(inTitle: ReadonlyMap<string, number>, inBody: ReadonlyMap<string, number>): string[] {
  const scored = new Map<string, number>();
  for (const [topic, n] of inBody) scored.set(topic, n);
  for (const [topic, n] of inTitle) scored.set(topic, (scored.get(topic) ?? 0) + 2 * n);
  return [...scored.entries()]
    .filter(([, n]) => n >= 2)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([topic]) => topic);
}

/** Topic words and relevance words, found in one pass over a text. */
const topicAndRelevanceWords = wholeWordMatchers([TOPIC_PHRASES, RELEVANCE_PHRASES]);

/**
 * What ingestion infers from an article's text, reading each of its texts once: the same topics as
 * {@link inferTopics} (`undefined` when `withTopics` is false) and the same verdict as `isRegulationNews`.
 * `bodyWords`, when given, are `wordsOf(article.body)`: phrases are then looked for only where its words begin.
 */
export function inferTopicsAndRelevance(
  article: { title: string; body: string; categories?: readonly string[] | undefined },
  withTopics: boolean,
  bodyWords?: Int32Array,
): { topics: string[] | undefined; relevant: boolean } {
  const byCategory = categoriesNameRegulation(article.categories);
  if (!withTopics && byCategory) return { topics: undefined, relevant: true };
  const [titleTopics, titleRelevance] = topicAndRelevanceWords.matchAll(article.title) as [PhraseMatch[], PhraseMatch[]];
  const [bodyTopics, bodyRelevance] = topicAndRelevanceWords.matchAll(article.body, bodyWords) as [PhraseMatch[], PhraseMatch[]];
  // The relevance words of the body's start: those of the whole body when that is all of it.
  const startRelevance =
    article.body.length <= RELEVANCE_BODY_CHARS
      ? bodyRelevance
      : topicAndRelevanceWords.matchAll(article.body.slice(0, RELEVANCE_BODY_CHARS), bodyWords)[1]!;
  return {
    topics: withTopics ? topicsFromCounts(countTopicMatches(titleTopics), countTopicMatches(bodyTopics)) : undefined,
    relevant: byCategory || isRegulationText(relevanceSignals(titleRelevance), relevanceSignals(startRelevance)),
  };
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
