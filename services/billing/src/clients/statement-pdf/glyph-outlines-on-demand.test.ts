import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import * as fontkit from 'fontkit';
import { statementFontFiles } from './font-files';
import { openFontWithOutlinesOnDemand } from './glyph-outlines-on-demand';

// The statement faces read glyph outlines from the file as glyphs are first used (issue 13): these
// tests pin that nothing fontkit or pdfkit reads differs from the whole file, on the real
// Pretendard files, and that outlines nobody used were never read.

const faces = ['regular', 'bold'] as const;
let files: { regular: string; bold: string };
beforeAll(() => {
  files = statementFontFiles();
});

interface Glyf {
  directory: { tables: Record<string, { offset: number; length: number }> };
  loca: { offsets: number[] };
}
const glyfRange = (font: fontkit.Font, glyph: number) => {
  const { directory, loca } = font as unknown as Glyf;
  const base = directory.tables.glyf!.offset;
  return [base + loca.offsets[glyph]!, base + loca.offsets[glyph + 1]!] as const;
};

describe('glyph outlines read on demand', () => {
  it.each(faces)('When every glyph of the %s face is drawn and a subset is embedded, then outlines, boxes and subset bytes are those of the whole file', (face) => {
    const lazy = openFontWithOutlinesOnDemand(files[face]);
    const whole = fontkit.create(readFileSync(files[face])) as fontkit.Font;
    expect(lazy.onDemand).toBe(true);
    const differing: number[] = [];
    let composite = 0;
    for (let id = 0; id < whole.numGlyphs; id++) {
      const ours = lazy.font.getGlyph(id);
      const theirs = whole.getGlyph(id);
      if (ours.path.toSVG() !== theirs.path.toSVG() || JSON.stringify(ours.bbox) !== JSON.stringify(theirs.bbox) || ours.advanceWidth !== theirs.advanceWidth) differing.push(id);
      if (((theirs as unknown as { _decode(): { numberOfContours: number } | null })._decode()?.numberOfContours ?? 0) < 0) composite++;
    }
    expect(differing).toEqual([]);
    expect(composite).toBeGreaterThan(100); // composite glyphs (their components read on demand too) were covered

    // pdfkit embeds a subset fontkit encodes from the raw outline bytes; a fresh face, so the
    // subset itself is what asks for each glyph (composites pull in their components).
    const fresh = openFontWithOutlinesOnDemand(files[face]);
    const subset = (font: fontkit.Font) => {
      const s = (font as unknown as { createSubset(): { includeGlyph(id: number): number; encode(): Uint8Array } }).createSubset();
      for (let id = 0; id < whole.numGlyphs; id += 5) s.includeGlyph(id);
      return Buffer.from(s.encode());
    };
    expect(subset(fresh.font).equals(subset(whole))).toBe(true);
  });

  it('When text is shaped, then only the outlines of the glyphs it uses have been read from the file', () => {
    const lazy = openFontWithOutlinesOnDemand(files.regular);
    const file = readFileSync(files.regular);
    const run = lazy.font.layout('거래명세서 1,234원');
    const used = new Set(run.glyphs.map((g) => g.id));
    for (const id of used) {
      const [start, end] = glyfRange(lazy.font, id);
      expect(lazy.bytes.subarray(start, end).equals(file.subarray(start, end))).toBe(true);
    }
    // Every other glyph's outline is still unread (zero), and those are nearly all of them.
    const created = (lazy.font as unknown as { _glyphs: Record<number, unknown> })._glyphs;
    let unread = 0;
    const read: number[] = [];
    for (let id = 0; id < lazy.font.numGlyphs; id++) {
      if (id in created) continue;
      const [start, end] = glyfRange(lazy.font, id);
      if (end === start) continue;
      if (lazy.bytes.subarray(start, end).some((b) => b !== 0)) read.push(id);
      else unread++;
    }
    expect(read).toEqual([]);
    expect(unread).toBeGreaterThan(lazy.font.numGlyphs * 0.95);
  });

  it('When the face is not a plain TrueType file, then it is read whole and still works', () => {
    const otf = path.join(path.dirname(files.regular), '..', 'Pretendard-Regular.otf');
    const opened = openFontWithOutlinesOnDemand(otf);
    expect(opened.onDemand).toBe(false);
    expect(opened.font.layout('거래명세서').glyphs).toHaveLength(5);
  });
});
