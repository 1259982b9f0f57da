/**
 * Questions remembered under short keys, so a "More" button (whose data is small: 64 bytes on Telegram) can
 * name the question it continues. The oldest are forgotten past `capacity`; their buttons then say so.
 */
export interface RecentQuestions {
  remember(question: string): string;
  recall(key: string): string | undefined;
}

/** Creates the memory. */
export function createRecentQuestions(capacity = 2000): RecentQuestions {
  const questions = new Map<string, string>();
  let next = 0;
  return {
    remember(question) {
      const key = (next++).toString(36);
      questions.set(key, question);
      if (questions.size > capacity) questions.delete(questions.keys().next().value!);
      return key;
    },
    recall: (key) => questions.get(key),
  };
}
