/**
 * Korean keyword search, as pure functions. Names are matched by substring on a normal form
 * (lower case, no whitespace). The database narrows candidates with an inverted index of the
 * names' 1- and 2-character grams (see `searchGramsOf`) and then checks the substring: trigram
 * indexes do not help here, because Korean item and variety names and the queries typed for them
 * are mostly one to three syllables, shorter than a trigram.
 *
 * 초성 (initial consonant) search: a query written with consonant jamo such as `ㅈㅁ` matches names
 * whose syllables start with those consonants (장미). Each name is also stored as its 초성 string
 * (장미 → ㅈㅁ), whose grams join the same index.
 */

const HANGUL_FIRST = 0xac00;
const HANGUL_LAST = 0xd7a3;
/** The 19 initial consonants in syllable order, as compatibility jamo (what a keyboard types). */
const INITIALS = ['ㄱ', 'ㄲ', 'ㄴ', 'ㄷ', 'ㄸ', 'ㄹ', 'ㅁ', 'ㅂ', 'ㅃ', 'ㅅ', 'ㅆ', 'ㅇ', 'ㅈ', 'ㅉ', 'ㅊ', 'ㅋ', 'ㅌ', 'ㅍ', 'ㅎ'];
const CONSONANT_JAMO = /[\u3131-\u314e]/;

/** The searchable form of a name or query: NFC, lower case, without whitespace. */
export function normalizeSearchText(text: string): string {
  return text.normalize('NFC').toLowerCase().replace(/\s+/g, '');
}

/** Each Hangul syllable replaced by its initial consonant; other characters kept (장미 Red → ㅈㅁred). */
export function chosungOf(text: string): string {
  let out = '';
  for (const ch of normalizeSearchText(text)) {
    const code = ch.codePointAt(0) as number;
    out += code >= HANGUL_FIRST && code <= HANGUL_LAST ? INITIALS[Math.floor((code - HANGUL_FIRST) / 588)] : ch;
  }
  return out;
}

/** True when the query uses 초성 (any consonant jamo): it is then matched against the names' 초성. */
export function isChosungQuery(query: string): boolean {
  return CONSONANT_JAMO.test(query);
}

function gramsInto(text: string, into: Set<string>): void {
  const chars = [...text];
  chars.forEach((ch, i) => {
    into.add(ch);
    if (i + 1 < chars.length) into.add(ch + (chars[i + 1] as string));
  });
}

/** The index terms of a variety: 1- and 2-character grams of its item and variety names and of their 초성. */
export function searchGramsOf(itemName: string, varietyName: string): string[] {
  const grams = new Set<string>();
  for (const name of [itemName, varietyName]) {
    gramsInto(normalizeSearchText(name), grams);
    gramsInto(chosungOf(name), grams);
  }
  return [...grams].sort();
}

/**
 * How to run a query: the grams every match must contain (the index lookup), and the text to find
 * as a substring of a name (plain) or of a name's 초성 (chosung). Undefined for a blank query.
 */
export function searchPlanOf(query: string): { mode: 'plain' | 'chosung'; text: string; grams: string[] } | undefined {
  const normal = normalizeSearchText(query);
  if (normal.length === 0) return undefined;
  const mode = isChosungQuery(normal) ? 'chosung' : 'plain';
  // A mixed query (장ㅁ) is matched on 초성 as a whole: slightly broader, never missing a match.
  const text = mode === 'chosung' ? chosungOf(normal) : normal;
  const chars = [...text];
  const grams = new Set<string>();
  if (chars.length === 1) grams.add(text);
  for (let i = 0; i + 1 < chars.length; i++) grams.add((chars[i] as string) + (chars[i + 1] as string));
  return { mode, text, grams: [...grams].sort() };
}
