import PDFDocument from 'pdfkit';
import { formatKrw, koreanAmountInWords } from '../../domain/korean-amount';
import type { StatementContent, StatementLine } from '../../domain/statement';
import { formatBusinessNumber } from '../../domain/wholesaler-profile';
import type { SealImage } from '../seal-image-client';
import type { StatementFonts } from './statement-fonts';

export interface RenderedStatement {
  pdf: Buffer;
  pages: number;
}

// A4 in points, and the grid of the form.
const PAGE_W = 595.28;
const PAGE_H = 841.89;
const MARGIN = 36;
const W = PAGE_W - 2 * MARGIN;
const ROW_H = 18;
const HEAD_ROW_H = 20;
const PARTY_ROW_H = 21;
const TABLE_TOP = 248;
const PAGE_FOOTER_Y = PAGE_H - MARGIN - 10;
const TABLE_BOTTOM = PAGE_FOOTER_Y - 8;
/** Height of the closing block on the last page: 합계 row, ledger table, bank account, receiver. */
const CLOSING_H = ROW_H + 10 + 2 * HEAD_ROW_H + 10 + 24 + 22;
/** Line rows on a page that continues, and on the last page (which also holds the closing block). */
export const ROWS_PER_PAGE = Math.floor((TABLE_BOTTOM - TABLE_TOP - HEAD_ROW_H) / ROW_H);
export const ROWS_ON_LAST_PAGE = Math.floor((TABLE_BOTTOM - TABLE_TOP - HEAD_ROW_H - CLOSING_H) / ROW_H);

const INK = '#1a1a1a';
const RULE = '#3b3b3b';
const ACCENT = '#1f3f77';
const SHADE = '#eef2f8';

const COLUMNS = [
  { title: 'No', width: 26, align: 'center' },
  { title: '품목', width: 180, align: 'left' },
  { title: '규격·등급', width: 52, align: 'center' },
  { title: '수량', width: 46, align: 'right' },
  { title: '단가', width: 72, align: 'right' },
  { title: '금액', width: 84, align: 'right' },
  { title: '비고', width: W - (26 + 180 + 52 + 46 + 72 + 84), align: 'left' },
] as const;

type Align = 'left' | 'center' | 'right';

/**
 * Splits the lines into pages: a continuing page holds {@link ROWS_PER_PAGE} lines, the last page
 * {@link ROWS_ON_LAST_PAGE} plus the closing block, so the footer never lands on a page alone.
 */
export function paginate<T>(lines: T[]): T[][] {
  const pages: T[][] = [];
  let rest = lines;
  while (rest.length > ROWS_ON_LAST_PAGE) {
    const take = Math.min(ROWS_PER_PAGE, rest.length - 1);
    pages.push(rest.slice(0, take));
    rest = rest.slice(take);
  }
  pages.push(rest);
  return pages;
}

function koreanDate(day: string): string {
  return `${day.slice(0, 4)}년 ${day.slice(5, 7)}월 ${day.slice(8, 10)}일`;
}

/**
 * Draws one statement (거래명세서) as an A4 PDF with pdfkit: title, number and date, the buyer
 * (귀하) and the supplier block (공급자: 등록번호, 상호, 성명 with the seal, 사업장 주소, 업태/종목),
 * the total in digits and Korean numerals, the line table (품목 / 규격·등급 / 수량 / 단가 / 금액),
 * and on the last page 전잔액 / 합계 / 입금 / 잔액 and the bank account. Every page repeats the
 * header; text is in the embedded Korean TrueType font (subset), so no system font is needed.
 * Text is placed at computed positions (no automatic flow), which keeps the layout fixed and fast.
 */
export function renderStatementPdf(content: StatementContent, fonts: StatementFonts, seal?: SealImage): Promise<RenderedStatement> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 0,
    autoFirstPage: false,
    compress: true,
    // No default Helvetica: only the embedded Korean faces end up in the file.
    font: null as unknown as string,
    info: {
      Title: `거래명세서 ${content.number}${content.version > 1 ? ` v${content.version}` : ''}`,
      Author: content.supplier.companyName,
      Subject: '거래명세서',
      Creator: 'MarketBill billing',
      Producer: 'MarketBill',
    },
  });
  doc.registerFont('R', fonts.regular as never);
  doc.registerFont('B', fonts.bold as never);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const pages = paginate(content.lines);
  const sealImage = seal ? openSeal(doc, seal) : undefined;
  let lineNo = 0;
  pages.forEach((pageLines, index) => {
    doc.addPage({ size: 'A4', margin: 0 });
    drawHeader(doc, content, sealImage);
    const last = index === pages.length - 1;
    drawTable(doc, pageLines, lineNo, last ? ROWS_ON_LAST_PAGE : ROWS_PER_PAGE, content.orders.length > 1);
    lineNo += pageLines.length;
    if (last) drawClosing(doc, content, TABLE_TOP + HEAD_ROW_H + ROWS_ON_LAST_PAGE * ROW_H);
    else drawContinued(doc, TABLE_TOP + HEAD_ROW_H + ROWS_PER_PAGE * ROW_H);
    drawPageFooter(doc, content, index + 1, pages.length);
  });
  doc.end();
  return done.then((pdf) => ({ pdf, pages: pages.length }));
}

type Doc = PDFKit.PDFDocument;
/** pdfkit's parsed image (openImage is public in pdfkit, missing from @types/pdfkit). */
interface PdfImage {
  width: number;
  height: number;
}

/** Decodes the seal once per document (every page shows the same image object). */
function openSeal(doc: Doc, seal: SealImage): PdfImage | undefined {
  try {
    return (doc as unknown as { openImage(src: Buffer): PdfImage }).openImage(Buffer.from(seal.bytes.buffer, seal.bytes.byteOffset, seal.bytes.byteLength));
  } catch {
    // Valid magic bytes can still hide a corrupt image: the statement is issued without the seal.
    return undefined;
  }
}

/** Writes `text` in a cell, truncated with … to fit, vertically centred. */
function cellText(doc: Doc, text: string, x: number, y: number, w: number, h: number, align: Align = 'left', pad = 4): void {
  const fitted = fit(doc, text, w - 2 * pad);
  const tw = doc.widthOfString(fitted);
  const tx = align === 'left' ? x + pad : align === 'right' ? x + w - pad - tw : x + (w - tw) / 2;
  const ty = y + (h - doc.currentLineHeight()) / 2 + 0.5;
  doc.text(fitted, tx, ty, { lineBreak: false });
}

function fit(doc: Doc, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  let chars = [...text];
  while (chars.length > 0 && doc.widthOfString(`${chars.join('')}…`) > width) chars = chars.slice(0, -1);
  return `${chars.join('')}…`;
}

/** Shrinks the font (down to `min`) until `text` fits `width`; returns the size chosen. */
function shrinkToFit(doc: Doc, text: string, width: number, size: number, min: number): number {
  let s = size;
  doc.fontSize(s);
  while (s > min && doc.widthOfString(text) > width) {
    s -= 0.5;
    doc.fontSize(s);
  }
  return s;
}

function labelCell(doc: Doc, text: string, x: number, y: number, w: number, h: number): void {
  doc.rect(x, y, w, h).fill(SHADE);
  doc.fillColor(INK).font('B').fontSize(8.5);
  cellText(doc, text, x, y, w, h, 'center', 2);
}

function drawHeader(doc: Doc, content: StatementContent, seal: PdfImage | undefined): void {
  const { supplier, buyer, figures } = content;
  doc.fillColor(ACCENT).font('B').fontSize(22);
  const title = '거 래 명 세 서';
  doc.text(title, MARGIN + (W - doc.widthOfString(title)) / 2, MARGIN, { lineBreak: false });
  doc.font('R').fontSize(8).fillColor(INK);
  const copy = '(공급받는자 보관용)';
  doc.text(copy, MARGIN + W - doc.widthOfString(copy), MARGIN + 12, { lineBreak: false });
  doc.moveTo(MARGIN + W / 2 - 80, MARGIN + 30).lineTo(MARGIN + W / 2 + 80, MARGIN + 30).lineWidth(1).strokeColor(ACCENT).stroke();

  const metaY = MARGIN + 40;
  doc.font('B').fontSize(10).fillColor(INK);
  const number = `No. ${content.number}`;
  doc.text(number, MARGIN, metaY, { lineBreak: false });
  if (content.version > 1) {
    doc.font('R').fontSize(8.5).fillColor(ACCENT);
    doc.text(`재발행 (제${content.version}판)`, MARGIN + doc.font('B').fontSize(10).widthOfString(number) + 8, metaY + 1.5, { lineBreak: false });
  }
  doc.font('R').fontSize(10).fillColor(INK);
  const date = `작성일자  ${koreanDate(content.issueDay)}`;
  doc.text(date, MARGIN + W - doc.widthOfString(date), metaY, { lineBreak: false });

  // Buyer (left) and supplier (right) boxes.
  const boxY = metaY + 20;
  const boxH = 5 * PARTY_ROW_H;
  const leftW = W * 0.4;
  const gap = 8;
  const rightX = MARGIN + leftW + gap;
  const rightW = W - leftW - gap;

  doc.lineWidth(0.8).strokeColor(RULE).rect(MARGIN, boxY, leftW, boxH).stroke();
  doc.font('B').fontSize(14).fillColor(INK);
  const buyerName = fit(doc, buyer.name, leftW - 60);
  doc.text(buyerName, MARGIN + 10, boxY + 14, { lineBreak: false });
  doc.font('R').fontSize(11).text('귀하', MARGIN + 14 + doc.font('B').fontSize(14).widthOfString(buyerName), boxY + 17, { lineBreak: false });
  doc.moveTo(MARGIN + 8, boxY + 36).lineTo(MARGIN + leftW - 8, boxY + 36).lineWidth(0.5).strokeColor(RULE).stroke();
  doc.font('R').fontSize(9).fillColor(INK).text('아래와 같이 계산합니다.', MARGIN + 10, boxY + 44, { lineBreak: false });
  const orderNumbers = content.orders.map((o) => o.orderNumber).join(', ');
  doc.fontSize(7.5).fillColor('#555555');
  doc.text(fit(doc, `주문번호 ${orderNumbers}`, leftW - 20), MARGIN + 10, boxY + 60, { lineBreak: false });
  doc.font('B').fontSize(9).fillColor(INK).text('합계금액', MARGIN + 10, boxY + 82, { lineBreak: false });
  doc.font('B').fontSize(13).fillColor(ACCENT);
  const won = `₩ ${formatKrw(figures.total)}`;
  doc.text(won, MARGIN + leftW - 10 - doc.widthOfString(won), boxY + 79, { lineBreak: false });

  // Supplier block: a vertical 공급자 label, then label/value rows.
  const labelW = 50;
  const vertW = 20;
  const x0 = rightX + vertW;
  const innerW = rightW - vertW;
  doc.rect(rightX, boxY, vertW, boxH).fill(SHADE);
  doc.fillColor(ACCENT).font('B').fontSize(10);
  ['공', '급', '자'].forEach((ch, i) => {
    doc.text(ch, rightX + (vertW - doc.widthOfString(ch)) / 2, boxY + boxH / 2 - 24 + i * 16, { lineBreak: false });
  });
  const halfValueW = (innerW - 2 * labelW) / 2;
  const rows: Array<Array<{ label: string; value: string; w: number }>> = [
    [{ label: '등록번호', value: formatBusinessNumber(supplier.businessNumber), w: innerW - labelW }],
    [
      { label: '상호', value: supplier.companyName, w: halfValueW },
      { label: '성명', value: supplier.representative, w: halfValueW },
    ],
    [{ label: '사업장 주소', value: supplier.address, w: innerW - labelW }],
    [
      { label: '업태', value: supplier.businessType, w: halfValueW },
      { label: '종목', value: supplier.businessItem, w: halfValueW },
    ],
    [{ label: '전화', value: supplier.phone, w: innerW - labelW }],
  ];
  rows.forEach((cells, r) => {
    const y = boxY + r * PARTY_ROW_H;
    let x = x0;
    for (const cell of cells) {
      labelCell(doc, cell.label, x, y, labelW, PARTY_ROW_H);
      x += labelW;
      doc.fillColor(INK);
      if (cell.label === '등록번호') {
        doc.font('B').fontSize(11);
        cellText(doc, cell.value, x, y, cell.w, PARTY_ROW_H, 'left', 6);
      } else if (cell.label === '성명') {
        doc.font('R').fontSize(9.5);
        cellText(doc, cell.value, x, y, cell.w - 22, PARTY_ROW_H, 'left', 6);
        doc.font('R').fontSize(8).fillColor('#777777');
        cellText(doc, '(인)', x + cell.w - 24, y, 22, PARTY_ROW_H, 'center', 0);
        if (seal) doc.image(seal as never, x + cell.w - 30, y - 5, { fit: [31, 31], align: 'center', valign: 'center' });
      } else if (cell.label === '사업장 주소') {
        doc.font('R');
        shrinkToFit(doc, cell.value, cell.w - 12, 9, 6.5);
        cellText(doc, cell.value, x, y, cell.w, PARTY_ROW_H, 'left', 6);
      } else {
        doc.font('R').fontSize(9.5);
        cellText(doc, cell.value, x, y, cell.w, PARTY_ROW_H, 'left', 6);
      }
      x += cell.w;
    }
  });
  doc.lineWidth(0.5).strokeColor(RULE);
  for (let r = 1; r < rows.length; r++) doc.moveTo(x0, boxY + r * PARTY_ROW_H).lineTo(rightX + rightW, boxY + r * PARTY_ROW_H).stroke();
  doc.moveTo(x0, boxY).lineTo(x0, boxY + boxH).stroke();
  rows.forEach((cells, r) => {
    let x = x0;
    for (const cell of cells) {
      doc.moveTo(x + labelW, boxY + r * PARTY_ROW_H).lineTo(x + labelW, boxY + (r + 1) * PARTY_ROW_H).stroke();
      x += labelW + cell.w;
      if (x < rightX + rightW - 1) doc.moveTo(x, boxY + r * PARTY_ROW_H).lineTo(x, boxY + (r + 1) * PARTY_ROW_H).stroke();
    }
  });
  doc.lineWidth(0.8).rect(rightX, boxY, rightW, boxH).stroke();

  // The total in Korean numerals and digits.
  const amountY = boxY + boxH + 8;
  const amountH = 26;
  doc.rect(MARGIN, amountY, 90, amountH).fill(SHADE);
  doc.fillColor(INK).font('B').fontSize(10);
  cellText(doc, '합계금액', MARGIN, amountY, 90, amountH, 'center');
  doc.font('B').fontSize(12).fillColor(ACCENT);
  cellText(doc, koreanAmountInWords(figures.total), MARGIN + 90, amountY, W - 90 - 140, amountH, 'left', 12);
  doc.font('B').fontSize(12).fillColor(INK);
  cellText(doc, `(₩ ${formatKrw(figures.total)})`, MARGIN + W - 140, amountY, 140, amountH, 'right', 12);
  doc.lineWidth(0.8).strokeColor(RULE).rect(MARGIN, amountY, W, amountH).stroke();
  doc.moveTo(MARGIN + 90, amountY).lineTo(MARGIN + 90, amountY + amountH).lineWidth(0.5).stroke();
}

function drawTable(doc: Doc, lines: StatementLine[], firstIndex: number, rows: number, severalOrders: boolean): void {
  const top = TABLE_TOP;
  let x = MARGIN;
  doc.rect(MARGIN, top, W, HEAD_ROW_H).fill(ACCENT);
  doc.fillColor('#ffffff').font('B').fontSize(9);
  for (const col of COLUMNS) {
    cellText(doc, col.title, x, top, col.width, HEAD_ROW_H, 'center');
    x += col.width;
  }
  doc.font('R').fontSize(9).fillColor(INK);
  for (let r = 0; r < rows; r++) {
    const y = top + HEAD_ROW_H + r * ROW_H;
    const line = lines[r];
    if (r % 2 === 1) doc.rect(MARGIN, y, W, ROW_H).fill('#f7f8fa').fillColor(INK);
    if (!line) continue;
    // The order number helps only when the statement sums up several order sheets.
    const note = [severalOrders ? line.orderNumber : null, line.memo].filter(Boolean).join(' ');
    const values = [
      String(firstIndex + r + 1),
      line.item,
      line.spec,
      formatKrw(line.quantity),
      formatKrw(line.unitPrice),
      formatKrw(line.amount),
      note,
    ];
    let cx = MARGIN;
    COLUMNS.forEach((col, i) => {
      if (i === 6) doc.fontSize(7);
      cellText(doc, values[i] as string, cx, y, col.width, ROW_H, col.align as Align);
      if (i === 6) doc.fontSize(9);
      cx += col.width;
    });
  }
  const bottom = top + HEAD_ROW_H + rows * ROW_H;
  doc.lineWidth(0.3).strokeColor('#9aa3b0');
  for (let r = 1; r < rows; r++) {
    const y = top + HEAD_ROW_H + r * ROW_H;
    doc.moveTo(MARGIN, y).lineTo(MARGIN + W, y).lineWidth(r % 5 === 0 ? 0.6 : 0.3).stroke();
  }
  x = MARGIN;
  for (const col of COLUMNS.slice(0, -1)) {
    x += col.width;
    doc.moveTo(x, top + HEAD_ROW_H).lineTo(x, bottom).lineWidth(0.3).stroke();
  }
  doc.lineWidth(0.8).strokeColor(RULE).rect(MARGIN, top, W, bottom - top).stroke();
}

function drawContinued(doc: Doc, y: number): void {
  doc.font('R').fontSize(8.5).fillColor('#555555');
  const text = '— 다음 쪽에 계속 —';
  doc.text(text, MARGIN + (W - doc.widthOfString(text)) / 2, y + 6, { lineBreak: false });
}

function drawClosing(doc: Doc, content: StatementContent, tableBottom: number): void {
  const { figures, lines } = content;
  // 합계 row under the table.
  let y = tableBottom;
  const qtyX = MARGIN + COLUMNS[0].width + COLUMNS[1].width + COLUMNS[2].width;
  doc.rect(MARGIN, y, W, ROW_H).fill(SHADE);
  doc.fillColor(INK).font('B').fontSize(9);
  cellText(doc, `합 계 (${lines.length}건)`, MARGIN, y, qtyX - MARGIN, ROW_H, 'center');
  const amountX = qtyX + COLUMNS[3].width + COLUMNS[4].width;
  cellText(doc, formatKrw(figures.total), amountX, y, COLUMNS[5].width, ROW_H, 'right');
  doc.lineWidth(0.8).strokeColor(RULE).rect(MARGIN, y, W, ROW_H).stroke();

  // 전잔액 / 합계 / 입금 / 잔액.
  y += ROW_H + 10;
  const cells: Array<[string, number]> = [
    ['전잔액', figures.previousBalance],
    ['합계', figures.total],
    ['입금', figures.payments],
    ['잔액', figures.balance],
  ];
  const cw = W / cells.length;
  cells.forEach(([label, value], i) => {
    const x = MARGIN + i * cw;
    doc.rect(x, y, cw, HEAD_ROW_H).fill(SHADE);
    doc.fillColor(INK).font('B').fontSize(9);
    cellText(doc, label, x, y, cw, HEAD_ROW_H, 'center');
    doc.font(label === '잔액' ? 'B' : 'R').fontSize(10).fillColor(label === '잔액' ? ACCENT : INK);
    cellText(doc, `₩ ${formatKrw(value)}`, x, y + HEAD_ROW_H, cw, HEAD_ROW_H, 'right', 8);
  });
  doc.lineWidth(0.5).strokeColor(RULE);
  for (let i = 1; i < cells.length; i++) doc.moveTo(MARGIN + i * cw, y).lineTo(MARGIN + i * cw, y + 2 * HEAD_ROW_H).stroke();
  doc.moveTo(MARGIN, y + HEAD_ROW_H).lineTo(MARGIN + W, y + HEAD_ROW_H).stroke();
  doc.lineWidth(0.8).rect(MARGIN, y, W, 2 * HEAD_ROW_H).stroke();

  // Bank account and the receiver's signature line.
  y += 2 * HEAD_ROW_H + 10;
  doc.font('B').fontSize(10.5).fillColor(INK);
  doc.text('입금계좌', MARGIN + 2, y + 5, { lineBreak: false });
  doc.font('B').fontSize(12).fillColor(ACCENT);
  doc.text(fit(doc, content.supplier.bankAccount, W - 80), MARGIN + 64, y + 4, { lineBreak: false });
  y += 24;
  doc.font('R').fontSize(9).fillColor(INK);
  const receiver = '인수자                    (인)';
  doc.text(receiver, MARGIN + W - doc.widthOfString(receiver) - 4, y + 4, { lineBreak: false });
  doc.moveTo(MARGIN + W - doc.widthOfString(receiver) + 30, y + 16).lineTo(MARGIN + W - 28, y + 16).lineWidth(0.4).strokeColor(RULE).stroke();
}

function drawPageFooter(doc: Doc, content: StatementContent, page: number, pages: number): void {
  doc.font('R').fontSize(7.5).fillColor('#777777');
  doc.text(`${content.supplier.companyName} · 거래명세서 ${content.number}${content.version > 1 ? ` (v${content.version})` : ''}`, MARGIN, PAGE_FOOTER_Y, {
    lineBreak: false,
  });
  const pageText = `${page} / ${pages} 쪽`;
  doc.text(pageText, MARGIN + W - doc.widthOfString(pageText), PAGE_FOOTER_Y, { lineBreak: false });
}
