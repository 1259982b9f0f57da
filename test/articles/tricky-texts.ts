/** Texts whose words and phrases are easy to get wrong: Unicode, lone surrogates, joining dots and apostrophes. */
export const TRICKY_TEXTS = [
  "The People’s Bank of China and the U.S. Securities and Exchange Commission: it's 2024, and ſec fines Ｆｉｎｅ traders.",
  "Anti-money-laundering rules in Hong\nKong; the u.k.'s FCA, naïve \u212araken, e\u0301tude, \ud835\udc00\ud835\udc01 and 𝟏2.5 tokens.",
  "Half an emoji \ud83d here, \ude00 there, x.\ud800 and a’\ud835\udc00 — what's the E.U.'s line? U.S.A.-based, US-listed.",
  // Phrases that start inside a word joined by a dot or an apostrophe, as in scraped text missing a space.
  "Said on Monday.Hong Kong regulators, then U.S.Securities and Exchange Commission staff and d’Hong Kong.Anti-money laundering.",
];
