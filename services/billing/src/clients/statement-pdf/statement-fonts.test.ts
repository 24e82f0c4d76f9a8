import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from '@jest/globals';
import * as fontkit from 'fontkit';
import { statementFontFiles } from './font-files';
import { loadStatementFonts, type StatementFonts } from './statement-fonts';

// The statement faces skip what fontkit would decode for nothing (the glyph names of `post`, the
// mark-attachment tables): these tests pin that text is shaped and described as fontkit itself
// would, on the real Pretendard files.

let fonts: StatementFonts;
let plain: { regular: fontkit.Font; bold: fontkit.Font };
beforeAll(() => {
  fonts = loadStatementFonts({});
  const files = statementFontFiles();
  plain = { regular: fontkit.create(readFileSync(files.regular)) as fontkit.Font, bold: fontkit.create(readFileSync(files.bold)) as fontkit.Font };
});

const faces = ['regular', 'bold'] as const;
const ids = (run: { glyphs: fontkit.Glyph[] }) => run.glyphs.map((g) => g.id);

describe('the statement faces', () => {
  it.each(faces)('When pdfkit reads the %s face’s post fields, then they are the values fontkit decodes', (face) => {
    const font = fonts[face] as unknown as { post: Record<string, number>; italicAngle: number };
    const own = plain[face] as unknown as { post: Record<string, number>; italicAngle: number };
    expect({ italicAngle: font.italicAngle, isFixedPitch: font.post.isFixedPitch, underlinePosition: font.post.underlinePosition, underlineThickness: font.post.underlineThickness }).toEqual({
      italicAngle: own.italicAngle,
      isFixedPitch: own.post.isFixedPitch,
      underlinePosition: own.post.underlinePosition,
      underlineThickness: own.post.underlineThickness,
    });
  });

  it.each(faces)('When Hangul and Latin text is shaped with the %s face, then glyphs and advances are fontkit’s own, kerning included', (face) => {
    for (const text of ['거래명세서', '양재꽃상회 꽃담플라워', 'AV To Ty', '₩1,234,567원', '품종12 (상) 2026-11-26', '똠햏뷁 쌰쀍 숖']) {
      const ours = fonts[face].layout(text);
      const theirs = plain[face].layout(text);
      expect({ text, ids: ids(ours), width: ours.advanceWidth }).toEqual({ text, ids: ids(theirs), width: theirs.advanceWidth });
    }
    // Kerning is applied: 'AV' is narrower than its two glyphs side by side.
    const av = fonts[face].layout('AV');
    expect(av.advanceWidth).toBeLessThan(av.glyphs.reduce((sum, g) => sum + g.advanceWidth, 0));
  });

  it.each(faces)('When every pair of the characters statements print is shaped with the %s face, then each advance is fontkit’s own kerning, to the unit', (face) => {
    // Kerning comes from compact tables read off the GPOS bytes (pair-kerning.ts), not from fontkit's
    // decoded lookups: this compares the two on every ordered pair of ASCII, common statement
    // Hangul and punctuation, and a spread of all 11,172 syllables.
    const alphabet = [...Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)), ...'가나다라마바사아자차카타파하거래명세서양재꽃상회담플라워품종장미국화백합원₩·※–—‘’“”…'];
    for (let code = 0xac00; code <= 0xd7a3; code += 499) alphabet.push(String.fromCodePoint(code));
    const differing: string[] = [];
    let kerned = 0;
    for (const first of alphabet) {
      const text = alphabet.map((second) => first + second).join('');
      const ours = fonts[face].layout(text);
      const theirs = plain[face].layout(text);
      const advances = (run: { positions: { xAdvance: number }[] }) => run.positions.map((p) => p.xAdvance).join(',');
      if (ids(ours).join(',') !== ids(theirs).join(',') || advances(ours) !== advances(theirs)) differing.push(first);
      kerned += theirs.positions.filter((p, i) => p.xAdvance !== (theirs.glyphs[i] as fontkit.Glyph).advanceWidth).length;
    }
    expect(differing).toEqual([]);
    expect(kerned).toBeGreaterThan(100); // the comparison covered real kerning, not only zeros
  });

  it('When text arrives decomposed (NFD, as some phones send it), then it is shaped as the composed characters', () => {
    for (const text of ['김꽃님', '뷁햏 상회', 'Café Müller']) {
      expect(ids(fonts.regular.layout(text.normalize('NFD')))).toEqual(ids(plain.regular.layout(text.normalize('NFC'))));
    }
  });

  it.each(faces)('When any of the 11,172 Hangul syllables is printed with the %s face, then it has a glyph of its own', (face) => {
    const missing: string[] = [];
    for (let code = 0xac00; code <= 0xd7a3; code++) if (!fonts[face].hasGlyphForCodePoint(code)) missing.push(String.fromCodePoint(code));
    expect(missing).toEqual([]);
    // Syllables outside KS X 1001's 2,350 common ones shape to real glyphs, each its own.
    const rare = fonts[face].layout('똠햏뷁쌰쀍숖');
    expect(new Set(ids(rare)).size).toBe(6);
    expect(ids(rare)).not.toContain(0);
  });
});
