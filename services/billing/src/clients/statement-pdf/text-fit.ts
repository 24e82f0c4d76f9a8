/** Width of `text` at font size `size`, in points (pdfkit's widthOfString for the current face). */
export type Measure = (text: string, size: number) => number;

/** The smallest font size any text of a statement may have: below it print is not readable (and not accepted). */
export const MIN_FONT_SIZE = 7.5;

/** Line height of a font size: Pretendard's ascent + descent (0.952 + 0.241 em), as pdfkit spaces lines. */
export const lineHeight = (size: number): number => size * 1.193;

export interface FittedText {
  size: number;
  lines: string[];
}

/** Splits a word that is wider than `width` between characters (Korean has no hyphenation). */
function breakWord(word: string, width: number, size: number, measure: Measure): string[] {
  const pieces: string[] = [];
  let current = '';
  for (const ch of word) {
    if (current && measure(current + ch, size) > width) {
      pieces.push(current);
      current = ch;
    } else current += ch;
  }
  if (current) pieces.push(current);
  return pieces;
}

/**
 * Breaks `text` into lines no wider than `width` at `size`: at spaces where it can, inside a word
 * only when the word alone is wider than a line. Every character is kept, in order; runs of
 * spaces collapse to one (as a line break replaces a space).
 */
export function wrapText(text: string, width: number, size: number, measure: Measure): string[] {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [''];
  const lines: string[] = [];
  let current = '';
  for (const word of words) {
    const candidate = current ? `${current} ${word}` : word;
    if (measure(candidate, size) <= width) {
      current = candidate;
      continue;
    }
    if (current) lines.push(current);
    if (measure(word, size) <= width) {
      current = word;
      continue;
    }
    const pieces = breakWord(word, width, size, measure);
    lines.push(...pieces.slice(0, -1));
    current = pieces.at(-1) ?? '';
  }
  if (current) lines.push(current);
  return lines;
}

/**
 * Fits a text that must be printed in full (상호, 성명, 주소, 업태, 종목, the buyer's name, an
 * amount in words): one line at `max`, or one line shrunk by at most `shrinkOneLine` points; else
 * two lines at the largest size from `max` down to `min`; else as many lines as it takes at `min`.
 * Nothing is ever cut — the caller grows the box to the lines returned.
 */
export function fitText(text: string, width: number, measure: Measure, options: { max: number; min?: number; shrinkOneLine?: number }): FittedText {
  const min = Math.max(MIN_FONT_SIZE, options.min ?? MIN_FONT_SIZE);
  const max = Math.max(min, options.max);
  const oneLineFloor = Math.max(min, max - (options.shrinkOneLine ?? 1.5));
  for (let size = max; size >= oneLineFloor; size -= 0.5) {
    if (measure(text.trim(), size) <= width) return { size, lines: [text.trim()] };
  }
  for (let size = max; size >= min; size -= 0.5) {
    const lines = wrapText(text, width, size, measure);
    if (lines.length <= 2) return { size, lines };
  }
  return { size: min, lines: wrapText(text, width, min, measure) };
}

/**
 * Fits a text that must stay on one line and whole (an amount: digits must not be split): the
 * largest size from `max` down to the floor at which it fits. If it does not fit even at the floor
 * the layout is wrong for the amounts the system accepts — that is a bug, so it throws rather
 * than print a cut or overflowing figure.
 */
export function fitOneLine(text: string, width: number, measure: Measure, max: number): FittedText {
  for (let size = max; size >= MIN_FONT_SIZE; size -= 0.5) {
    if (measure(text, size) <= width) return { size, lines: [text] };
  }
  throw new RangeError(`"${text}" does not fit ${width.toFixed(1)} pt even at ${MIN_FONT_SIZE} pt`);
}

/**
 * Fits a text that may be cut when it is very long (a line memo, which is not a legal field and
 * is kept whole in the order): like {@link fitText} but at most `maxLines` lines, the last one
 * ending in … when text remains.
 */
export function fitTextClipped(text: string, width: number, measure: Measure, options: { max: number; maxLines: number }): FittedText {
  const fitted = fitText(text, width, measure, { max: options.max });
  if (fitted.lines.length <= options.maxLines) return fitted;
  const lines = fitted.lines.slice(0, options.maxLines);
  let last = lines[options.maxLines - 1] as string;
  while (last.length > 0 && measure(`${last}…`, fitted.size) > width) last = [...last].slice(0, -1).join('');
  lines[options.maxLines - 1] = `${last}…`;
  return { size: fitted.size, lines };
}
