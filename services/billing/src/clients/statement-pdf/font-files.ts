import { closeSync, openSync, readSync } from 'node:fs';
import path from 'node:path';

/** Paths of the two faces a statement uses. */
export interface StatementFontFiles {
  regular: string;
  bold: string;
}

function pretendardFile(weight: 'Regular' | 'Bold'): string {
  // The TrueType builds ("alternative"): pdfkit embeds glyf-based fonts as CIDFontType2 subsets,
  // which every viewer and pdftotext read back with their Unicode mapping.
  const root = path.dirname(require.resolve('pretendard/package.json'));
  return path.join(root, 'dist', 'public', 'static', 'alternative', `Pretendard-${weight}.ttf`);
}

/** The configured font files, or Pretendard from the `pretendard` npm package. */
export function statementFontFiles(files: { regular?: string | undefined; bold?: string | undefined } = {}): StatementFontFiles {
  return { regular: files.regular ?? pretendardFile('Regular'), bold: files.bold ?? pretendardFile('Bold') };
}

/**
 * The start-up check of the fonts, without parsing them (fontkit, pdfkit and the parsed faces cost
 * ≈ 20 MB, so they are loaded with the first statement): each file can be read and starts like a
 * TrueType font (sfnt version 0x00010000 or 'true'). Whether it has Hangul is checked when it is
 * parsed.
 */
export function checkStatementFontFiles(files: StatementFontFiles): void {
  for (const file of [files.regular, files.bold]) {
    let fd: number | undefined;
    const head = Buffer.alloc(4);
    try {
      fd = openSync(file, 'r');
      readSync(fd, head, 0, 4, 0);
    } catch (error) {
      throw new Error(`statement font ${file} cannot be read: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    const version = head.readUInt32BE(0);
    if (version !== 0x00010000 && head.toString('latin1') !== 'true') throw new Error(`statement font ${file} is not a TrueType font`);
  }
}
