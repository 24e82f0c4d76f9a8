import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from '@jest/globals';
import * as fontkit from 'fontkit';
import { contextualForms, type ContextualForms } from './contextual-forms';
import { statementFontFiles } from './font-files';
import { loadStatementFonts, type StatementFonts } from './statement-fonts';

// Strings no contextual substitution can change are shaped without `calt`/`clig` (issue 13: they
// were half of what a 200-line render allocated). These tests pin that the output is fontkit's own,
// with every feature on, over a corpus that exercises the contextual rules the faces have.

let fonts: StatementFonts;
let plain: { regular: fontkit.Font; bold: fontkit.Font };
let forms: { regular: ContextualForms; bold: ContextualForms };
beforeAll(() => {
  fonts = loadStatementFonts({});
  const files = statementFontFiles();
  plain = { regular: fontkit.create(readFileSync(files.regular)) as fontkit.Font, bold: fontkit.create(readFileSync(files.bold)) as fontkit.Font };
  forms = { regular: contextualForms(plain.regular, readFileSync(files.regular)), bold: contextualForms(plain.bold, readFileSync(files.bold)) };
});

const faces = ['regular', 'bold'] as const;
type Shaped = { glyphs: fontkit.Glyph[]; positions: { xAdvance: number }[] };
const shape = (run: Shaped) => `${run.glyphs.map((g) => g.id).join(',')} / ${run.positions.map((p) => p.xAdvance).join(',')}`;

/** What statements print and what the faces' contextual rules act on (dashes, colons, signs and arrows between digits, capitals and jamo, `x` between digits, guillemets, the ideographic space). */
const alphabet = [
  ...Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)),
  ...'가나다라하거래명세서양재꽃상회담플라워품종장미국화백합원똠햏뷁',
  ...'₩·※–—‒―‘’“”…•‣◦▪←→↑↓↔⇐⇒⇔⟵⟶⟷⟸⟹⟺«»‹›×÷±≈≠≤≥−　',
  ...'ㄱㄴㅎㅏㅣ',
  'é',
  'ß',
  '½',
];
const samples = [
  '2026-11-26',
  '14:30',
  '09:05:30',
  '10x20',
  '10 x 20',
  '3×4',
  'A->B',
  '<-',
  '<=',
  '=>',
  '-->',
  '<--',
  '---',
  ':-)',
  '«ㄱ»',
  '‹가›',
  'ㄱ　ㄴ',
  '가　나',
  '(주)꽃담',
  '02-579-1234',
  '220-81-62517',
  '₩1,234,567원',
  '-1,000',
  '+1,000',
  '1/2',
  '1⁄2',
  'TEL: 02-579-1234',
  'No. 2611-00001',
  '(₩ 7,949,000)',
  '품종12 (상) 2026-11-26',
  '양재꽃상회 꽃담플라워',
  'Café Müller',
  'A:B',
  'HH:MM',
  '[10:20]',
  '(1:2)',
  'x1 x 2x3',
];

describe('contextual substitutions left out where they cannot apply', () => {
  it.each(faces)('When a broad corpus is shaped with the %s face, then glyphs and advances are fontkit’s own with every feature on', (face) => {
    const corpus = [...samples];
    for (const c of alphabet) corpus.push(`0${c}9`, `A${c}Z`, `가${c}나`, `${c}${c}${c}`, ` ${c} 1`, `1 ${c}`, `(${c})`, `ㄱ${c}ㄴ`, `«${c}»`, `1${c}-2`, `${c}:${c}`);
    for (const first of alphabet) corpus.push(alphabet.map((second) => first + second).join(''));
    const differing: string[] = [];
    let plainPath = 0;
    let changedByContext = 0;
    for (const text of corpus) {
      const theirs = plain[face].layout(text) as unknown as Shaped;
      if (shape(fonts[face].layout(text) as unknown as Shaped) !== shape(theirs)) differing.push(text);
      const withoutContext = shape(plain[face].layout(text, { calt: false, clig: false } as never) as unknown as Shaped);
      if (withoutContext !== shape(theirs)) {
        changedByContext++;
        // Soundness on its own, apart from kerning: a string the rules change is never left without them.
        expect({ text, mayApply: forms[face].mayApply(text) }).toEqual({ text, mayApply: true });
      }
      if (!forms[face].mayApply(text)) plainPath++;
    }
    expect(differing).toEqual([]);
    // The corpus exercised both paths, and strings the contextual rules really change.
    expect(changedByContext).toBeGreaterThan(500);
    expect(plainPath).toBeGreaterThan(800);
  });

  it.each(faces)('When the %s face shapes what a statement line prints, then amounts, quantities and names skip the contextual rules and dates, times and signs do not', (face) => {
    for (const text of ['품종12', '1,000', '₩1,234,567원', '(₩ ', '장미 ', '양재꽃상회', 'No. ', 'Café', '꽃담플라워 귀하']) expect({ text, mayApply: forms[face].mayApply(text) }).toEqual({ text, mayApply: false });
    for (const text of ['14:30', '2026-11-26', '10x20', 'A->B', '(인)', '«가»', '가　나', '1⁄2', '\u1100\u1161', '가\u302e']) expect({ text, mayApply: forms[face].mayApply(text) }).toEqual({ text, mayApply: true });
  });
});

/** Big-endian 16-bit words as bytes. */
const words = (...values: number[]) => Buffer.from(values.flatMap((v) => [(v >> 8) & 0xff, v & 0xff]));

/**
 * A face reduced to what contextualForms reads: cmap as a map, a GSUB table built from `lookups`
 * (each a lookup type and subtables already encoded, offsets relative to the subtable) and
 * `features` (tag → lookup indexes).
 */
function fakeFace(cmap: Record<string, number>, lookups: { type: number; subTables: Buffer[] }[], features: Record<string, number[]>): { font: fontkit.Font; bytes: Buffer } {
  const tags = Object.keys(features);
  const featureTables = tags.map((tag) => words(0, features[tag]!.length, ...features[tag]!));
  let at = 2 + 6 * tags.length;
  const featureList = Buffer.concat([
    words(tags.length),
    ...tags.map((tag, i) => {
      const record = Buffer.concat([Buffer.from(tag.padEnd(4), 'latin1'), words(at)]);
      at += featureTables[i]!.length;
      return record;
    }),
    ...featureTables,
  ]);
  const lookupTables = lookups.map(({ type, subTables }) => {
    let offset = 6 + 2 * subTables.length;
    const offsets = subTables.map((t) => ((offset += t.length), offset - t.length));
    return Buffer.concat([words(type, 0, subTables.length, ...offsets), ...subTables]);
  });
  at = 2 + 2 * lookups.length;
  const lookupList = Buffer.concat([words(lookups.length, ...lookupTables.map((t) => ((at += t.length), at - t.length))), ...lookupTables]);
  const scriptList = words(0);
  const gsub = Buffer.concat([words(1, 0, 10, 10 + scriptList.length, 10 + scriptList.length + featureList.length), scriptList, featureList, lookupList]);
  const font = {
    directory: { tables: { GSUB: { offset: 0, length: gsub.length } } },
    hasGlyphForCodePoint: (code: number) => String.fromCodePoint(code) in cmap,
    glyphForCodePoint: (code: number) => ({ id: cmap[String.fromCodePoint(code)] ?? 0 }),
  } as unknown as fontkit.Font;
  return { font, bytes: gsub };
}

describe('the glyphs that bring contextual rules into play', () => {
  const cmap = { a: 1, b: 2, '-': 3, c: 4 };
  // calt: a chaining context (format 3) whose only input coverage is '-' (coverage format 1 at offset 12).
  const contextual = { type: 6, subTables: [Buffer.concat([words(3, 0, 1, 12, 0, 0), words(1, 1, 3)])] };

  it('When an earlier feature can turn a glyph into one a contextual rule starts from, then that glyph brings the rules into play too', () => {
    // ccmp: a → '-' (single substitution by delta), and c → b (by list, coverage as a range), which nothing contextual starts from.
    const byDelta = Buffer.concat([words(1, 6, 2), words(1, 1, 1)]);
    const byList = Buffer.concat([words(2, 8, 1, 2), words(2, 1, 4, 4, 0)]);
    const face = fakeFace(cmap, [contextual, { type: 1, subTables: [byDelta, byList] }], { calt: [0], ccmp: [1] });
    const forms = contextualForms(face.font, face.bytes);
    expect([...forms.triggers].sort()).toEqual([1, 3]);
    expect(['-', 'a', 'ba'].map((t) => forms.mayApply(t))).toEqual([true, true, true]);
    expect(['b', 'c', 'bcb'].map((t) => forms.mayApply(t))).toEqual([false, false, false]);
  });

  it('When a face has a substitution kind not understood here, or no contextual feature, then every string keeps every feature', () => {
    const unknown = fakeFace(cmap, [contextual, { type: 9, subTables: [words(1, 0, 0, 0)] }], { calt: [0], ccmp: [1] });
    expect(contextualForms(unknown.font, unknown.bytes).mayApply('b')).toBe(true);
    const none = fakeFace(cmap, [contextual], { liga: [0] });
    expect(contextualForms(none.font, none.bytes).mayApply('b')).toBe(true);
  });
});
