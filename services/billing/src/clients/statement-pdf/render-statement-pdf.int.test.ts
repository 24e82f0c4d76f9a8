import { beforeAll, describe, expect, it, jest } from '@jest/globals';
import { formatKrw } from '../../domain/korean-amount';
import type { StatementContent } from '../../domain/statement';
import { pagePixels, pdfFonts, pdfInfo, pdfText, pdfWords, squeeze, type PdfWord } from '../../testing/pdf-tools';
import { sealPng } from '../../testing/seal-png';
import { LONG_BUYER_ADDRESS, LONG_SUPPLIER_ADDRESS, longStatement, manyLineStatement, MAX_BALANCE, shortStatement, statementLine } from '../../testing/statement-fixtures';
import { renderStatementPdf, type Box, type RenderedStatement } from './render-statement-pdf';
import { loadStatementFonts, type StatementFonts } from './statement-fonts';

// The PDFs are read back with poppler (pdftotext -bbox for where every word was printed,
// pdftoppm for the pixels), independently of the renderer's own idea of its layout.

/** pdftotext's word box is ascent + descent high: 1.193 × the font size for Pretendard. */
const HEIGHT_PER_POINT = 1.193;
const FLOOR = 7.5;
const PAGE = { left: 36, right: 595.28 - 36, top: 36, bottom: 841.89 - 36 };
const seal = { bytes: new Uint8Array(sealPng()), type: 'png' as const };

// Setups render whole statements and read them back with poppler: seconds of CPU each, more than
// Jest's 5 s default when the suite shares the cores (as the other billing suites allow).
jest.setTimeout(60_000);

let fonts: StatementFonts;
beforeAll(() => {
  fonts = loadStatementFonts({});
});

const inside = (w: PdfWord, box: Box, slack = 0.6) => w.xMin >= box.x - slack && w.xMax <= box.x + box.w + slack && w.yMin >= box.y - slack && w.yMax <= box.y + box.h + slack;
const centreIn = (w: PdfWord, box: Box) => {
  const x = (w.xMin + w.xMax) / 2;
  const y = (w.yMin + w.yMax) / 2;
  return x >= box.x && x <= box.x + box.w && y >= box.y && y <= box.y + box.h;
};

/** The words printed in a field's box, in reading order, and whether each stays inside it. */
function printedIn(words: PdfWord[], box: Box): { text: string; allInside: boolean } {
  const found = words.filter((w) => centreIn(w, box)).sort((a, b) => a.yMin - b.yMin || a.xMin - b.xMin);
  return { text: found.map((w) => w.text).join(''), allInside: found.every((w) => inside(w, box)) };
}

/** Asserts a field printed every character of `expected`, inside its box. */
function expectField(rendered: RenderedStatement, name: string, expected: string): void {
  const field = rendered.layout.fields[name];
  if (!field) throw new Error(`no field ${name} in the layout`);
  const printed = printedIn(pdfWords(rendered.pdf, field.page), field.box);
  expect({ name, text: printed.text }).toEqual({ name, text: squeeze(expected) });
  expect({ name, allInside: printed.allInside }).toEqual({ name, allInside: true });
}

function expectReadableAndOnThePage(pdf: Uint8Array, page: number): void {
  const words = pdfWords(pdf, page);
  expect(words.length).toBeGreaterThan(20);
  const smallest = Math.min(...words.map((w) => (w.yMax - w.yMin) / HEIGHT_PER_POINT));
  expect(smallest).toBeGreaterThanOrEqual(FLOOR - 0.01);
  expect(words.filter((w) => w.xMin < PAGE.left - 0.5 || w.xMax > PAGE.right + 0.5 || w.yMin < PAGE.top - 3 || w.yMax > PAGE.bottom)).toEqual([]);
}

describe('a statement with long real-world values and the largest amounts', () => {
  let content: StatementContent;
  let rendered: RenderedStatement;
  beforeAll(async () => {
    content = longStatement();
    rendered = await renderStatementPdf(content, fonts, seal);
  });

  it('When the supplier’s and buyer’s fields are long, then every character of each is printed inside its own box, wrapped rather than cut', () => {
    expect(LONG_SUPPLIER_ADDRESS.length).toBeGreaterThanOrEqual(60);
    const { supplier } = content;
    const business = content.buyer.business!;
    expectField(rendered, 'supplier.businessNumber', '220-81-62517');
    expectField(rendered, 'supplier.companyName', supplier.companyName);
    expectField(rendered, 'supplier.representative', supplier.representative);
    expectField(rendered, 'supplier.address', LONG_SUPPLIER_ADDRESS);
    expectField(rendered, 'supplier.businessType', supplier.businessType);
    expectField(rendered, 'supplier.businessItem', '화초 및 산식물 도소매업');
    expectField(rendered, 'buyer.name', content.buyer.name);
    expectField(rendered, 'buyer.businessNumber', '120-88-00767');
    expectField(rendered, 'buyer.companyName', '주식회사 꿀벌원예 양재본점');
    expectField(rendered, 'buyer.representative', business.representative);
    expectField(rendered, 'buyer.address', LONG_BUYER_ADDRESS);
    expectField(rendered, 'buyer.businessType', business.businessType!);
    expectField(rendered, 'buyer.businessItem', business.businessItem!);
    expectField(rendered, 'bankAccount', supplier.bankAccount);
    expect(rendered.layout.fields['supplier.address']?.lines).toBeGreaterThan(1);
  });

  it('When amounts are at the limits (quantity 1,000,000, unit price 100,000,000, total and balance 9,999,999,999,999), then each prints in full in its cell, and the total in Korean numerals', () => {
    expectField(rendered, 'total.words', '일금 구조구천구백구십구억구천구백구십구만구천구백구십구 원정');
    expectField(rendered, 'total.digits', '(₩ 9,999,999,999,999)');
    expectField(rendered, 'closing.total', '9,999,999,999,999');
    for (const name of ['previousBalance', 'total', 'payments', 'balance']) expectField(rendered, `footer.${name}`, `₩ ${formatKrw(MAX_BALANCE)}`);
    content.lines.forEach((line, i) => {
      expectField(rendered, `line.${i + 1}.quantity`, formatKrw(line.quantity));
      expectField(rendered, `line.${i + 1}.unitPrice`, formatKrw(line.unitPrice));
      expectField(rendered, `line.${i + 1}.amount`, formatKrw(line.amount));
    });
    expect(squeeze(pdfText(rendered.pdf))).toContain('1,000,000');
    expect(squeeze(pdfText(rendered.pdf))).toContain('100,000,000');
  });

  it('When the page is read back, then no text is smaller than 7.5 pt and none leaves the page’s margins', () => {
    expect(rendered.pages).toBe(1);
    expectReadableAndOnThePage(rendered.pdf, 1);
  });

  it('When the seal is printed, then it sits inside the 성명 cell over "(인)", clear of every border', () => {
    const box = rendered.layout.sealBox!;
    const name = rendered.layout.fields['supplier.representative']!;
    // The seal's area is the right part of the 성명 cell: right of the name, within the cell's row.
    expect(box.x).toBeGreaterThanOrEqual(name.box.x + name.box.w - 0.01);
    expect(box.x + box.w).toBeLessThanOrEqual(PAGE.right - 0.5);
    expect(box.y).toBeGreaterThanOrEqual(name.box.y + 0.5);
    expect(box.y + box.h).toBeLessThanOrEqual(name.box.y + name.box.h - 0.5);
    // Where the seal's red really is, in pixels at 144 dpi.
    const px = pagePixels(rendered.pdf, 1, 144);
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    let red = 0;
    for (let y = 0; y < px.height; y++) {
      for (let x = 0; x < px.width; x++) {
        const [r, g, b] = px.rgb(x, y);
        if (r > 150 && g < 110 && b < 110) {
          red++;
          minX = Math.min(minX, x);
          maxX = Math.max(maxX, x);
          minY = Math.min(minY, y);
          maxY = Math.max(maxY, y);
        }
      }
    }
    expect(red).toBeGreaterThan(50);
    const pt = (v: number) => v / px.scale;
    expect(pt(minX)).toBeGreaterThanOrEqual(box.x - 0.5);
    expect(pt(maxX + 1)).toBeLessThanOrEqual(box.x + box.w + 0.5);
    expect(pt(minY)).toBeGreaterThanOrEqual(box.y - 0.5);
    expect(pt(maxY + 1)).toBeLessThanOrEqual(box.y + box.h + 0.5);
    const mark = pdfWords(rendered.pdf, 1).find((w) => w.text === '(인)' && centreIn(w, box));
    expect(mark).toBeDefined();
    const [mx, my] = [(mark!.xMin + mark!.xMax) / 2, (mark!.yMin + mark!.yMax) / 2];
    expect(mx > pt(minX) && mx < pt(maxX) && my > pt(minY) && my < pt(maxY)).toBe(true);
  });
});

describe('the buyer block (공급받는자)', () => {
  it('When the retailer has no business profile, then 상호 carries its name and the other boxes stay empty; with one, its 등록번호, 상호, 대표자 and address are printed', async () => {
    const plain = await renderStatementPdf(shortStatement(), fonts);
    expectField(plain, 'buyer.companyName', '꽃담플라워');
    expectField(plain, 'buyer.businessNumber', '');
    expectField(plain, 'buyer.address', '');
    expectField(plain, 'buyer.orders', '261126-000101');
    const business = { businessNumber: '1208800767', companyName: '주식회사 꿀벌원예 양재본점', representative: '이벌꿀', address: LONG_BUYER_ADDRESS, businessType: null, businessItem: null };
    const withProfile = await renderStatementPdf(shortStatement({ buyer: { ...shortStatement().buyer, business } }), fonts);
    expectField(withProfile, 'buyer.businessNumber', '120-88-00767');
    expectField(withProfile, 'buyer.companyName', business.companyName);
    expectField(withProfile, 'buyer.representative', '이벌꿀');
    expectField(withProfile, 'buyer.address', LONG_BUYER_ADDRESS);
    expectField(withProfile, 'buyer.businessType', '');
    expectField(withProfile, 'buyer.name', '꽃담플라워');
  });
});

describe('a statement of 200 lines', () => {
  it('When it flows over several pages, then every page repeats the header, every line is printed once with its amounts, the totals close the last page, and nothing is under 7.5 pt', async () => {
    const content = manyLineStatement(200);
    const rendered = await renderStatementPdf(content, fonts);
    expect(Number(pdfInfo(rendered.pdf).Pages)).toBe(rendered.pages);
    expect(rendered.pages).toBeGreaterThanOrEqual(7);
    const seen: number[] = [];
    for (let page = 1; page <= rendered.pages; page++) {
      const text = squeeze(pdfText(rendered.pdf, page));
      expect(text).toContain('거래명세서');
      expect(text).toContain('꽃담플라워귀하');
      expect(text).toContain(`${page}/${rendered.pages}쪽`);
      for (const m of text.matchAll(/장미품종(\d+)/g)) seen.push(Number(m[1]));
      expectReadableAndOnThePage(rendered.pdf, page);
    }
    expect(seen).toEqual(content.lines.map((_, i) => i + 1));
    for (const i of [0, 99, 199]) expectField(rendered, `line.${i + 1}.amount`, formatKrw(content.lines[i]!.amount));
    const last = squeeze(pdfText(rendered.pdf, rendered.pages));
    expect(last).toContain('합계(200건)');
    expectField(rendered, 'closing.total', formatKrw(content.figures.total));
    expectField(rendered, 'footer.balance', `₩ ${formatKrw(content.figures.balance)}`);
    expect(rendered.layout.fields['closing.total']?.page).toBe(rendered.pages);
    expect(squeeze(pdfText(rendered.pdf, 1))).not.toContain('합계(200건)');
  });
});

describe('names in any Hangul', () => {
  it('When names use syllables outside KS X 1001 and arrive decomposed (NFD), then the PDF reads back the composed names, with both faces embedded as subsets', async () => {
    // 똠, 햏, 뷁, 쌰 and 숖 are not among KS X 1001's 2,350 syllables; an NFD name is jamo by jamo.
    const buyer = '똠햏뷁 쌰숖 플라워';
    const item = '뷁꽃 Café';
    const content = shortStatement({
      buyer: { id: '22222222-2222-4222-8222-222222222222', name: buyer.normalize('NFD'), phone: null, sealedPhone: null },
      lines: [statementLine({ item: item.normalize('NFD') })],
    });
    const rendered = await renderStatementPdf(content, fonts);
    const text = squeeze(pdfText(rendered.pdf));
    expect(text).toContain(squeeze(buyer));
    expect(text).toContain(squeeze(item));
    // Subsets, not whole fonts: two embedded faces with a subset tag, and the file stays small.
    expect(pdfFonts(rendered.pdf)).toMatch(/[A-Z]{6}\+Pretendard-Regular\s+CID TrueType\s+Identity-H\s+yes\s+yes/);
    expect(pdfFonts(rendered.pdf)).toMatch(/[A-Z]{6}\+Pretendard-Bold\s+CID TrueType\s+Identity-H\s+yes\s+yes/);
    expect(rendered.pdf.length).toBeLessThan(60_000);
  });
});
