// First: pdfkit's and fontkit's unused parts (WOFF2, encryption) load only if used.
import './deferred-pdf-modules';
import type * as fontkit from 'fontkit';
// The memo alone, not the package's index: this module also loads in render worker threads.
import { createBoundedMemo } from '@marketbill/platform/bounded-memo';
import { contextualForms, type ContextualForms } from './contextual-forms';
import { statementFontFiles } from './font-files';
import { openFontWithOutlinesOnDemand } from './glyph-outlines-on-demand';
import { compactPairKerning, type PairKerning } from './pair-kerning';

/** The two faces a statement uses, parsed once per process. */
export interface StatementFonts {
  regular: fontkit.Font;
  bold: fontkit.Font;
}

interface Position {
  xAdvance: number;
  yAdvance: number;
  xOffset: number;
  yOffset: number;
}

/** The part of a fontkit GlyphRun pdfkit reads. */
interface Run {
  glyphs: fontkit.Glyph[];
  positions: Position[];
  readonly advanceWidth: number;
}

/** A shaped run as it is shared between calls: positions copied out of fontkit's objects. */
interface ShapedRun {
  glyphs: fontkit.Glyph[];
  positions: Position[];
}

const MAX_CACHED_RUNS = 20_000;

/**
 * The features a statement is shaped with: fontkit's defaults (kerning, ligatures, contextual
 * forms, Hangul jamo) without mark positioning (`mark`, `mkmk`). Text is NFC-normalised first, so
 * accented Latin and Hangul arrive as precomposed characters and no mark ever needs placing; fontkit
 * otherwise decodes the mark-attachment tables (anchors for thousands of base glyphs) on the first
 * layout — ≈ 1.1 MB of heap per face, for nothing a statement prints (issue 13).
 */
const FEATURES = { mark: false, mkmk: false };
/** The same, with kerning applied from `PairKerning` instead of fontkit's decoded tables. */
const FEATURES_OWN_KERNING = { ...FEATURES, kern: false };
/**
 * Either of the above without the contextual substitutions, for strings they cannot change
 * (contextual-forms.ts): the glyphs are the same by construction, without the ≈ 50 MB of closures
 * per 200-line statement fontkit allocates walking them.
 */
const NOT_CONTEXTUAL = { calt: false, clig: false };
const FEATURES_PLAIN = { ...FEATURES, ...NOT_CONTEXTUAL };
const FEATURES_PLAIN_OWN_KERNING = { ...FEATURES_OWN_KERNING, ...NOT_CONTEXTUAL };

/**
 * The fields of the `post` table pdfkit reads (`isFixedPitch`, and `italicAngle` through fontkit),
 * from its 32-byte header. fontkit decodes the whole table for them, with the name of every glyph:
 * ≈ 0.6 MB of heap per face that nothing else uses (pdfkit writes its own subset without it).
 */
interface PostHeader {
  italicAngle: number;
  underlinePosition: number;
  underlineThickness: number;
  isFixedPitch: number;
}

function postHeader(font: fontkit.Font, bytes: Buffer): PostHeader | undefined {
  const entry = (font as unknown as { directory?: { tables?: Record<string, { offset: number; length: number } | undefined> } }).directory?.tables?.post;
  if (!entry || entry.length < 16 || entry.offset + 16 > bytes.length) return undefined;
  const at = entry.offset;
  return {
    italicAngle: bytes.readInt32BE(at + 4) / 65536,
    underlinePosition: bytes.readInt16BE(at + 8),
    underlineThickness: bytes.readInt16BE(at + 10),
    isFixedPitch: bytes.readUInt32BE(at + 12),
  };
}

/**
 * Wraps a parsed font so text shaping (fontkit's `layout`: cmap lookup, GSUB/GPOS) is done once
 * per distinct string per process instead of once per document. pdfkit caches runs per document
 * only, and it scales each run's positions in place, so every caller gets fresh position objects
 * (glyph objects are shared, as fontkit already shares them). Statements repeat the same labels,
 * item names and amounts, so most strings hit the cache. The wrapper also answers the `post`
 * fields from the table's header (above), and shapes strings no contextual substitution can change
 * without `calt`/`clig`.
 */
function withSharedLayout(font: fontkit.Font, post: PostHeader | undefined, kerning: PairKerning | undefined, contextual: ContextualForms): fontkit.Font {
  const ownFeatures = (text: string, own: boolean): unknown => {
    if (contextual.mayApply(text)) return own ? FEATURES_OWN_KERNING : FEATURES;
    return own ? FEATURES_PLAIN_OWN_KERNING : FEATURES_PLAIN;
  };
  const shape = (text: string, features: unknown): ShapedRun => {
    const own = features === undefined ? kerning : undefined;
    const nfc = text.normalize('NFC');
    const run = font.layout(nfc, (features ?? ownFeatures(nfc, own !== undefined)) as never) as unknown as Run;
    const shaped = { glyphs: run.glyphs, positions: run.positions.map((p) => ({ xAdvance: p.xAdvance, yAdvance: p.yAdvance, xOffset: p.xOffset, yOffset: p.yOffset })) };
    own?.apply(run.glyphs.map((g) => g.id), shaped.positions);
    return shaped;
  };
  // Only runs shaped with the default features are shared; a caller's own features are rare.
  const runs = createBoundedMemo(MAX_CACHED_RUNS, (text: string) => shape(text, undefined));
  const layout = (text: string, features?: unknown): Run => {
    const cached = features === undefined ? runs.get(text) : shape(text, features);
    const positions = cached.positions.map((p) => ({ ...p }));
    return {
      glyphs: cached.glyphs,
      positions,
      get advanceWidth() {
        return positions.reduce((sum, p) => sum + p.xAdvance, 0);
      },
    };
  };
  return new Proxy(font, {
    get(target, property) {
      if (property === 'layout') return layout;
      if (post && property === 'post') return post;
      if (post && property === 'italicAngle') return post.italicAngle;
      return Reflect.get(target, property, target) as unknown;
    },
  });
}

function parse(file: string): fontkit.Font {
  const { font, bytes } = openFontWithOutlinesOnDemand(file);
  if (!('layout' in font)) throw new Error(`${file} is a font collection, not a single font`);
  if (!font.hasGlyphForCodePoint(0xac00) || !font.hasGlyphForCodePoint(0xd7a3)) {
    throw new Error(`${file} has no Hangul syllables`);
  }
  return withSharedLayout(font, postHeader(font, bytes), compactPairKerning(font, bytes), contextualForms(font, bytes));
}

/**
 * Loads the statement fonts: Pretendard (SIL OFL) from the `pretendard` npm package unless other
 * TrueType files are configured. Parsing a 2.7 MB font takes ~10 ms, which pdfkit would otherwise
 * repeat for every document; the parsed fontkit object is shared (with its shaping results), and
 * each document still embeds only the subset of glyphs it uses.
 */
export function loadStatementFonts(files: { regular?: string | undefined; bold?: string | undefined } = {}): StatementFonts {
  const paths = statementFontFiles(files);
  return { regular: parse(paths.regular), bold: parse(paths.bold) };
}
