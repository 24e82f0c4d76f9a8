import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Runs a poppler tool on PDF bytes (pdftotext, pdftoppm, pdfimages, pdffonts, pdfinfo). */
function withPdf<T>(pdf: Uint8Array, run: (file: string, dir: string) => T): T {
  const dir = mkdtempSync(path.join(tmpdir(), 'billing-pdf-'));
  try {
    const file = path.join(dir, 'statement.pdf');
    writeFileSync(file, pdf);
    return run(file, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The text of the PDF (or of one page) as pdftotext reads it, layout kept. */
export function pdfText(pdf: Uint8Array, page?: number): string {
  return withPdf(pdf, (file) =>
    execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', ...(page ? ['-f', String(page), '-l', String(page)] : []), file, '-'], { encoding: 'utf8' }),
  );
}

/**
 * The text in the order it was drawn (`pdftotext -raw`): a cell's wrapped lines stay together,
 * where the layout mode interleaves them with the cells beside them.
 */
export function pdfRawText(pdf: Uint8Array): string {
  return withPdf(pdf, (file) => execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }));
}

export function pdfInfo(pdf: Uint8Array): Record<string, string> {
  const out = withPdf(pdf, (file) => execFileSync('pdfinfo', ['-enc', 'UTF-8', file], { encoding: 'utf8' }));
  return Object.fromEntries(out.split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()]));
}

export function pdfFonts(pdf: Uint8Array): string {
  return withPdf(pdf, (file) => execFileSync('pdffonts', [file], { encoding: 'utf8' }));
}

/** Number of images placed in the PDF (pdfimages -list; soft masks not counted). */
export function pdfImageCount(pdf: Uint8Array): number {
  const out = withPdf(pdf, (file) => execFileSync('pdfimages', ['-list', file], { encoding: 'utf8' }));
  return out
    .split('\n')
    .slice(2)
    .filter((l) => l.trim() && !/\bsmask\b/.test(l)).length;
}

/** Renders one page to PNG with pdftoppm and returns the PNG bytes. */
export function renderPage(pdf: Uint8Array, page = 1, dpi = 60): Buffer {
  return withPdf(pdf, (file, dir) => {
    execFileSync('pdftoppm', ['-png', '-r', String(dpi), '-f', String(page), '-l', String(page), '-singlefile', file, path.join(dir, 'page')]);
    return readFileSync(path.join(dir, 'page.png'));
  });
}

/** Text with all whitespace removed (pdftotext may split or join spaced Korean titles). */
export function squeeze(text: string): string {
  return text.replace(/\s+/g, '');
}

/** A word as pdftotext places it: its text and box, in points from the page's top-left corner. */
export interface PdfWord {
  text: string;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}

const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

/** The words of one page with their boxes (`pdftotext -bbox`): where every character was really printed. */
export function pdfWords(pdf: Uint8Array, page: number): PdfWord[] {
  const html = withPdf(pdf, (file) => execFileSync('pdftotext', ['-bbox', '-enc', 'UTF-8', '-f', String(page), '-l', String(page), file, '-'], { encoding: 'utf8' }));
  return [...html.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map((m) => ({
    xMin: Number(m[1]),
    yMin: Number(m[2]),
    xMax: Number(m[3]),
    yMax: Number(m[4]),
    text: unescape(m[5] as string),
  }));
}

/** One page rendered to RGB pixels (`pdftoppm -ppm`), to look at colours and where they are. */
export function pagePixels(pdf: Uint8Array, page: number, dpi: number): { width: number; height: number; scale: number; rgb(x: number, y: number): [number, number, number] } {
  const ppm = withPdf(pdf, (file, dir) => {
    execFileSync('pdftoppm', ['-r', String(dpi), '-f', String(page), '-l', String(page), '-singlefile', file, path.join(dir, 'page')]);
    return readFileSync(path.join(dir, 'page.ppm'));
  });
  // P6 header: magic, width, height, maxval, each followed by whitespace.
  const header = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(ppm.subarray(0, 50).toString('latin1'));
  if (!header) throw new Error('not a binary PPM');
  const width = Number(header[1]);
  const height = Number(header[2]);
  const offset = header[0].length;
  return {
    width,
    height,
    scale: dpi / 72,
    rgb: (x, y) => {
      const i = offset + (y * width + x) * 3;
      return [ppm[i] as number, ppm[i + 1] as number, ppm[i + 2] as number];
    },
  };
}
