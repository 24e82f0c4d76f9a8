import type * as fontkit from 'fontkit';

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

type List<T> = ArrayLike<T> | { length: number; toArray(): T[] };
interface Coverage {
  version: number;
  glyphs?: ArrayLike<number>;
  rangeRecords?: ArrayLike<{ start: number; end: number }>;
}
interface LookupRecord {
  lookupListIndex: number;
}
interface Rule {
  lookupRecords: ArrayLike<LookupRecord>;
}
interface SubTable {
  version?: number;
  lookupType?: number;
  extension?: SubTable;
  coverage?: Coverage;
  coverages?: ArrayLike<Coverage>;
  inputCoverage?: ArrayLike<Coverage>;
  deltaGlyphID?: number;
  substitute?: List<number>;
  substitutes?: ArrayLike<number>;
  sequences?: List<ArrayLike<number>>;
  alternateSet?: List<ArrayLike<number>>;
  ligatureSets?: List<ArrayLike<{ glyph: number }> | null>;
  ruleSets?: ArrayLike<ArrayLike<Rule> | null>;
  classSet?: ArrayLike<ArrayLike<Rule> | null>;
  chainRuleSets?: ArrayLike<ArrayLike<Rule> | null>;
  chainClassSet?: ArrayLike<ArrayLike<Rule> | null>;
  lookupRecords?: ArrayLike<LookupRecord>;
}
interface Lookup {
  lookupType: number;
  subTables: Iterable<SubTable>;
}
interface Gsub {
  featureList: ArrayLike<{ tag: string; feature: { lookupListIndexes: ArrayLike<number> } }>;
  lookupList: { get(index: number): Lookup };
}

/** A decoded list as an array (restructure's lazy arrays decode on `toArray`). */
function items<T>(list: List<T> | null | undefined): T[] {
  if (!list) return [];
  return 'toArray' in list ? list.toArray() : Array.from(list);
}

/** Thrown when a subtable is of a kind not understood here: every string then keeps the full path. */
class UnknownSubTable extends Error {}

/** A subtable as the lookup type it is applied as (extensions point at another kind). */
function resolve(lookupType: number, table: SubTable): { type: number; table: SubTable } {
  if (lookupType !== 7) return { type: lookupType, table };
  if (!table.extension || table.lookupType === undefined || table.lookupType === 7) throw new UnknownSubTable();
  return { type: table.lookupType, table: table.extension };
}

/** The coverage a subtable's rules start from: a rule fires only where the current glyph is in it. */
function firstCoverage(lookupType: number, subTable: SubTable): Coverage {
  const { type, table } = resolve(lookupType, subTable);
  const coverage = table.version === 3 && type === 5 ? table.coverages?.[0] : table.version === 3 && type === 6 ? table.inputCoverage?.[0] : type >= 1 && type <= 8 ? table.coverage : undefined;
  if (!coverage) throw new UnknownSubTable();
  return coverage;
}

function coverageGlyphs(coverage: Coverage): number[] {
  if (coverage.version === 1 && coverage.glyphs) return Array.from(coverage.glyphs);
  if (coverage.version !== 2 || !coverage.rangeRecords) throw new UnknownSubTable();
  const glyphs: number[] = [];
  for (const range of Array.from(coverage.rangeRecords)) for (let glyph = range.start; glyph <= range.end; glyph++) glyphs.push(glyph);
  return glyphs;
}

/** The glyphs a subtable can put into the string (directly, or through the lookups its rules call). */
function subTableOutputs(lookupType: number, subTable: SubTable, lookupOutputs: (index: number) => number[]): number[] {
  const { type, table } = resolve(lookupType, subTable);
  switch (type) {
    case 1:
      if (table.version === 1) return coverageGlyphs(firstCoverage(type, table)).map((glyph) => (glyph + (table.deltaGlyphID ?? 0)) & 0xffff);
      return items(table.substitute);
    case 2:
      return items(table.sequences).flatMap((sequence) => Array.from(sequence));
    case 3:
      return items(table.alternateSet).flatMap((set) => Array.from(set));
    case 4:
      return items(table.ligatureSets).flatMap((set) => Array.from(set ?? [], (ligature) => ligature.glyph));
    case 5:
    case 6: {
      const sets = table.version === 3 ? [[{ lookupRecords: table.lookupRecords ?? [] }]] : [...Array.from(table.ruleSets ?? table.classSet ?? []), ...Array.from(table.chainRuleSets ?? table.chainClassSet ?? [])];
      return sets.flatMap((set) => Array.from(set ?? []).flatMap((rule) => Array.from(rule.lookupRecords).flatMap((record) => lookupOutputs(record.lookupListIndex))));
    }
    case 8:
      return Array.from(table.substitutes ?? []);
    default:
      throw new UnknownSubTable();
  }
}

/**
 * The glyphs that can start a substitution fontkit runs up to and including `calt`/`clig`, from
 * fontkit's own GSUB decoding (only the lookups of the default features, which layout decodes
 * anyway); undefined when the face has no `calt`/`clig` (nothing to skip) or a subtable of a kind
 * not understood here (then every string keeps the full path).
 *
 * It starts from the first-input coverages of the `calt`/`clig` lookups. Any subtable of another
 * default lookup (`ccmp`, say, whose lookups may come before the contextual ones) that can output one of
 * those glyphs could make a contextual rule fire on a string that holds none of them, so its own
 * first-input coverage joins the set, until no more subtables join. Subtables that cannot produce a
 * glyph of the set may fire or not: they never bring a contextual rule into play.
 */
function contextualTriggers(font: fontkit.Font): Set<number> | undefined {
  const gsub = (font as unknown as { GSUB?: Gsub }).GSUB;
  if (!gsub) return undefined;
  const contextual = new Set<number>();
  const otherLookups = new Set<number>();
  for (const record of Array.from(gsub.featureList)) {
    if (!DEFAULT_SUBSTITUTIONS.includes(record.tag)) continue;
    for (const index of Array.from(record.feature.lookupListIndexes)) (CONTEXTUAL.has(record.tag) ? contextual : otherLookups).add(index);
  }
  if (contextual.size === 0) return undefined;
  try {
    const outputs = new Map<number, number[]>();
    const lookupOutputs = (index: number): number[] => {
      let known = outputs.get(index);
      if (!known) {
        outputs.set(index, []); // a lookup calling itself adds nothing new
        const lookup = gsub.lookupList.get(index);
        known = [...lookup.subTables].flatMap((table) => subTableOutputs(lookup.lookupType, table, lookupOutputs));
        outputs.set(index, known);
      }
      return known;
    };
    const triggers = new Set<number>();
    const join = (lookupType: number, table: SubTable) => coverageGlyphs(firstCoverage(lookupType, table)).forEach((glyph) => triggers.add(glyph));
    for (const index of contextual) {
      const lookup = gsub.lookupList.get(index);
      for (const table of lookup.subTables) join(lookup.lookupType, table);
    }
    // Other subtables, each with what it can output; one joins once it can output a trigger.
    const others = [...otherLookups]
      .filter((index) => !contextual.has(index))
      .flatMap((index) => {
        const lookup = gsub.lookupList.get(index);
        return [...lookup.subTables].map((table) => ({ lookupType: lookup.lookupType, table, outputs: subTableOutputs(lookup.lookupType, table, lookupOutputs) }));
      });
    for (let joined = true; joined; ) {
      joined = false;
      for (const [i, other] of others.entries()) {
        if (!other.outputs.some((glyph) => triggers.has(glyph))) continue;
        join(other.lookupType, other.table);
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

export function contextualForms(font: fontkit.Font): ContextualForms {
  const triggers = contextualTriggers(font);
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
