import iconv from 'iconv-lite';

/**
 * EUC-KR byte counting, as Korean carriers (and SENS) count SMS length.
 *
 * iconv-lite's `euc-kr` is CP949 (Microsoft's superset of KS X 1001 EUC-KR): the 8,822 Hangul
 * syllables that plain EUC-KR lacks (e.g. 똠) are two bytes there too, so the count is the same
 * either way: one byte per ASCII character, two per Hangul syllable, jamo, hanja or symbol of the
 * table. Characters outside the table (emoji, ₩, non-breaking space…) cannot travel at all: SENS
 * documents that a message containing unsupported emoji fails. So template variables are cleaned
 * with {@link toEucKrText} before rendering; should one still reach the counter, it counts as two
 * bytes (never fewer than it could take), so a message is never classed SMS on an undercount.
 */
const UNMAPPED = 0x3f; // iconv-lite writes '?' for a character the table lacks
const cache = new Map<string, number>();

/** Bytes of one character (a code point) in EUC-KR; 0 when the table has no such character. */
function charBytes(char: string): number {
  const code = char.codePointAt(0) as number;
  if (code < 0x80) return 1;
  let bytes = cache.get(char);
  if (bytes === undefined) {
    const encoded = iconv.encode(char, 'euc-kr');
    bytes = encoded.length === 1 && encoded[0] === UNMAPPED ? 0 : encoded.length;
    cache.set(char, bytes);
  }
  return bytes;
}

/** True when every character of `text` exists in EUC-KR (CP949). */
export function isEucKrEncodable(text: string): boolean {
  for (const char of text) if (charBytes(char) === 0) return false;
  return true;
}

/** Length of `text` in EUC-KR bytes; a character outside the table counts as two. */
export function eucKrByteLength(text: string): number {
  let total = 0;
  for (const char of text) total += charBytes(char) || 2;
  return total;
}

/**
 * A free-text value (a shop name) made safe for an SMS: Unicode-normalised (NFC, so decomposed
 * Hangul becomes syllables), every kind of white space and control character turned into one plain
 * space, characters outside EUC-KR dropped, trimmed.
 */
export function toEucKrText(value: string): string {
  let out = '';
  for (const char of value.normalize('NFC').replace(/[\s\p{Cc}]+/gu, ' ')) {
    if (charBytes(char) > 0) out += char;
  }
  return out.replace(/ {2,}/g, ' ').trim();
}
