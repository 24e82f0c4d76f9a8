import Module, { createRequire } from 'node:module';
import path from 'node:path';

/**
 * pdfkit and fontkit load, with themselves, two libraries for features statements never use, and
 * both cost memory at load time rather than at use:
 *
 * - fontkit's WOFF2 decoder (`brotli/decompress.js`) decodes its 120 kB dictionary from a 740 kB
 *   base64 source file — ≈ 3–4 MB of billing's RSS. Statement fonts are TrueType files
 *   (`checkStatementFontFiles` refuses anything else at start-up).
 * - pdfkit's AES (`@noble/ciphers/aes`, for password-protected PDFs) builds its tables — ≈ 2 MB.
 *   Statements are not encrypted.
 *
 * Importing this module before pdfkit and fontkit (render-statement-pdf.ts and statement-fonts.ts
 * import it first) puts a stand-in for each into Node's module cache, under the file name the
 * library's own `require` resolves to: the same functions, which load the real module the first
 * time one is called. Nothing changes but when those modules load (measured with
 * bench/billing/statement-rss.mts, issue 13). Under Jest, which keeps its own module registry, the
 * cache is not consulted and the real modules load as before.
 */
function defer(fromPackage: string, request: string, standIn: (load: () => unknown) => unknown): void {
  let file: string;
  try {
    file = createRequire(require.resolve(fromPackage)).resolve(request);
  } catch {
    return; // another layout of the packages: leave loading to them
  }
  if (require.cache[file]) return;
  let real: unknown;
  // The real module, loaded once, by a require that bypasses the stand-in's cache entry.
  const load = () => {
    if (real === undefined) {
      delete require.cache[file];
      try {
        real = createRequire(file)(file);
      } finally {
        require.cache[file] = entry;
      }
    }
    return real;
  };
  const entry = new Module(file);
  entry.filename = file;
  entry.paths = [path.join(path.dirname(file), 'node_modules')];
  entry.loaded = true;
  entry.exports = standIn(load);
  require.cache[file] = entry;
}

// fontkit: `module.exports = BrotliDecompressBuffer`, called only for a WOFF2 font.
defer('fontkit', 'brotli/decompress.js', (load) => (buffer: Uint8Array, outSize?: number) => (load() as (b: Uint8Array, n?: number) => Uint8Array)(buffer, outSize));

// pdfkit: the module's named functions (`cbc`, `ecb`), read when a document is encrypted.
defer(
  'pdfkit',
  '@noble/ciphers/aes',
  (load) =>
    new Proxy(
      {},
      {
        get: (_target, name) => (load() as Record<PropertyKey, unknown>)[name],
        has: (_target, name) => name in (load() as object),
      },
    ),
);
