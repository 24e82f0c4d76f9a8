import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as fontkit from 'fontkit';

/** The two faces a statement uses, parsed once per process. */
export interface StatementFonts {
  regular: fontkit.Font;
  bold: fontkit.Font;
}

function pretendardFile(weight: 'Regular' | 'Bold'): string {
  // The TrueType builds ("alternative"): pdfkit embeds glyf-based fonts as CIDFontType2 subsets,
  // which every viewer and pdftotext read back with their Unicode mapping.
  const root = path.dirname(require.resolve('pretendard/package.json'));
  return path.join(root, 'dist', 'public', 'static', 'alternative', `Pretendard-${weight}.ttf`);
}

function parse(file: string): fontkit.Font {
  const font = fontkit.create(readFileSync(file));
  if (!('layout' in font)) throw new Error(`${file} is a font collection, not a single font`);
  if (!font.hasGlyphForCodePoint(0xac00) || !font.hasGlyphForCodePoint(0xd7a3)) {
    throw new Error(`${file} has no Hangul syllables`);
  }
  return font;
}

/**
 * Loads the statement fonts: Pretendard (SIL OFL) from the `pretendard` npm package unless other
 * TrueType files are configured. Parsing a 2.7 MB font takes ~10 ms, which pdfkit would otherwise
 * repeat for every document; the parsed fontkit object is shared, and each document still embeds
 * only the subset of glyphs it uses.
 */
export function loadStatementFonts(files: { regular?: string | undefined; bold?: string | undefined } = {}): StatementFonts {
  return { regular: parse(files.regular ?? pretendardFile('Regular')), bold: parse(files.bold ?? pretendardFile('Bold')) };
}
