import type * as fontkit from 'fontkit';
import { coverageOf, Reader } from './pair-kerning';

/**
 * Which strings a face's contextual substitutions (`calt`, `clig`) can change, so the others are
 * shaped without them (issue 13).
 *
 * fontkit applies a chaining-context lookup by walking every glyph of the string through every
 * subtable, and checks each subtable's coverages through a fresh closure per check: for Pretendard,
 * whose `calt`/`clig` (from Inter: dashes, colons and arithmetic signs aligned between digits and
 * capitals, arrows, `x` between digits) is eight lookups with ≈ 60 format-3 subtables, that is
 * ≈ 50 MB of short-lived objects per 200-line statement — most of what a render allocates — for
 * strings like `품종12` or `1,000` where no rule can fire.
 *
 * A substitution lookup changes nothing unless some glyph of the string is in the coverage of the
 * lookup's first input position (every subtable kind starts there: single, multiple, alternate and
 * ligature `coverage`, context and chaining-context formats 1–2 `coverage`, format 3 the first
 * input coverage, reverse chaining `coverage`; extensions point at one of these). So when no glyph
 * of the string can start any substitution fontkit would run up to and including `calt`/`clig`,
 * nothing before them changes a glyph, they change nothing either, and shaping without them gives
 * the same glyphs by construction. Other features fontkit turns on by itself (`ccmp`, `locl`, …)
 * share one stage with `calt`/`clig`, ordered by lookup index, so one of their lookups may run
 * first: those that can output a glyph a contextual rule starts from are counted in as well.
 *
 * Beyond the font's tables, fontkit's shapers rewrite glyphs themselves in two places, and those
 * strings always take the full path: the Hangul shaper composes and decomposes conjoining jamo,
 * reorders tone marks and inserts a dotted circle (any code point of those blocks, and a syllable
 * the face has no glyph for), and the default shaper turns on `frac`/`numr`/`dnom` around a
 * fraction slash. Variation selectors (which pick glyphs through cmap format 14) do too.
 */
export interface ContextualForms {
  /** True when `calt`/`clig` may change how `text` is shaped (then it is shaped with them). */
  mayApply(text: string): boolean;
  /** Glyph ids that can start a substitution up to and including `calt`/`clig`. */
  readonly triggers: ReadonlySet<number>;
}

/** The substitution features fontkit enables on its own for horizontal text (DefaultShaper, HangulShaper), except the fraction ones (their code point is a trigger below). */
const DEFAULT_SUBSTITUTIONS = ['rvrn', 'ltra', 'ltrm', 'ccmp', 'locl', 'rlig', 'calt', 'clig', 'liga', 'rclt', 'ljmo', 'vjmo', 'tjmo'];
const CONTEXTUAL = new Set(['calt', 'clig']);

/** Thrown when a subtable is of a kind not understood here: every string then keeps the full path. */
class UnknownSubTable extends Error {}

interface SubTable {
  type: number;
  table: Reader;
}

/** A lookup's subtables as the types they are applied as (extensions point at another kind). */
function subTablesOf(lookup: Reader): SubTable[] {
  const type = lookup.u16(0);
  return Array.from({ length: lookup.u16(4) }, (_, i) => {
    const table = lookup.sub(lookup.u16(6 + 2 * i));
    if (type !== 7) return { type, table };
    const extended = table.u16(2);
    if (table.u16(0) !== 1 || extended === 7) throw new UnknownSubTable();
    return { type: extended, table: table.sub(table.u32(4)) };
  });
}

/** The coverage a subtable's rules start from: a rule fires only where the current glyph is in it. */
function firstCoverage({ type, table }: SubTable): Uint16Array {
  const format = table.u16(0);
  let at: number;
  if (type === 5 && format === 3) at = table.u16(6);
  else if (type === 6 && format === 3) at = table.u16(6 + 2 * table.u16(2));
  else if (type >= 1 && type <= 8) at = table.u16(2);
  else throw new UnknownSubTable();
  const coverage = coverageOf(table.sub(at));
  if (!coverage) throw new UnknownSubTable();
  return coverage.glyphs;
}

/** The lookup indexes the sequence lookup records of a context rule call. */
function recordLookups(table: Reader, at: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => table.u16(at + 4 * i + 2));
}

/** The rules of a (chained) context subtable of format 1 or 2, each as the lookups it calls. */
function ruleLookups(table: Reader, chained: boolean): number[] {
  const sets = chained && table.u16(0) === 2 ? 10 : table.u16(0) === 2 ? 6 : 4;
  const called: number[] = [];
  for (let s = 0; s < table.u16(sets); s++) {
    const offset = table.u16(sets + 2 + 2 * s);
    if (offset === 0) continue;
    const set = table.sub(offset);
    for (let r = 0; r < set.u16(0); r++) {
      const rule = set.sub(set.u16(2 + 2 * r));
      if (!chained) {
        called.push(...recordLookups(rule, 4 + 2 * (rule.u16(0) - 1), rule.u16(2)));
        continue;
      }
      let at = 2 + 2 * rule.u16(0); // backtrack
      at += 2 * rule.u16(at); // input (count includes the first glyph)
      at += 2 + 2 * rule.u16(at); // lookahead
      called.push(...recordLookups(rule, at + 2, rule.u16(at)));
    }
  }
  return called;
}

/** The glyphs a subtable can put into the string (directly, or through the lookups its rules call). */
function outputsOf(subTable: SubTable, lookupOutputs: (index: number) => number[]): number[] {
  const { type, table } = subTable;
  const format = table.u16(0);
  const listed = (list: Reader) => Array.from({ length: list.u16(0) }, (_, i) => list.u16(2 + 2 * i));
  const each = <T>(count: number, at: number, f: (r: Reader) => T[]) => Array.from({ length: count }, (_, i) => f(table.sub(table.u16(at + 2 * i)))).flat();
  switch (type) {
    case 1:
      if (format === 1) return Array.from(firstCoverage(subTable), (glyph) => (glyph + table.i16(4)) & 0xffff);
      return Array.from({ length: table.u16(4) }, (_, i) => table.u16(6 + 2 * i));
    case 2:
    case 3:
      return each(table.u16(4), 6, listed);
    case 4:
      return each(table.u16(4), 6, (set) => Array.from({ length: set.u16(0) }, (_, i) => set.sub(set.u16(2 + 2 * i)).u16(0)));
    case 5:
    case 6: {
      if (format !== 3) return ruleLookups(table, type === 6).flatMap(lookupOutputs);
      if (type === 5) return recordLookups(table, 6 + 2 * table.u16(2), table.u16(4)).flatMap(lookupOutputs);
      let at = 2 + 2 + 2 * table.u16(2); // past the backtrack coverages, at the input count
      at += 2 + 2 * table.u16(at); // at the lookahead count
      at += 2 + 2 * table.u16(at); // at the record count
      return recordLookups(table, at + 2, table.u16(at)).flatMap(lookupOutputs);
    }
    case 8: {
      let at = 6 + 2 * table.u16(4); // past the backtrack coverages, at the lookahead count
      at += 2 + 2 * table.u16(at); // at the substitute count
      return Array.from({ length: table.u16(at) }, (_, i) => table.u16(at + 2 + 2 * i));
    }
    default:
      throw new UnknownSubTable();
  }
}

/**
 * The glyphs that can start a substitution fontkit runs up to and including `calt`/`clig`, read
 * from the GSUB bytes (as `pair-kerning.ts` reads GPOS: fontkit's decoding of the same lookups
 * allocates ≈ 4.7 MB per face, and decoding them at load made the statement's peak RSS 2–4 MB
 * higher); undefined when the face has no `calt`/`clig` (nothing to skip) or a subtable of a kind
 * not understood here (then every string keeps the full path).
 *
 * It starts from the first-input coverages of the `calt`/`clig` lookups. Any subtable of another
 * default lookup (`ccmp`, say, whose lookups may come before the contextual ones) that can output one of
 * those glyphs could make a contextual rule fire on a string that holds none of them, so its own
 * first-input coverage joins the set, until no more subtables join. Subtables that cannot produce a
 * glyph of the set may fire or not: they never bring a contextual rule into play.
 */
function contextualTriggers(font: fontkit.Font, bytes: Buffer): Set<number> | undefined {
  const entry = (font as unknown as { directory?: { tables?: Record<string, { offset: number; length: number } | undefined> } }).directory?.tables?.GSUB;
  if (!entry || entry.offset + entry.length > bytes.length) return undefined;
  const gsub = new Reader(bytes, entry.offset);
  if (gsub.u16(0) !== 1) return undefined;
  const features = gsub.sub(gsub.u16(6));
  const lookups = gsub.sub(gsub.u16(8));
  const contextual = new Set<number>();
  const otherLookups = new Set<number>();
  for (let f = 0; f < features.u16(0); f++) {
    const tag = features.tag(2 + 6 * f);
    if (!DEFAULT_SUBSTITUTIONS.includes(tag)) continue;
    const feature = features.sub(features.u16(6 + 6 * f));
    for (let i = 0; i < feature.u16(2); i++) (CONTEXTUAL.has(tag) ? contextual : otherLookups).add(feature.u16(4 + 2 * i));
  }
  if (contextual.size === 0) return undefined;
  try {
    const lookup = (index: number) => {
      if (index >= lookups.u16(0)) throw new UnknownSubTable();
      return lookups.sub(lookups.u16(2 + 2 * index));
    };
    const outputs = new Map<number, number[]>();
    const lookupOutputs = (index: number): number[] => {
      let known = outputs.get(index);
      if (!known) {
        outputs.set(index, []); // a lookup calling itself adds nothing new
        known = subTablesOf(lookup(index)).flatMap((table) => outputsOf(table, lookupOutputs));
        outputs.set(index, known);
      }
      return known;
    };
    const triggers = new Set<number>();
    const join = (table: SubTable) => firstCoverage(table).forEach((glyph) => triggers.add(glyph));
    for (const index of contextual) subTablesOf(lookup(index)).forEach(join);
    // Other subtables, each with what it can output; one joins once it can output a trigger.
    const others = [...otherLookups].filter((index) => !contextual.has(index)).flatMap((index) => subTablesOf(lookup(index)).map((table) => ({ table, outputs: outputsOf(table, lookupOutputs) })));
    for (let joined = true; joined; ) {
      joined = false;
      for (const [i, other] of others.entries()) {
        if (!other.outputs.some((glyph) => triggers.has(glyph))) continue;
        join(other.table);
        others.splice(i, 1);
        joined = true;
        break;
      }
    }
    return triggers;
  } catch (error) {
    if (error instanceof UnknownSubTable) return undefined;
    throw error;
  }
}

/** Code points fontkit's shapers act on outside the font's tables (see above). */
function rewrittenByShaper(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x11ff) || // Hangul Jamo
    (code >= 0xa960 && code <= 0xa97f) || // Hangul Jamo Extended-A
    (code >= 0xd7b0 && code <= 0xd7ff) || // Hangul Jamo Extended-B
    code === 0x302e ||
    code === 0x302f || // Hangul tone marks
    code === 0x25cc || // dotted circle
    code === 0x2044 || // fraction slash: frac, numr, dnom
    (code >= 0xfe00 && code <= 0xfe0f) ||
    (code >= 0xe0100 && code <= 0xe01ef) // variation selectors
  );
}

export function contextualForms(font: fontkit.Font, bytes: Buffer): ContextualForms {
  const triggers = contextualTriggers(font, bytes);
  if (!triggers) return { mayApply: () => true, triggers: new Set() };
  const byCodePoint = new Map<number, boolean>();
  const triggering = (code: number): boolean => {
    let known = byCodePoint.get(code);
    if (known === undefined) {
      const syllableWithoutGlyph = code >= 0xac00 && code <= 0xd7a3 && !font.hasGlyphForCodePoint(code);
      known = rewrittenByShaper(code) || syllableWithoutGlyph || triggers.has(font.glyphForCodePoint(code).id);
      byCodePoint.set(code, known);
    }
    return known;
  };
  return {
    triggers,
    mayApply(text) {
      for (let i = 0; i < text.length; i++) {
        const code = text.codePointAt(i) as number;
        if (code > 0xffff) i++;
        if (triggering(code)) return true;
      }
      return false;
    },
  };
}
