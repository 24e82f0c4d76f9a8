import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { createLogger } from '@marketbill/platform';
import { firstIssueFigures, statementTotal, toStatementLines, type StatementContent } from '../../domain/statement';
import { pdfImageCount, pdfText, squeeze } from '../../testing/pdf-tools';
import { corruptPng, sealPng } from '../../testing/seal-png';
import { createStatementRenderer, type StatementRenderer } from './statement-renderer';

jest.setTimeout(60_000);

const logger = createLogger({ service: 'renderer-test', level: 'silent' });
let renderer: StatementRenderer | undefined;

afterEach(async () => {
  await renderer?.close();
  renderer = undefined;
});

function content(number: string, lineCount = 3): StatementContent {
  const lines = toStatementLines([
    {
      orderId: 'o',
      orderNumber: '261126-000001',
      version: 2,
      status: 'PLACED',
      saleDay: '2026-11-26',
      placedAt: new Date(),
      wholesaler: { id: 'w', name: '양재꽃상회', phone: null, sealedPhone: null },
      retailer: { id: 'r', name: '꽃담플라워', phone: null, sealedPhone: null },
      lines: Array.from({ length: lineCount }, (_, i) => ({ lineId: `l${i}`, kind: 'ITEM' as const, itemName: '장미', varietyName: `품종${i}`, grade: 'UPPER' as const, quantity: 2, unitPrice: 1_000, memo: null })),
    },
  ]);
  return {
    number,
    version: 1,
    issueDay: '2026-11-26',
    supplier: { wholesalerId: 'w', shopName: '양재꽃상회', ownerPhone: null, sealedOwnerPhone: null, businessNumber: '2208162517', companyName: '양재꽃상회', representative: '김꽃님', address: '서울 서초구', phone: '02-579-1234', businessType: '도소매', businessItem: '화훼', bankAccount: '농협 123', sealImageUrl: null },
    buyer: { id: 'r', name: '꽃담플라워', phone: null, sealedPhone: null },
    orders: [{ orderId: 'o', orderNumber: '261126-000001', orderVersion: 2, saleDay: '2026-11-26' }],
    lines,
    figures: firstIssueFigures(0, 0, statementTotal(lines)),
  };
}

describe('the statement renderer on worker threads', () => {
  it('When statements are rendered on two workers at once, then each PDF is whole and its own', async () => {
    renderer = createStatementRenderer({ workers: 2, fonts: {}, logger });
    expect(renderer.workers).toBe(2);
    const numbers = Array.from({ length: 6 }, (_, i) => `2611-0000${i + 1}`);
    const rendered = await Promise.all(numbers.map((n, i) => renderer!.render(content(n, i === 5 ? 60 : 3), i === 0 ? { bytes: sealPng(), type: 'png' } : undefined)));
    rendered.forEach((r, i) => expect(squeeze(pdfText(r.pdf))).toContain(`No.${numbers[i]}`));
    expect(rendered[5]!.pages).toBe(3);
    expect(pdfImageCount(rendered[0]!.pdf)).toBe(1);
  });

  it('When a render fails, then that render is refused and the next one works', async () => {
    renderer = createStatementRenderer({ workers: 1, fonts: {}, logger });
    await expect(renderer.render({ ...content('2611-00002'), lines: null } as unknown as StatementContent)).rejects.toThrow(/rendering failed/);
    const ok = await renderer.render(content('2611-00003'));
    expect(squeeze(pdfText(ok.pdf))).toContain('2611-00003');
  });

  it('When a broken image crashes the renderer, then only that render fails and a fresh worker takes the next one', async () => {
    renderer = createStatementRenderer({ workers: 1, fonts: {}, logger });
    // pdfkit inflates RGBA pixels in a zlib callback and throws there: on the main thread this
    // would be an uncaught exception; in a worker it costs the worker.
    await expect(renderer.render(content('2611-00004'), { bytes: corruptPng(), type: 'png' })).rejects.toThrow(/render worker/);
    const ok = await renderer.render(content('2611-00005'));
    expect(squeeze(pdfText(ok.pdf))).toContain('2611-00005');
  });

  it('When a render takes longer than the limit, then it is refused', async () => {
    renderer = createStatementRenderer({ workers: 1, fonts: {}, logger, timeoutMs: 1 });
    await expect(renderer.render(content('2611-00006', 200))).rejects.toThrow(/longer than 1 ms/);
  });

  it('When no workers are asked for, then rendering happens on the main thread', async () => {
    renderer = createStatementRenderer({ workers: 0, fonts: {}, logger });
    expect(renderer.workers).toBe(0);
    expect((await renderer.render(content('2611-00009'))).pages).toBe(1);
  });
});

describe('the statement renderer on the main thread, loaded with the first statement', () => {
  it('When a configured font file is missing or is not a TrueType font, then the renderer is refused at start-up', () => {
    expect(() => createStatementRenderer({ workers: 0, fonts: { regular: path.join(tmpdir(), 'no-such-font.ttf') }, logger })).toThrow(/no-such-font\.ttf cannot be read/);
    const notAFont = path.join(tmpdir(), `not-a-font-${process.pid}.ttf`);
    writeFileSync(notAFont, '<html>not a font</html>');
    expect(() => createStatementRenderer({ workers: 0, fonts: { bold: notAFont }, logger })).toThrow(/is not a TrueType font/);
  });

  it('When a font file starts like TrueType but cannot be parsed, then every render fails instead of the start-up', async () => {
    const broken = path.join(tmpdir(), `broken-font-${process.pid}.ttf`);
    writeFileSync(broken, Buffer.concat([Buffer.from([0, 1, 0, 0]), Buffer.alloc(64, 0xff)]));
    renderer = createStatementRenderer({ workers: 0, fonts: { regular: broken }, logger });
    await expect(renderer.render(content('2611-00010'))).rejects.toThrow();
    await expect(renderer.render(content('2611-00010'))).rejects.toThrow();
  });

  it('When the service has created its renderer, then pdfkit and fontkit are loaded only by the first statement', async () => {
    // In a plain Node process on the build (Jest keeps its own module registry): what is loaded after
    // creating the renderer, then after one render.
    const dist = path.resolve(__dirname, '..', '..', '..', 'dist');
    const script = `
      const { createStatementRenderer } = require(${JSON.stringify(path.join(dist, 'clients/statement-pdf/statement-renderer.js'))});
      const { createLogger } = require('@marketbill/platform');
      const loaded = () => Object.keys(require.cache).filter((f) => /node_modules[/](pdfkit|fontkit)[/]/.test(f)).length;
      const renderer = createStatementRenderer({ workers: 0, fonts: {}, logger: createLogger({ service: 't', level: 'silent' }) });
      const before = loaded();
      renderer.render(${JSON.stringify(content('2611-00011'))}).then((r) => console.log(JSON.stringify({ before, after: loaded(), pages: r.pages })));
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { cwd: dist });
    const seen = JSON.parse(stdout) as { before: number; after: number; pages: number };
    expect(seen.before).toBe(0);
    expect(seen.after).toBeGreaterThan(0);
    expect(seen.pages).toBe(1);
  });

  it('When statements are rendered, then the WOFF2 decoder and PDF encryption are not loaded, and both still work when used', async () => {
    // In a plain Node process on the build (Jest's registry ignores require.cache): fontkit's brotli
    // decoder and pdfkit's AES stay stand-ins through a render (≈ 5 MB of RSS, bench/billing), and
    // load for real the first time a WOFF2 font is read or a document is encrypted.
    const dist = path.resolve(__dirname, '..', '..', '..', 'dist');
    const woff2 = require.resolve('pretendard/dist/web/static/woff2/Pretendard-Regular.woff2');
    const script = `
      const { createStatementRenderer } = require(${JSON.stringify(path.join(dist, 'clients/statement-pdf/statement-renderer.js'))});
      const { createLogger } = require('@marketbill/platform');
      const real = () => Object.keys(require.cache).filter((f) => /node_modules[/](brotli[/]dec[/]|@noble[/]ciphers[/]_polyval)/.test(f)).length;
      const renderer = createStatementRenderer({ workers: 0, fonts: {}, logger: createLogger({ service: 't', level: 'silent' }) });
      renderer.render(${JSON.stringify(content('2611-00012'))}).then(async (r) => {
        const afterRender = real();
        const fontkit = require('fontkit');
        const woff2 = fontkit.create(require('node:fs').readFileSync(${JSON.stringify(woff2)}));
        const glyph = woff2.glyphForCodePoint(0xd7a3);
        const PDFDocument = require('pdfkit');
        const doc = new PDFDocument({ userPassword: 'secret', pdfVersion: '1.7ext3' });
        const chunks = [];
        doc.on('data', (c) => chunks.push(c));
        doc.on('end', () => {
          const pdf = Buffer.concat(chunks).toString('latin1');
          console.log(JSON.stringify({ afterRender, pages: r.pages, woff2Glyph: glyph.id, woff2Path: glyph.path.commands.length, encrypted: pdf.includes('/Encrypt ') && pdf.includes('/AESV3'), afterUse: real() }));
        });
        doc.text('x');
        doc.end();
      });
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { cwd: dist });
    const seen = JSON.parse(stdout) as { afterRender: number; pages: number; woff2Glyph: number; woff2Path: number; encrypted: boolean; afterUse: number };
    expect(seen.pages).toBe(1);
    expect(seen.afterRender).toBe(0);
    expect(seen.woff2Glyph).toBeGreaterThan(0);
    expect(seen.woff2Path).toBeGreaterThan(0);
    expect(seen.encrypted).toBe(true);
    expect(seen.afterUse).toBeGreaterThan(1);
  });
});
