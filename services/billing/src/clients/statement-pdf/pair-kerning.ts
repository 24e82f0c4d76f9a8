import type * as fontkit from 'fontkit';

/**
 * A face's OpenType pair kerning (the `kern` feature's GPOS PairPos lookups) in typed arrays.
 *
 * fontkit decodes each PairPos subtable into one object per value record, and keeps them for the
 * life of the font: Pretendard's class matrices (48 × 90, 97 × 99, …) and pair sets come to
 * ≈ 1.7 MB of heap per face, 15,000 objects (heap snapshot, issue 13). The same data as typed arrays
 * is ≈ 0.2 MB. The faces are shaped by fontkit without `kern`, then this adds the adjustments the
 * way fontkit's GPOS processor does: lookups in order, for each glyph the first subtable that
 * applies, the pair being the glyph and the next one that the lookup does not ignore.
 *
 * Only what statements' fonts use is supported — PairPos format 1 and 2 (also behind an Extension
 * lookup) whose first value is an x-advance and whose second is empty, the same lookups for every
 * script. For anything else `compactPairKerning` answers undefined and fontkit kerns as before.
 */
export interface PairKerning {
  /** Adds the kerning of the glyph run to its x-advances, in font units (in place). */
  apply(glyphIds: ArrayLike<number>, xAdvances: { xAdvance: number }[]): void;
}

interface Subtable {
  /** The adjustment for (first, second), or undefined when this subtable does not apply. */
  adjust(first: number, second: number): number | undefined;
}

interface Lookup {
  ignoreMarks: boolean;
  subtables: Subtable[];
}

/** Big-endian reads within one table of the font file (also used by contextual-forms.ts). */
export class Reader {
  constructor(
    private readonly bytes: Buffer,
    readonly base: number,
  ) {}
  u16(at: number): number {
    return this.bytes.readUInt16BE(this.base + at);
  }
  i16(at: number): number {
    return this.bytes.readInt16BE(this.base + at);
  }
  u32(at: number): number {
    return this.bytes.readUInt32BE(this.base + at);
  }
  tag(at: number): string {
    return this.bytes.toString('latin1', this.base + at, this.base + at + 4);
  }
  /** A reader whose offset 0 is `at` here. */
  sub(at: number): Reader {
    return new Reader(this.bytes, this.base + at);
  }
}

/** Coverage as a sorted glyph list and the coverage index of each (typed arrays only: no garbage). */
export function coverageOf(table: Reader): { glyphs: Uint16Array; index: Uint16Array } | undefined {
  const format = table.u16(0);
  const count = table.u16(2);
  let total = 0;
  if (format === 1) total = count;
  else if (format === 2) for (let r = 0; r < count; r++) total += Math.max(0, table.u16(6 + 6 * r) - table.u16(4 + 6 * r) + 1);
  else return undefined;
  let glyphs = new Uint16Array(total);
  let index = new Uint16Array(total);
  let n = 0;
  if (format === 1) {
    for (let i = 0; i < count; i++, n++) {
      glyphs[n] = table.u16(4 + 2 * i);
      index[n] = i;
    }
  } else {
    for (let r = 0; r < count; r++) {
      const start = table.u16(4 + 6 * r);
      const first = table.u16(8 + 6 * r);
      for (let g = start, end = table.u16(6 + 6 * r); g <= end; g++, n++) {
        glyphs[n] = g;
        index[n] = first + g - start;
      }
    }
  }
  let sorted = true;
  for (let i = 1; i < total && sorted; i++) sorted = (glyphs[i - 1] as number) < (glyphs[i] as number);
  if (!sorted) {
    // fontkit's coverageIndex takes the first match in table order: sort, keeping the first of duplicates.
    const order = Array.from({ length: total }, (_, i) => i).sort((x, y) => (glyphs[x] as number) - (glyphs[y] as number) || x - y);
    const kept = order.filter((o, k) => k === 0 || glyphs[o] !== glyphs[order[k - 1] as number]);
    glyphs = Uint16Array.from(kept, (o) => glyphs[o] as number);
    index = Uint16Array.from(kept, (o) => index[o] as number);
  }
  return { glyphs, index };
}

function find(sorted: Uint16Array, value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = sorted[mid] as number;
    if (v === value) return mid;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** A class definition as a class per glyph (fontkit's getClassID: 0 when not listed). */
function classesOf(table: Reader, glyphCount: number): Uint16Array | undefined {
  const classes = new Uint16Array(glyphCount);
  const format = table.u16(0);
  if (format === 1) {
    const start = table.u16(2);
    const count = table.u16(4);
    for (let i = 0; i < count && start + i < glyphCount; i++) classes[start + i] = table.u16(6 + 2 * i);
  } else if (format === 2) {
    // fontkit takes the first range holding the glyph: fill in reverse so earlier ranges win.
    for (let r = table.u16(2) - 1; r >= 0; r--) {
      const value = table.u16(8 + 6 * r);
      for (let g = table.u16(4 + 6 * r); g <= table.u16(6 + 6 * r) && g < glyphCount; g++) classes[g] = value;
    }
  } else return undefined;
  return classes;
}

/** ValueFormat: only XAdvance (0x0004) in the first record, nothing in the second. */
const X_ADVANCE = 0x0004;

function pairPos(table: Reader, glyphCount: number): Subtable | undefined {
  const format = table.u16(0);
  if (table.u16(4) !== X_ADVANCE || table.u16(6) !== 0) return undefined;
  const coverage = coverageOf(table.sub(table.u16(2)));
  if (!coverage) return undefined;
  if (format === 1) {
    const count = table.u16(8);
    const offsets = new Uint32Array(count + 1);
    for (let i = 0; i < count; i++) offsets[i + 1] = (offsets[i] as number) + table.sub(table.u16(10 + 2 * i)).u16(0);
    const second = new Uint16Array(offsets[count] as number);
    const value = new Int16Array(offsets[count] as number);
    for (let i = 0; i < count; i++) {
      const set = table.sub(table.u16(10 + 2 * i));
      for (let k = 0, at = offsets[i] as number, n = set.u16(0); k < n; k++, at++) {
        second[at] = set.u16(2 + 4 * k);
        value[at] = set.i16(4 + 4 * k);
      }
    }
    return {
      adjust(first, next) {
        const c = find(coverage.glyphs, first);
        if (c < 0) return undefined;
        const set = coverage.index[c] as number;
        if (set >= count) return undefined;
        // The first pair of the set naming `next`, as fontkit scans it.
        for (let k = offsets[set] as number; k < (offsets[set + 1] as number); k++) if (second[k] === next) return value[k];
        return undefined;
      },
    };
  }
  if (format === 2) {
    const class1 = classesOf(table.sub(table.u16(8)), glyphCount);
    const class2 = classesOf(table.sub(table.u16(10)), glyphCount);
    if (!class1 || !class2) return undefined;
    const height = table.u16(12);
    const width = table.u16(14);
    const matrix = new Int16Array(height * width);
    for (let i = 0; i < height * width; i++) matrix[i] = table.i16(16 + 2 * i);
    return {
      adjust(first, next) {
        if (find(coverage.glyphs, first) < 0) return undefined;
        const a = class1[first] as number;
        const b = class2[next] as number;
        // fontkit applies a covered pair whatever its classes.
        return a < height && b < width ? (matrix[a * width + b] as number) : 0;
      },
    };
  }
  return undefined;
}

/** The `kern` lookups, the same for every script and language, or undefined. */
function kernLookupIndexes(gpos: Reader): number[] | undefined {
  const scripts = gpos.sub(gpos.u16(4));
  const features = gpos.sub(gpos.u16(6));
  const kernOf = (langSys: Reader) => {
    const indexes = new Set<number>();
    for (let i = 0, n = langSys.u16(4); i < n; i++) {
      const feature = langSys.u16(6 + 2 * i);
      if (features.tag(2 + 6 * feature) !== 'kern') continue;
      const table = features.sub(features.u16(6 + 6 * feature));
      for (let k = 0, m = table.u16(2); k < m; k++) indexes.add(table.u16(4 + 2 * k));
    }
    return [...indexes].sort((a, b) => a - b).join(',');
  };
  let found: string | undefined;
  for (let s = 0, n = scripts.u16(0); s < n; s++) {
    const script = scripts.sub(scripts.u16(6 + 6 * s));
    const systems = [script.u16(0) ? [script.sub(script.u16(0))] : [], Array.from({ length: script.u16(2) }, (_, l) => script.sub(script.u16(8 + 6 * l)))].flat();
    for (const langSys of systems) {
      const key = kernOf(langSys);
      if (found !== undefined && found !== key) return undefined;
      found = key;
    }
  }
  return found ? found.split(',').map(Number) : undefined;
}

/**
 * The face's pair kerning in typed arrays, read from the font file's GPOS table, or undefined
 * when the font's kerning is not of the supported kind (fontkit then kerns itself).
 */
export function compactPairKerning(font: fontkit.Font, bytes: Buffer): PairKerning | undefined {
  const tables = (font as unknown as { directory?: { tables?: Record<string, { offset: number; length: number } | undefined> } }).directory?.tables;
  const gposEntry = tables?.GPOS;
  if (!gposEntry) return undefined;
  try {
    const gpos = new Reader(bytes, gposEntry.offset);
    const indexes = kernLookupIndexes(gpos);
    if (!indexes) return undefined;
    const glyphCount = font.numGlyphs;
    const lookupList = gpos.sub(gpos.u16(8));
    const lookups: Lookup[] = [];
    for (const index of indexes) {
      const lookup = lookupList.sub(lookupList.u16(2 + 2 * index));
      const type = lookup.u16(0);
      const flags = lookup.u16(2);
      if ((flags & ~0x0008) !== 0) return undefined; // only IgnoreMarks
      const subtables: Subtable[] = [];
      for (let s = 0, n = lookup.u16(4); s < n; s++) {
        let table = lookup.sub(lookup.u16(6 + 2 * s));
        if (type === 9) {
          if (table.u16(2) !== 2) return undefined;
          table = table.sub(table.u32(4));
        } else if (type !== 2) return undefined;
        const subtable = pairPos(table, glyphCount);
        if (!subtable) return undefined;
        subtables.push(subtable);
      }
      lookups.push({ ignoreMarks: (flags & 0x0008) !== 0, subtables });
    }
    // Marks (GDEF glyph class 3) are skipped by lookups that ignore them, as fontkit's iterator does.
    const gdefEntry = tables?.GDEF;
    const gdef = gdefEntry ? new Reader(bytes, gdefEntry.offset) : undefined;
    const glyphClasses = gdef && gdef.u16(4) ? classesOf(gdef.sub(gdef.u16(4)), glyphCount) : undefined;
    return kerningOf(lookups, glyphClasses);
  } catch (error) {
    if (error instanceof RangeError) return undefined; // a table that points outside the file
    throw error;
  }
}

function kerningOf(lookups: Lookup[], glyphClasses: Uint16Array | undefined): PairKerning {
  const isMark = (glyph: number) => glyphClasses !== undefined && glyphClasses[glyph] === 3;
  return {
    apply(glyphIds, positions) {
      for (const lookup of lookups) {
        const skip = (i: number) => lookup.ignoreMarks && isMark(glyphIds[i] as number);
        let i = 0;
        while (i < glyphIds.length && skip(i)) i++;
        while (i < glyphIds.length) {
          let next = i + 1;
          while (next < glyphIds.length && skip(next)) next++;
          if (next < glyphIds.length) {
            for (const subtable of lookup.subtables) {
              const x = subtable.adjust(glyphIds[i] as number, glyphIds[next] as number);
              if (x !== undefined) {
                (positions[i] as { xAdvance: number }).xAdvance += x;
                break;
              }
            }
          }
          i = next;
        }
      }
    },
  };
}
