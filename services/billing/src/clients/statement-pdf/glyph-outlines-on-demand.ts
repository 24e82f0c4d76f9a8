import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import * as fontkit from 'fontkit';

/**
 * A TrueType face whose glyph outlines (`glyf`) are read from the file as glyphs are first used,
 * instead of the whole file being held in memory (issue 13).
 *
 * fontkit reads a font from one buffer of the whole file. For Pretendard, 2.27 of each face's
 * 2.73 MB are the outlines of 14,000 glyphs, of which a 200-line statement prints ≈ 80 (≈ 60
 * pages of 4 kB). Here the buffer is reserved as zero pages that become resident only when written,
 * and every table but `glyf` is read into it at its offset. fontkit creates every glyph object through `_getBaseGlyph` (`getGlyph`, composite
 * components, pdfkit's subsetting, which asks for the glyph before copying its bytes), and reads a
 * glyph's outline only through that object or after creating it, so the glyph's byte range (from
 * `loca`) is read from the file there, before anything can look at it. The file stays open for the
 * process: the fonts are parsed once per process.
 *
 * Anything unexpected — not a plain TrueType file, a variable font (whose outlines `gvar` would
 * read in other ways), a `glyf` or `loca` that does not fit the file — and the whole file is read
 * as before.
 */
export interface FontBytes {
  font: fontkit.Font;
  /** The file's bytes; the `glyf` range holds only the glyphs read so far when `onDemand`. */
  bytes: Buffer;
  onDemand: boolean;
}

interface TableEntry {
  offset: number;
  length: number;
}
interface TrueType {
  type?: string;
  directory?: { tables?: Record<string, TableEntry | undefined> };
  loca?: { offsets?: ArrayLike<number> };
  numGlyphs: number;
  _glyphs?: Record<number, unknown>;
  _getBaseGlyph?: (glyph: number, characters?: number[]) => unknown;
}

const TRUETYPE = 0x00010000;
/** `ArrayBuffer` with ES2024's `maxByteLength` option (Node 20+), which this project's TypeScript lib does not declare. */
const ResizableArrayBuffer = ArrayBuffer as unknown as new (length: number, options: { maxByteLength: number }) => ArrayBuffer;

function readAt(fd: number, into: Buffer, offset: number, length: number): void {
  for (let done = 0; done < length; ) {
    const n = readSync(fd, into, offset + done, length - done, offset + done);
    if (n === 0) throw new Error(`font file ended at ${offset + done}, ${length - done} bytes short`);
    done += n;
  }
}

/** The table directory from the file's first bytes, or undefined when it is not plain TrueType. */
function readDirectory(fd: number, bytes: Buffer): Map<string, TableEntry> | undefined {
  readAt(fd, bytes, 0, Math.min(12, bytes.length));
  if (bytes.length < 12 || bytes.readUInt32BE(0) !== TRUETYPE) return undefined;
  const count = bytes.readUInt16BE(4);
  if (12 + 16 * count > bytes.length) return undefined;
  readAt(fd, bytes, 12, 16 * count);
  const tables = new Map<string, TableEntry>();
  for (let i = 0; i < count; i++) {
    const at = 12 + 16 * i;
    const entry = { offset: bytes.readUInt32BE(at + 8), length: bytes.readUInt32BE(at + 12) };
    if (entry.offset + entry.length > bytes.length) return undefined;
    tables.set(bytes.toString('latin1', at, at + 4), entry);
  }
  return tables;
}

export function openFontWithOutlinesOnDemand(file: string): FontBytes {
  const whole = (): FontBytes => {
    const bytes = readFileSync(file);
    return { font: fontkit.create(bytes) as fontkit.Font, bytes, onDemand: false };
  };
  const fd = openSync(file, 'r');
  let keepOpen = false;
  try {
    const size = fstatSync(fd).size;
    // A resizable ArrayBuffer is reserved as virtual memory and committed as zero pages the kernel
    // supplies on first touch (V8 allocates it like a WebAssembly memory), whatever malloc would
    // have recycled: what is never written is never resident.
    const bytes = Buffer.from(new ResizableArrayBuffer(size, { maxByteLength: size }));
    const tables = readDirectory(fd, bytes);
    const glyf = tables?.get('glyf');
    if (!tables || !glyf || !tables.has('loca') || tables.has('fvar')) return whole();
    for (const [tag, entry] of tables) if (tag !== 'glyf') readAt(fd, bytes, entry.offset, entry.length);

    const font = fontkit.create(bytes) as unknown as TrueType;
    const offsets = font.loca?.offsets;
    const baseGlyph = font._getBaseGlyph;
    if (font.type !== 'TTF' || !offsets || offsets.length < font.numGlyphs + 1 || !font._glyphs || typeof baseGlyph !== 'function') return whole();
    if ((offsets[font.numGlyphs] as number) > glyf.length) return whole();

    const read = new Uint8Array(font.numGlyphs);
    const glyphs = font._glyphs;
    font._getBaseGlyph = function outlineOnDemand(this: TrueType, glyph: number, characters?: number[]) {
      if (glyph >= 0 && glyph < read.length && !read[glyph] && !glyphs[glyph]) {
        const start = offsets[glyph] as number;
        const end = offsets[glyph + 1] as number;
        if (end > start) readAt(fd, bytes, glyf.offset + start, end - start);
        read[glyph] = 1;
      }
      return baseGlyph.call(this, glyph, characters);
    };
    keepOpen = true;
    return { font: font as unknown as fontkit.Font, bytes, onDemand: true };
  } finally {
    if (!keepOpen) closeSync(fd);
  }
}
