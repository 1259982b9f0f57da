/**
 * Builds one regular expression that finds any of `phrases` as whole words: longest first (so "south korea"
 * wins over "korea"), a space or hyphen between words matching any run of spaces and hyphens, an apostrophe
 * matching a curly one or none. Always global and Unicode; add "i" to `flags` to ignore case.
 */
export function wholeWordPattern(phrases: readonly string[], flags = "i"): RegExp {
  const alternatives = alternation(phrases).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/[\s-]+/g, "[\\s-]+").replace(/'/g, "['’]?"));
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join("|")})(?![\\p{L}\\p{N}])`, `g${flags}u`);
}

/**
 * The lookup key of a phrase as {@link wholeWordPattern} matches it: lower case, no apostrophes, one space
 * between words. A match and the phrase it came from have the same key.
 */
export function phraseKey(phrase: string): string {
  return phrase.toLowerCase().replace(/['’]/g, "").replace(/[\s-]+/g, " ");
}

/** A match of a {@link WholeWordMatcher}: what `RegExp#exec` gives as `index` and `[0]`. */
export interface PhraseMatch {
  readonly index: number;
  readonly text: string;
  /** `phraseKey(text)`. */
  readonly key: string;
}

/** Finds phrases as whole words, exactly as {@link wholeWordPattern} does, in one quick pass over the text. */
export interface WholeWordMatcher {
  /**
   * Every match, left to right: the same as `[...text.matchAll(wholeWordPattern(phrases, flags))]`. `words`, when
   * given, are `wordsOf(text)`, or `wordsOf` of a longer text that begins with it (see {@link WholeWordMatchers.matchAll}).
   */
  matchAll(text: string, words?: Int32Array): PhraseMatch[];
  /**
   * The match that starts at `index`, as the regex finds it there (none after a letter or digit): the one `matchAll`
   * finds when no earlier match covers `index`. For callers that walk the words themselves and try phrases where
   * they start.
   */
  matchAt(text: string, index: number): PhraseMatch | undefined;
  /**
   * False when no match can start at `start`, judging by the characters up to `end` alone (true may still find
   * none). Asked once per written word, it lets a caller skip {@link matchAt} for words no phrase begins with.
   */
  mayStartWith(text: string, start: number, end: number): boolean;
}

/** Several lists of phrases found in one pass: each list's matches as if it were searched alone. */
export interface WholeWordMatchers {
  /**
   * The matches of each list, in the order the lists were given. `words`, when given, are `wordsOf(text)`, or
   * `wordsOf` of a longer text that begins with it (its words past the end are not read): matches are then looked
   * for only where a word begins, which finds the same ones without reading every character.
   */
  matchAll(text: string, words?: Int32Array): PhraseMatch[][];
  /** List number `list`'s match starting at `index` (see {@link WholeWordMatcher.matchAt}). */
  matchAt(text: string, index: number, list: number): PhraseMatch | undefined;
  /** See {@link WholeWordMatcher.mayStartWith}: for any of the lists. */
  mayStartWith(text: string, start: number, end: number): boolean;
}

/**
 * Builds a {@link WholeWordMatcher} for `phrases`, with flags as for {@link wholeWordPattern}. A regex that
 * alternates hundreds of phrases behind a Unicode lookbehind tries each phrase at every character; this runs an
 * automaton of the phrases from word starts only, so it is several times quicker and finds the very same matches.
 */
export function wholeWordMatcher(phrases: readonly string[], flags = "i"): WholeWordMatcher {
  const matchers = wholeWordMatchers([phrases], flags);
  return {
    matchAll: (text, words) => matchers.matchAll(text, words)[0]!,
    matchAt: (text, index) => matchers.matchAt(text, index, 0),
    mayStartWith: (text, start, end) => matchers.mayStartWith(text, start, end),
  };
}

/** Builds {@link WholeWordMatchers}: one pass over a text finds the matches of every list. */
export function wholeWordMatchers(lists: ReadonlyArray<readonly string[]>, flags = "i"): WholeWordMatchers {
  // Built on first use: a command that never reads an article's text does not pay for the automaton.
  let matchers: WholeWordMatchers | undefined;
  return {
    matchAll: (text, words) => (matchers ??= buildMatchers(lists, flags)).matchAll(text, words),
    matchAt: (text, index, list) => (matchers ??= buildMatchers(lists, flags)).matchAt(text, index, list),
    mayStartWith: (text, start, end) => (matchers ??= buildMatchers(lists, flags)).mayStartWith(text, start, end),
  };
}

/**
 * Up to this many phrases in all are left to the regex: it skips ahead to where a phrase's first letter stands,
 * which beats walking an automaton over every word.
 */
const FEW_PHRASES = 8;

function buildMatchers(lists: ReadonlyArray<readonly string[]>, flags: string): WholeWordMatchers {
  const ordered = lists.map(alternation);
  const few = lists.reduce((sum, list) => sum + list.length, 0) <= FEW_PHRASES;
  if (!few && ordered.every((list) => list.every(isExactInAutomaton))) return new PhraseAutomaton(ordered, flags);
  // Phrases the automaton cannot mirror exactly (none of regbot's lists) are left to the regex too.
  const patterns = lists.map((list) => wholeWordPattern(list, flags));
  const sticky = lists.map((list) => new RegExp(wholeWordPattern(list, flags).source, `y${flags}u`));
  const toMatch = (m: RegExpExecArray | RegExpMatchArray): PhraseMatch => ({ index: m.index!, text: m[0], key: phraseKey(m[0]) });
  return {
    matchAll: (text) => patterns.map((pattern) => [...text.matchAll(pattern)].map(toMatch)),
    matchAt: (text, index, list) => {
      const pattern = sticky[list]!;
      pattern.lastIndex = index;
      const m = pattern.exec(text);
      return m ? toMatch(m) : undefined;
    },
    mayStartWith: () => true,
  };
}

/** The order of the alternation: longest first, ties in the given order (the sort is stable). */
function alternation(phrases: readonly string[]): string[] {
  return [...phrases].sort((a, b) => b.length - a.length);
}

const SEPARATOR_RUN = /[\s-]+/;

// Called through the prototype: `text.charCodeAt(i)` looks the method up on the string, which makes the scan
// slow once it has seen many kinds of strings (flat, sliced, concatenated, one- or two-byte); this does not.
const charCodeAt = String.prototype.charCodeAt;
const codePointAt = String.prototype.codePointAt;
const slice = String.prototype.slice;

/**
 * Whether the automaton mirrors the regex of this phrase exactly: every choice the regex could backtrack over
 * must be decided by the next character of the text. So: no separator or apostrophe at either end, no two
 * apostrophes in a row, no curly apostrophe written as a literal, and nothing outside the Basic Multilingual Plane.
 */
function isExactInAutomaton(phrase: string): boolean {
  if (phrase === "" || /[\uD800-\uDFFF’]/.test(phrase) || phrase.includes("''")) return false;
  const first = phrase[0]!;
  const last = phrase[phrase.length - 1]!;
  return !SEPARATOR_RUN.test(first) && !SEPARATOR_RUN.test(last) && first !== "'" && last !== "'";
}

/** A set of characters decided by a regex, one code unit (or astral code point) at a time, then remembered. */
class CharSet {
  /** Per code unit: 0 not known (always so for surrogates, which pair up), 1 not in the set, 2 in it. */
  readonly units = new Uint8Array(0x10000);
  private readonly astral = new Map<number, boolean>();
  constructor(private readonly regex: RegExp) {}

  /** Whether the code unit, standing alone, is in the set. */
  has(unit: number): boolean {
    const known = this.units[unit]!;
    return known === 0 ? this.learn(unit) : known === 2;
  }

  learn(unit: number): boolean {
    const has = this.regex.test(String.fromCharCode(unit));
    if (unit < 0xd800 || unit > 0xdfff) this.units[unit] = has ? 2 : 1;
    return has;
  }

  hasCodePoint(cp: number): boolean {
    if (cp < 0x10000) return this.has(cp);
    let known = this.astral.get(cp);
    if (known === undefined) {
      known = this.regex.test(String.fromCodePoint(cp));
      this.astral.set(cp, known);
    }
    return known;
  }
}

const wordSets = new Map<string, CharSet>();

/** Letters and digits, as `[\p{L}\p{N}]` reads them under these flags (case folding can add some, like U+0345). */
function wordChars(flags: string): CharSet {
  let set = wordSets.get(flags);
  if (!set) {
    set = new CharSet(new RegExp("[\\p{L}\\p{N}]", flags));
    wordSets.set(flags, set);
  }
  return set;
}

/** A node of the phrase trie, which {@link PhraseAutomaton} turns into a deterministic automaton. */
interface TrieNode {
  readonly id: number;
  /** Children by the class of the next literal character. */
  readonly next: Map<number, TrieNode>;
  /** The child after a run of spaces and hyphens (`[\s-]+`). */
  separator: TrieNode | undefined;
  /** The child after an optional apostrophe (`['’]?`). */
  apostrophe: TrieNode | undefined;
  /** Reached by a separator: more spaces and hyphens keep the text here. */
  readonly inSeparator: boolean;
  /** Per list, the first alternative (in the regex's order) that ends here, or -1. */
  readonly alternatives: number[];
}

const NO_CLASS = -1;
const UNKNOWN = -2;
/** State 0 is "no phrase can go on", state 1 the start. */
const DEAD = 0;
const START = 1;

/**
 * The phrases as a deterministic automaton over classes of characters: one class per literal character of the
 * phrases (with every character the flags treat as equal to it), one for separators, one for apostrophes. Every
 * character class, case folding and word edge is decided by the regex engine itself (on a character's first
 * sight, then remembered). Every choice the regex could backtrack over is decided by the next character (see
 * {@link isExactInAutomaton}), so the states reached at a text position hold exactly the alternatives the regex
 * could still match, and the first alternative that ends at a word edge is its match.
 */
class PhraseAutomaton implements WholeWordMatchers {
  private readonly lists: number;
  private readonly word: CharSet;
  /** One regex per class of literal characters; the separator and apostrophe classes follow them. */
  private readonly literals: RegExp[] = [];
  private readonly separatorClass: number;
  private readonly apostropheClass: number;
  private readonly separatorChars: RegExp;
  private readonly apostropheChars: RegExp;
  /** The class of each code unit, found on its first sight. */
  private readonly classOf = new Int16Array(0x10000).fill(UNKNOWN);
  /** Per class: 1 when its characters are letters or digits (case-equal characters agree). */
  private readonly wordClass: Uint8Array;
  /** `next[state * width + class]`: the following state (negated when some alternative ends in it), or {@link DEAD}. */
  private readonly next: Int16Array | Int32Array;
  private readonly width: number;
  /** `accept[state * lists + list]`: the first alternative of the list that ends in this state, or -1. */
  private readonly accept: Int32Array;
  /** Per state: 1 when the text read to reach it is all letters and digits. */
  private readonly wordsOnly: Uint8Array;
  // Per list, the best match of the current start, and where the list's next match may start (the regex goes on
  // from the end of its last match). Reused: one scan runs at a time.
  private readonly best: Int32Array;
  private readonly end: Int32Array;
  private readonly resume: Int32Array;
  /** Per list and alternative: its key when the phrase is ASCII, else undefined. */
  private readonly asciiKeys: Array<Array<string | undefined>>;
  /** Every phrase begins with a letter or digit: a match can begin only where a word does. */
  private readonly beginsWithWords: boolean;
  /**
   * U+0345 is a letter here (ignoring case, it folds to ι), though `findWords` reads it as none: it is the one
   * character they differ on. A text with it is read character by character.
   */
  private readonly foldsToLetter: boolean;

  constructor(lists: ReadonlyArray<readonly string[]>, flags: string) {
    const unicodeFlags = `${flags.replace(/[gu]/g, "")}u`;
    this.lists = lists.length;
    this.best = new Int32Array(lists.length);
    this.end = new Int32Array(lists.length);
    this.resume = new Int32Array(lists.length);
    this.word = wordChars(unicodeFlags);
    this.asciiKeys = lists.map((phrases) => phrases.map((phrase) => (isAscii(phrase) ? phraseKey(phrase) : undefined)));
    this.beginsWithWords = lists.every((phrases) => phrases.every((phrase) => this.word.hasCodePoint(phrase.codePointAt(0)!)));
    this.foldsToLetter = this.word.has(0x345);
    this.separatorChars = new RegExp("^[\\s-]$", unicodeFlags);
    this.apostropheChars = new RegExp("^['’]$", unicodeFlags);
    const wordClass: number[] = [];
    for (const ch of new Set(lists.flat().join("").replace(/[\s\-']/g, ""))) {
      if (this.literals.some((r) => r.test(ch))) continue;
      this.literals.push(new RegExp(`^${ch.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, unicodeFlags));
      wordClass.push(this.word.has(ch.charCodeAt(0)) ? 1 : 0);
    }
    this.separatorClass = this.literals.length;
    this.apostropheClass = this.literals.length + 1;
    this.width = this.literals.length + 2;
    this.wordClass = Uint8Array.from([...wordClass, 0, 0]);

    // The trie of every list's phrases.
    const nodes: TrieNode[] = [];
    const newNode = (inSeparator: boolean): TrieNode => {
      const node: TrieNode = { id: nodes.length, next: new Map(), separator: undefined, apostrophe: undefined, inSeparator, alternatives: Array<number>(lists.length).fill(-1) };
      nodes.push(node);
      return node;
    };
    const root = newNode(false);
    lists.forEach((phrases, list) =>
      phrases.forEach((phrase, alternative) => {
        let node = root;
        for (const part of phrase.split(/([\s-]+|')/)) {
          if (part === "") continue;
          if (part === "'") node = node.apostrophe ??= newNode(false);
          else if (SEPARATOR_RUN.test(part)) node = node.separator ??= newNode(true);
          else {
            for (let i = 0; i < part.length; i++) {
              const cls = this.classify(part.charCodeAt(i));
              let child = node.next.get(cls);
              if (!child) node.next.set(cls, (child = newNode(false)));
              node = child;
            }
          }
        }
        if (node.alternatives[list] === -1) node.alternatives[list] = alternative;
      }),
    );

    // Subset construction. An optional apostrophe may be skipped, so a state holds each of its nodes with the
    // apostrophe children after it. States also tell whether the text read so far is all letters and digits.
    const closure = (node: TrieNode, into: Set<TrieNode>) => {
      for (let n: TrieNode | undefined = node; n && !into.has(n); n = n.apostrophe) into.add(n);
    };
    const states: Array<{ members: TrieNode[]; wordsOnly: boolean }> = [{ members: [], wordsOnly: false }];
    const ids = new Map<string, number>();
    const stateOf = (set: Set<TrieNode>, wordsOnly: boolean): number => {
      if (set.size === 0) return DEAD;
      const members = [...set].sort((a, b) => a.id - b.id);
      const key = `${wordsOnly ? "w" : "-"}${members.map((n) => n.id).join(",")}`;
      let id = ids.get(key);
      if (id === undefined) {
        id = states.length;
        ids.set(key, id);
        states.push({ members, wordsOnly });
      }
      return id;
    };
    const start = new Set<TrieNode>();
    closure(root, start);
    stateOf(start, true);
    // Transitions as (from, class, to) triples: most of the table is DEAD.
    const transitions: number[] = [];
    const accept: number[] = [];
    const accepting: boolean[] = [];
    for (let state = 0; state < states.length; state++) {
      const { members, wordsOnly } = states[state]!;
      let ends = false;
      for (let list = 0; list < lists.length; list++) {
        let first = -1;
        for (const node of members) {
          const alternative = node.alternatives[list]!;
          if (alternative !== -1 && (first === -1 || alternative < first)) first = alternative;
        }
        accept.push(first);
        if (first !== -1) ends = true;
      }
      accepting.push(ends);
      const targets = new Map<number, Set<TrieNode>>();
      const target = (cls: number) => {
        let to = targets.get(cls);
        if (!to) targets.set(cls, (to = new Set()));
        return to;
      };
      for (const node of members) {
        for (const [cls, child] of node.next) closure(child, target(cls));
        if (node.separator) closure(node.separator, target(this.separatorClass));
        if (node.inSeparator) closure(node, target(this.separatorClass));
        if (node.apostrophe) closure(node.apostrophe, target(this.apostropheClass));
      }
      for (const [cls, to] of targets) transitions.push(state, cls, stateOf(to, wordsOnly && this.wordClass[cls] === 1));
    }
    // A state where some alternative ends is entered by its negated number, so reading the table says it.
    this.next = states.length < 0x8000 ? new Int16Array(states.length * this.width) : new Int32Array(states.length * this.width);
    for (let i = 0; i < transitions.length; i += 3) {
      const to = transitions[i + 2]!;
      this.next[transitions[i]! * this.width + transitions[i + 1]!] = accepting[to] ? -to : to;
    }
    this.accept = Int32Array.from(accept);
    this.wordsOnly = new Uint8Array(states.length);
    states.forEach((state, id) => (this.wordsOnly[id] = state.wordsOnly ? 1 : 0));
  }

  /** The class of a code unit: a literal's, the separator's, the apostrophe's, or none. */
  private classify(unit: number): number {
    let cls = this.classOf[unit]!;
    if (cls === UNKNOWN) {
      const ch = String.fromCharCode(unit);
      cls = this.literals.findIndex((r) => r.test(ch));
      if (cls === NO_CLASS && this.separatorChars.test(ch)) cls = this.separatorClass;
      if (cls === NO_CLASS && this.apostropheChars.test(ch)) cls = this.apostropheClass;
      this.classOf[unit] = cls;
    }
    return cls;
  }

  // Where the last `run` stopped: the position, the state, and the class of the character there (if it has one).
  private stoppedAt = 0;
  private stoppedIn = START;
  private stoppedOn = NO_CLASS;

  /**
   * Runs the automaton from `p`, where no letter or digit stands before. Returns whether some phrase ends there at
   * a word edge; if so, for each list, `best` holds its first alternative that does (-1 for none) and `end` where.
   */
  private run(text: string, p: number): boolean {
    const { best, end, next, accept, width, classOf, lists, word } = this;
    const n = text.length;
    let state = START;
    let q = p;
    let matched = false;
    let stop = NO_CLASS;
    while (q < n) {
      const unit = charCodeAt.call(text, q);
      let cls = classOf[unit]!;
      if (cls < 0) {
        if (cls === NO_CLASS) break;
        cls = this.classify(unit);
        if (cls === NO_CLASS) break;
      }
      let following = next[state * width + cls]!;
      if (following === DEAD) {
        stop = cls;
        break;
      }
      q++;
      if (following < 0) {
        following = -following;
        if (q >= n || !word.hasCodePoint(codePointAt.call(text, q)!)) {
          if (!matched) {
            for (let list = 0; list < lists; list++) best[list] = -1;
            matched = true;
          }
          for (let list = 0, row = following * lists; list < lists; list++) {
            const alternative = accept[row + list]!;
            if (alternative !== -1 && (best[list] === -1 || alternative < best[list]!)) {
              best[list] = alternative;
              end[list] = q;
            }
          }
        }
      }
      state = following;
    }
    this.stoppedAt = q;
    this.stoppedIn = state;
    this.stoppedOn = stop;
    return matched;
  }

  /** The match of list `list` that `run` found starting at `p`. */
  private matchOf(text: string, p: number, list: number): PhraseMatch {
    const written = slice.call(text, p, this.end[list]) as string;
    // An ASCII text matches an ASCII phrase only letter for letter (up to case), so their keys agree.
    const key = isAscii(written) ? this.asciiKeys[list]![this.best[list]!] : undefined;
    return { index: p, text: written, key: key ?? phraseKey(written) };
  }

  mayStartWith(text: string, start: number, end: number): boolean {
    const { next, width, classOf } = this;
    let state = START;
    for (let q = start; q < end; q++) {
      const unit = charCodeAt.call(text, q);
      let cls = classOf[unit]!;
      if (cls === UNKNOWN) cls = this.classify(unit);
      if (cls === NO_CLASS) return false;
      const following = next[state * width + cls]!;
      if (following === DEAD) return false;
      // Some phrase ends here: whether at a word edge, only the text around can tell.
      if (following < 0) return true;
      state = following;
    }
    return true;
  }

  matchAt(text: string, index: number, list: number): PhraseMatch | undefined {
    if (index > 0 && this.word.hasCodePoint(codePointBefore(text, index))) return undefined;
    return this.run(text, index) && this.best[list] !== -1 ? this.matchOf(text, index, list) : undefined;
  }

  /**
   * {@link matchAll} from where `words` (see there) begin, and nowhere else: after a letter or digit no match can
   * begin, and before a character that is neither no phrase can (see {@link beginsWithWords}). A word begins at the
   * start of each listed one, and after each dot or apostrophe joining its parts ("U.S", "d’Hong"): these are the
   * places the character loop of `matchAll` would find a match, in the same order.
   */
  private matchAtWords(text: string, words: Int32Array, found: PhraseMatch[][]): void {
    const { best, end, resume, lists } = this;
    const n = text.length;
    const tryAt = (p: number) => {
      if (!this.run(text, p)) return;
      for (let list = 0; list < lists; list++) {
        if (best[list] !== -1 && p >= resume[list]!) {
          found[list]!.push(this.matchOf(text, p, list));
          resume[list] = end[list]!;
        }
      }
    };
    for (let k = 0; k < words.length; k += 3) {
      const start = words[k]!;
      if (start >= n) break;
      tryAt(start);
      const wordEnd = Math.min(words[k + 1]!, n);
      for (let j = words[k + 2]!; j >= 0 && j + 1 < wordEnd; j++) {
        const unit = charCodeAt.call(text, j);
        if (unit === 0x27 || unit === 0x2019 || unit === 0x2e) tryAt(j + 1);
      }
    }
  }

  matchAll(text: string, words?: Int32Array): PhraseMatch[][] {
    const lists = this.lists;
    const found: PhraseMatch[][] = [];
    for (let list = 0; list < lists; list++) found.push([]);
    const { best, end, resume, wordsOnly, wordClass } = this;
    for (let list = 0; list < lists; list++) resume[list] = 0;
    if (words && this.beginsWithWords && !(this.foldsToLetter && text.includes("\u0345"))) {
      this.matchAtWords(text, words, found);
      return found;
    }
    const word = this.word;
    const wordUnits = word.units;
    const n = text.length;
    let p = 0;
    while (p < n) {
      // No letter or digit stands before p, so a match can start here.
      if (this.run(text, p)) {
        for (let list = 0; list < lists; list++) {
          if (best[list] !== -1 && p >= resume[list]!) {
            found[list]!.push(this.matchOf(text, p, list));
            resume[list] = end[list]!;
          }
        }
      }
      const q = this.stoppedAt;
      const state = this.stoppedIn;
      const stop = this.stoppedOn;

      // On to the next position with no letter or digit before it. When the automaton read only letters and
      // digits (or nothing), the word goes on at least to q, and the class of the character at q may tell whether
      // it ends there; otherwise the word (if any) is read again from p.
      if (wordsOnly[state] === 1 && stop !== NO_CLASS) {
        p = q + 1;
        if (wordClass[stop] === 0) continue;
      } else if (q > p && wordsOnly[state] === 1) {
        p = q;
      } else {
        const unit = charCodeAt.call(text, p);
        let isWord: boolean;
        if (unit >= 0xd800 && unit <= 0xdbff && p + 1 < n && isLowSurrogate(charCodeAt.call(text, p + 1))) {
          isWord = word.hasCodePoint(codePointAt.call(text, p)!);
          p += 2;
        } else {
          const known = wordUnits[unit]!;
          isWord = known === 0 ? word.learn(unit) : known === 2;
          p++;
        }
        if (!isWord) continue;
      }
      // After a letter or digit no match can start: skip the rest of the word and the character that ends it.
      while (p < n) {
        const unit = charCodeAt.call(text, p);
        const known = wordUnits[unit]!;
        p++;
        if (known === 2) continue;
        if (known === 1) break;
        if (unit >= 0xd800 && unit <= 0xdbff && p < n && isLowSurrogate(charCodeAt.call(text, p))) {
          p++;
          if (!word.hasCodePoint(codePointBefore(text, p))) break;
        } else if (!word.learn(unit)) break;
      }
    }
    return found;
  }
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (charCodeAt.call(text, i) > 0x7f) return false;
  return true;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

function codePointBefore(text: string, index: number): number {
  const unit = charCodeAt.call(text, index - 1);
  if (unit >= 0xdc00 && unit <= 0xdfff && index >= 2) {
    const high = charCodeAt.call(text, index - 2);
    if (high >= 0xd800 && high <= 0xdbff) return (high - 0xd800) * 0x400 + unit - 0xdc00 + 0x10000;
  }
  return unit;
}
