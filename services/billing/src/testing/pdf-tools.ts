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
