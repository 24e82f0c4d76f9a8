// First: pdfkit's and fontkit's unused parts (WOFF2, encryption) load only if used.
import './deferred-pdf-modules';
import PDFDocument from 'pdfkit';
import { formatKrw, koreanAmountInWords } from '../../domain/korean-amount';
import type { StatementContent, StatementLine } from '../../domain/statement';
import { formatBusinessNumber } from '../../domain/wholesaler-profile';
import type { SealImage } from '../seal-image-client';
import type { StatementFonts } from './statement-fonts';
import { fitOneLine, fitText, fitTextClipped, lineHeight, MIN_FONT_SIZE, type FittedText, type Measure } from './text-fit';

/** A box on a page, in points from the top-left corner (pdftotext's coordinates). */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Where a field was printed: its text, the box it must stay inside, and the size chosen. */
export interface PlacedField {
  text: string;
  box: Box;
  size: number;
  lines: number;
  page: number;
}

/**
 * The geometry of a rendered statement, for checking the print (tests read the PDF back with
 * poppler and compare word positions with these boxes).
 */
export interface StatementLayout {
  /** Legal fields and amounts by name: `supplier.companyName`, `buyer.address`, `total.words`, `footer.balance`, … */
  fields: Record<string, PlacedField>;
  /** The seal's cell area (inside the 성명 cell, over "(인)"); absent without a seal. */
  sealBox?: Box;
  /** The smallest font size used anywhere in the document. */
  minFontSize: number;
}

export interface RenderedStatement {
  pdf: Buffer;
  pages: number;
  layout: StatementLayout;
}

// A4 in points, and the grid of the form.
const PAGE_W = 595.28;
const PAGE_H = 841.89;
const MARGIN = 36;
const W = PAGE_W - 2 * MARGIN;
/** Least height of a line row; a row grows when its 품목 or 비고 wraps. */
const ROW_H = 18;
const HEAD_ROW_H = 20;
const PARTY_ROW_H = 21;
const CELL_PAD_X = 4;
const CELL_PAD_Y = 3;
const PAGE_FOOTER_Y = PAGE_H - MARGIN - 10;
const TABLE_BOTTOM = PAGE_FOOTER_Y - 8;
/** Room under the table of a continuing page for "— 다음 쪽에 계속 —". */
const CONTINUED_H = 18;

const INK = '#1a1a1a';
const RULE = '#3b3b3b';
const ACCENT = '#1f3f77';
const SHADE = '#eef2f8';
const MUTED = '#555555';

/**
 * Columns of the line table. 금액 is wide enough for any safe integer (16 digits and commas) at
 * the 7.5 pt floor and for 10^13 at the full 9 pt; 단가 for 100,000,000 and 수량 for 1,000,000 at 9 pt.
 */
const COLUMNS = [
  { key: 'no', title: 'No', width: 26, align: 'center' },
  { key: 'item', title: '품목', width: 163, align: 'left' },
  { key: 'spec', title: '규격·등급', width: 44, align: 'center' },
  { key: 'quantity', title: '수량', width: 52, align: 'right' },
  { key: 'unitPrice', title: '단가', width: 66, align: 'right' },
  { key: 'amount', title: '금액', width: 96, align: 'right' },
  { key: 'note', title: '비고', width: W - (26 + 163 + 44 + 52 + 66 + 96), align: 'left' },
] as const;

type Align = 'left' | 'center' | 'right';
type Doc = PDFKit.PDFDocument;
type Face = 'R' | 'B';

/** pdfkit's parsed image (openImage is public in pdfkit, missing from @types/pdfkit). */
interface PdfImage {
  width: number;
  height: number;
}

function koreanDate(day: string): string {
  return `${day.slice(0, 4)}년 ${day.slice(5, 7)}월 ${day.slice(8, 10)}일`;
}

/** Everything laid out before drawing: the header is the same on every page, so it is measured once. */
interface Cell {
  field?: string;
  text: FittedText;
  face: Face;
  color: string;
  align: Align;
  box: Box;
}

/**
 * Splits lines of the given heights into pages of `capacity` points; the last page must also hold
 * the closing block (`closingHeight`) and keeps at least one line, so the footer never lands on a
 * page alone. Returns the indexes of the lines on each page.
 */
export function paginate(heights: number[], capacity: number, lastCapacity: number): number[][] {
  const pages: number[][] = [];
  let current: number[] = [];
  let used = 0;
  heights.forEach((h, i) => {
    if (current.length > 0 && used + h > capacity) {
      pages.push(current);
      current = [];
      used = 0;
    }
    current.push(i);
    used += h;
  });
  // Move lines off the last page until the closing block fits under the rest (at least one line stays).
  const sum = (page: number[]) => page.reduce((s, i) => s + (heights[i] as number), 0);
  while (current.length > 1 && sum(current) > lastCapacity) {
    let split = 1;
    while (split < current.length && sum(current.slice(split)) > lastCapacity) split++;
    pages.push(current.slice(0, split));
    current = current.slice(split);
  }
  pages.push(current);
  return pages;
}

/**
 * Draws one statement (거래명세서) as an A4 PDF with pdfkit: title, number and date, the buyer
 * (… 귀하), side by side the 공급받는자 and 공급자 blocks (등록번호, 상호, 성명 — the supplier's with
 * the seal over (인) —, 사업장 주소, 업태/종목), the total in Korean numerals and digits, the line
 * table (품목 / 규격·등급 / 수량 / 단가 / 금액 / 비고), and on the last page 합계, 전잔액 / 합계 / 입금 /
 * 잔액 and the bank account. Every page repeats the header.
 *
 * Nothing legal is cut: names, addresses and business types wrap onto more lines and shrink down
 * to 7.5 pt, and their boxes grow; amounts shrink (never below 7.5 pt) in columns sized for the
 * largest amounts the system accepts. Only a line's 비고 (the order memo) is clipped after three
 * lines. The layout is measured first (so the table starts where the header ends, and rows are as
 * tall as their text), then drawn at computed positions — no automatic flow.
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

  const measureWith =
    (face: Face): Measure =>
    (text, size) => {
      doc.font(face).fontSize(size);
      return doc.widthOfString(text);
    };
  const layout: StatementLayout = { fields: {}, minFontSize: Number.POSITIVE_INFINITY };
  const sealImage = seal ? openSeal(doc, seal) : undefined;

  const header = layoutHeader(content, measureWith, sealImage !== undefined);
  const tableTop = header.bottom + 10;
  const rows = content.lines.map((line, i) => layoutRow(line, i, content.orders.length > 1, measureWith));
  const closing = layoutClosing(content, measureWith);
  const capacity = TABLE_BOTTOM - CONTINUED_H - (tableTop + HEAD_ROW_H);
  const lastCapacity = TABLE_BOTTOM - (tableTop + HEAD_ROW_H) - closing.height;
  const pages = paginate(
    rows.map((r) => r.height),
    capacity,
    lastCapacity,
  );

  const draw = (cell: Cell, page: number) => {
    drawCell(doc, cell);
    layout.minFontSize = Math.min(layout.minFontSize, cell.text.size);
    // The header repeats on every page: its fields are recorded where they first appear.
    if (cell.field) layout.fields[cell.field] ??= { text: cell.text.lines.join(' '), box: cell.box, size: cell.text.size, lines: cell.text.lines.length, page };
  };

  pages.forEach((pageRows, index) => {
    const page = index + 1;
    const last = index === pages.length - 1;
    doc.addPage({ size: 'A4', margin: 0 });
    drawHeaderFrame(doc, header);
    for (const cell of header.cells) draw(cell, page);
    if (sealImage && header.sealBox) {
      doc.image(sealImage as never, header.sealBox.x, header.sealBox.y, { fit: [header.sealBox.w, header.sealBox.h], align: 'center', valign: 'center' });
      layout.sealBox = header.sealBox;
    }
    const tableEnd = drawTable(doc, tableTop, last ? TABLE_BOTTOM - closing.height : TABLE_BOTTOM - CONTINUED_H, pageRows.map((i) => rows[i] as RowLayout), draw, page);
    if (last) for (const cell of closing.draw(doc, tableEnd)) draw(cell, page);
    else drawCentered(doc, '— 다음 쪽에 계속 —', tableEnd + 6, 8.5, MUTED);
    drawPageFooter(doc, content, page, pages.length);
    layout.minFontSize = Math.min(layout.minFontSize, FOOTER_SIZE);
  });
  doc.end();
  return done.then((pdf) => ({ pdf, pages: pages.length, layout }));
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

/** Draws a fitted text in its box: lines vertically centred, aligned inside the horizontal padding. */
function drawCell(doc: Doc, cell: Cell): void {
  const { text, box } = cell;
  doc.font(cell.face).fontSize(text.size).fillColor(cell.color);
  const lh = lineHeight(text.size);
  let y = box.y + (box.h - lh * text.lines.length) / 2 + 0.5;
  for (const line of text.lines) {
    const tw = doc.widthOfString(line);
    const x = cell.align === 'left' ? box.x + CELL_PAD_X : cell.align === 'right' ? box.x + box.w - CELL_PAD_X - tw : box.x + (box.w - tw) / 2;
    doc.text(line, x, y, { lineBreak: false });
    y += lh;
  }
}

function drawCentered(doc: Doc, text: string, y: number, size: number, color: string): void {
  doc.font('R').fontSize(size).fillColor(color);
  doc.text(text, MARGIN + (W - doc.widthOfString(text)) / 2, y, { lineBreak: false });
}

/** Height a fitted text needs in a cell, padding included. */
const heightOf = (t: FittedText) => t.lines.length * lineHeight(t.size) + 2 * CELL_PAD_Y;

interface PartyCell {
  label: string;
  field: string;
  value: string;
  /** Share of the block's value width: 1 for a full row, else its part of the two values of a row. */
  share: number;
  /** Room kept at the right of the value for "(인)" and the seal. */
  seal?: boolean;
}

interface HeaderLayout {
  cells: Cell[];
  /** Shaded label boxes and rules to draw under the text. */
  shades: Box[];
  rules: Array<[number, number, number, number, number]>;
  frames: Box[];
  titleUnderline: [number, number, number];
  sealBox?: Box;
  bottom: number;
}

/** The party blocks' rows, the same five in both blocks so their rows line up as on a paper form. */
function partyRows(content: StatementContent): { buyer: PartyCell[][]; supplier: PartyCell[][] } {
  const { supplier, buyer } = content;
  const b = buyer.business ?? null;
  return {
    buyer: [
      [{ label: '등록번호', field: 'buyer.businessNumber', value: b ? formatBusinessNumber(b.businessNumber) : '', share: 1 }],
      [
        { label: '상호', field: 'buyer.companyName', value: b ? b.companyName : buyer.name, share: 0.55 },
        { label: '성명', field: 'buyer.representative', value: b ? b.representative : '', share: 0.45 },
      ],
      [{ label: '사업장 주소', field: 'buyer.address', value: b ? b.address : '', share: 1 }],
      [
        { label: '업태', field: 'buyer.businessType', value: b?.businessType ?? '', share: 0.5 },
        { label: '종목', field: 'buyer.businessItem', value: b?.businessItem ?? '', share: 0.5 },
      ],
      [{ label: '주문번호', field: 'buyer.orders', value: content.orders.map((o) => o.orderNumber).join(', '), share: 1 }],
    ],
    supplier: [
      [{ label: '등록번호', field: 'supplier.businessNumber', value: formatBusinessNumber(supplier.businessNumber), share: 1 }],
      [
        { label: '상호', field: 'supplier.companyName', value: supplier.companyName, share: 0.55 },
        { label: '성명', field: 'supplier.representative', value: supplier.representative, share: 0.45, seal: true },
      ],
      [{ label: '사업장 주소', field: 'supplier.address', value: supplier.address, share: 1 }],
      [
        { label: '업태', field: 'supplier.businessType', value: supplier.businessType, share: 0.5 },
        { label: '종목', field: 'supplier.businessItem', value: supplier.businessItem, share: 0.5 },
      ],
      [{ label: '전화', field: 'supplier.phone', value: supplier.phone, share: 1 }],
    ],
  };
}

const LABEL_W = 46;
const VERTICAL_W = 18;
const SEAL_W = 24;

function layoutHeader(content: StatementContent, measureWith: (face: Face) => Measure, withSeal: boolean): HeaderLayout {
  const R = measureWith('R');
  const B = measureWith('B');
  const cells: Cell[] = [];
  const shades: Box[] = [];
  const rules: HeaderLayout['rules'] = [];
  const frames: Box[] = [];
  const one = (text: string, size: number): FittedText => ({ size, lines: [text] });

  // Title, copy note, number, date.
  const title = '거 래 명 세 서';
  const titleW = B(title, 22);
  cells.push({ text: one(title, 22), face: 'B', color: ACCENT, align: 'center', box: { x: MARGIN, y: MARGIN - 4, w: W, h: 30 } });
  cells.push({ text: one('(공급받는자 보관용)', 8), face: 'R', color: INK, align: 'right', box: { x: MARGIN + W - 120, y: MARGIN + 8, w: 120 + CELL_PAD_X, h: 12 } });
  const metaY = MARGIN + 38;
  const number = `No. ${content.number}`;
  cells.push({ text: one(number, 10), face: 'B', color: INK, align: 'left', box: { x: MARGIN - CELL_PAD_X, y: metaY, w: B(number, 10) + 2 * CELL_PAD_X, h: 14 } });
  if (content.version > 1) {
    const reissue = `재발행 (제${content.version}판)`;
    cells.push({ text: one(reissue, 8.5), face: 'R', color: ACCENT, align: 'left', box: { x: MARGIN + B(number, 10) + 4, y: metaY + 0.5, w: R(reissue, 8.5) + 2 * CELL_PAD_X, h: 14 } });
  }
  const date = `작성일자  ${koreanDate(content.issueDay)}`;
  cells.push({ text: one(date, 10), face: 'R', color: INK, align: 'right', box: { x: MARGIN + W - R(date, 10) - CELL_PAD_X, y: metaY, w: R(date, 10) + 2 * CELL_PAD_X, h: 14 } });

  // "<buyer> 귀하" — the buyer's name in full (wrapping if it must), and the formula line at the right.
  const buyerY = metaY + 20;
  const formula = '아래와 같이 계산합니다.';
  const formulaW = R(formula, 9) + 2 * CELL_PAD_X;
  const honorificW = R('귀하', 11) + 6;
  const nameW = W - formulaW - honorificW - 12;
  const name = fitText(content.buyer.name, nameW - 2 * CELL_PAD_X, B, { max: 14, min: 9, shrinkOneLine: 3 });
  const nameH = Math.max(22, heightOf(name));
  const nameBox = { x: MARGIN - CELL_PAD_X, y: buyerY, w: Math.min(nameW, Math.max(...name.lines.map((l) => B(l, name.size))) + 2 * CELL_PAD_X), h: nameH };
  cells.push({ field: 'buyer.name', text: name, face: 'B', color: INK, align: 'left', box: nameBox });
  cells.push({ text: one('귀하', 11), face: 'R', color: INK, align: 'left', box: { x: nameBox.x + nameBox.w, y: buyerY + nameH - 18, w: honorificW + CELL_PAD_X, h: 16 } });
  cells.push({ text: one(formula, 9), face: 'R', color: INK, align: 'right', box: { x: MARGIN + W - formulaW + CELL_PAD_X, y: buyerY + nameH - 17, w: formulaW, h: 14 } });

  // The two party blocks, rows aligned: each row as tall as its tallest value in either block.
  const gridY = buyerY + nameH + 6;
  const gap = 8;
  const blockW = (W - gap) / 2;
  const blocks = [
    { x: MARGIN, title: '공급받는자', rows: partyRows(content).buyer },
    { x: MARGIN + blockW + gap, title: '공급자', rows: partyRows(content).supplier },
  ];
  const valueWidth = (cell: PartyCell) => {
    const full = blockW - VERTICAL_W - LABEL_W;
    const w = cell.share === 1 ? full : (blockW - VERTICAL_W - 2 * LABEL_W) * cell.share;
    return w - (cell.seal ? SEAL_W : 0);
  };
  const fitted = blocks.map((block) =>
    block.rows.map((row) =>
      row.map((cell) => ({
        cell,
        label: fitText(cell.label, LABEL_W - 2 * CELL_PAD_X + 2, B, { max: 8.5 }),
        value: fitText(cell.value, valueWidth(cell) - 2 * CELL_PAD_X - 2, R, { max: 9.5 }),
      })),
    ),
  );
  const rowHeights = blocks[0]!.rows.map((_, r) =>
    Math.max(
      PARTY_ROW_H,
      ...fitted.flatMap((block) => (block[r] ?? []).flatMap((f) => [heightOf(f.label), heightOf(f.value), f.cell.seal && withSeal ? 26 : 0])),
    ),
  );
  const gridH = rowHeights.reduce((s, h) => s + h, 0);
  let sealBox: Box | undefined;
  blocks.forEach((block, b) => {
    shades.push({ x: block.x, y: gridY, w: VERTICAL_W, h: gridH });
    const letters = [...block.title];
    const letterH = 13;
    letters.forEach((ch, i) => {
      const y = gridY + gridH / 2 - (letters.length * letterH) / 2 + i * letterH;
      cells.push({ text: one(ch, 9.5), face: 'B', color: ACCENT, align: 'center', box: { x: block.x, y, w: VERTICAL_W, h: letterH } });
    });
    let y = gridY;
    block.rows.forEach((_, r) => {
      const h = rowHeights[r] as number;
      let x = block.x + VERTICAL_W;
      for (const f of fitted[b]![r]!) {
        shades.push({ x, y, w: LABEL_W, h });
        cells.push({ text: f.label, face: 'B', color: INK, align: 'center', box: { x, y, w: LABEL_W, h } });
        rules.push([x + LABEL_W, y, x + LABEL_W, y + h, 0.5]);
        x += LABEL_W;
        const vw = valueWidth(f.cell);
        cells.push({ field: f.cell.field, text: f.value, face: 'R', color: INK, align: 'left', box: { x, y, w: vw, h } });
        if (f.cell.seal) {
          // The seal's area: inside the 성명 cell, right of the name, one point clear of every border.
          const area = { x: x + vw, y: y + 1, w: SEAL_W - 1, h: h - 2 };
          cells.push({ text: one('(인)', 8), face: 'R', color: '#777777', align: 'center', box: area });
          sealBox = area;
        }
        x += vw + (f.cell.seal ? SEAL_W : 0);
        if (x < block.x + blockW - 1) rules.push([x, y, x, y + h, 0.5]);
      }
      if (r > 0) rules.push([block.x + VERTICAL_W, y, block.x + blockW, y, 0.5]);
      y += h;
    });
    rules.push([block.x + VERTICAL_W, gridY, block.x + VERTICAL_W, gridY + gridH, 0.5]);
    frames.push({ x: block.x, y: gridY, w: blockW, h: gridH });
  });

  // 합계금액: in words (the long form that cannot be altered by a stroke) and in digits.
  const amountY = gridY + gridH + 8;
  const labelW = 80;
  const digits = `(₩ ${formatKrw(content.figures.total)})`;
  const digitsFit = fitOneLine(digits, 170 - 2 * CELL_PAD_X - 8, B, 12);
  const digitsW = B(digits, digitsFit.size) + 2 * CELL_PAD_X + 12;
  const wordsW = W - labelW - digitsW;
  const words = fitText(koreanAmountInWords(content.figures.total), wordsW - 2 * CELL_PAD_X - 12, B, { max: 12, min: 9 });
  const amountH = Math.max(26, heightOf(words));
  shades.push({ x: MARGIN, y: amountY, w: labelW, h: amountH });
  cells.push({ text: one('합계금액', 10), face: 'B', color: INK, align: 'center', box: { x: MARGIN, y: amountY, w: labelW, h: amountH } });
  cells.push({ field: 'total.words', text: words, face: 'B', color: ACCENT, align: 'left', box: { x: MARGIN + labelW + 8, y: amountY, w: wordsW - 8, h: amountH } });
  cells.push({ field: 'total.digits', text: digitsFit, face: 'B', color: INK, align: 'right', box: { x: MARGIN + W - digitsW, y: amountY, w: digitsW - 4, h: amountH } });
  frames.push({ x: MARGIN, y: amountY, w: W, h: amountH });
  rules.push([MARGIN + labelW, amountY, MARGIN + labelW, amountY + amountH, 0.5]);

  return { cells, shades, rules, frames, titleUnderline: [MARGIN + W / 2 - titleW / 2 - 10, MARGIN + W / 2 + titleW / 2 + 10, MARGIN + 28], ...(sealBox ? { sealBox } : {}), bottom: amountY + amountH };
}

function drawHeaderFrame(doc: Doc, header: HeaderLayout): void {
  for (const s of header.shades) doc.rect(s.x, s.y, s.w, s.h).fill(SHADE);
  const [x1, x2, y] = header.titleUnderline;
  doc.moveTo(x1, y).lineTo(x2, y).lineWidth(1).strokeColor(ACCENT).stroke();
  doc.strokeColor(RULE);
  for (const [ax, ay, bx, by, width] of header.rules) doc.moveTo(ax, ay).lineTo(bx, by).lineWidth(width).stroke();
  for (const f of header.frames) doc.lineWidth(0.8).rect(f.x, f.y, f.w, f.h).stroke();
}

interface RowLayout {
  height: number;
  texts: Array<{ field?: string; text: FittedText; face: Face; align: Align; column: number }>;
}

/** One line of the table: 품목 wraps (never cut), 비고 wraps up to three lines, numbers shrink to fit. */
function layoutRow(line: StatementLine, index: number, severalOrders: boolean, measureWith: (face: Face) => Measure): RowLayout {
  const R = measureWith('R');
  const inner = (c: number) => (COLUMNS[c]?.width as number) - 2 * CELL_PAD_X;
  // The order number helps only when the statement sums up several order sheets.
  const note = [severalOrders ? line.orderNumber : null, line.memo].filter(Boolean).join(' ');
  const texts: RowLayout['texts'] = [
    { text: fitOneLine(String(index + 1), inner(0), R, 9), face: 'R', align: 'center', column: 0 },
    { text: fitText(line.item, inner(1), R, { max: 9, shrinkOneLine: 1 }), face: 'R', align: 'left', column: 1 },
    { text: fitText(line.spec, inner(2), R, { max: 9 }), face: 'R', align: 'center', column: 2 },
    { field: `line.${index + 1}.quantity`, text: fitOneLine(formatKrw(line.quantity), inner(3), R, 9), face: 'R', align: 'right', column: 3 },
    { field: `line.${index + 1}.unitPrice`, text: fitOneLine(formatKrw(line.unitPrice), inner(4), R, 9), face: 'R', align: 'right', column: 4 },
    { field: `line.${index + 1}.amount`, text: fitOneLine(formatKrw(line.amount), inner(5), R, 9), face: 'R', align: 'right', column: 5 },
    { text: note ? fitTextClipped(note, inner(6), R, { max: 8.5, maxLines: 3 }) : { size: 8.5, lines: [] }, face: 'R', align: 'left', column: 6 },
  ];
  return { height: Math.max(ROW_H, ...texts.map((t) => heightOf(t.text))), texts };
}

/** Draws the table down to at most `bottom` and returns where it ends. */
function drawTable(doc: Doc, top: number, bottom: number, rows: RowLayout[], draw: (cell: Cell, page: number) => void, page: number): number {
  doc.rect(MARGIN, top, W, HEAD_ROW_H).fill(ACCENT);
  let x = MARGIN;
  for (const col of COLUMNS) {
    draw({ text: { size: 9, lines: [col.title] }, face: 'B', color: '#ffffff', align: 'center', box: { x, y: top, w: col.width, h: HEAD_ROW_H } }, page);
    x += col.width;
  }
  // Line rows, then empty ruled rows down to the bottom, as on a printed form.
  const ys: number[] = [];
  let y = top + HEAD_ROW_H;
  rows.forEach((row, r) => {
    if (r % 2 === 1) doc.rect(MARGIN, y, W, row.height).fill('#f7f8fa');
    let cx = MARGIN;
    const starts = COLUMNS.map((c) => {
      const start = cx;
      cx += c.width;
      return start;
    });
    for (const t of row.texts) {
      if (t.text.lines.length === 0) continue;
      const cell: Cell = { text: t.text, face: t.face, color: INK, align: t.align, box: { x: starts[t.column] as number, y, w: COLUMNS[t.column]?.width as number, h: row.height } };
      if (t.field) cell.field = t.field;
      draw(cell, page);
    }
    ys.push(y);
    y += row.height;
  });
  for (let r = rows.length; y + ROW_H <= bottom + 0.01; r++) {
    if (r % 2 === 1) doc.rect(MARGIN, y, W, ROW_H).fill('#f7f8fa');
    ys.push(y);
    y += ROW_H;
  }
  const end = y;
  doc.strokeColor('#9aa3b0');
  ys.slice(1).forEach((ry, i) => doc.moveTo(MARGIN, ry).lineTo(MARGIN + W, ry).lineWidth((i + 1) % 5 === 0 ? 0.6 : 0.3).stroke());
  x = MARGIN;
  for (const col of COLUMNS.slice(0, -1)) {
    x += col.width;
    doc.moveTo(x, top + HEAD_ROW_H).lineTo(x, end).lineWidth(0.3).stroke();
  }
  doc.lineWidth(0.8).strokeColor(RULE).rect(MARGIN, top, W, end - top).stroke();
  return end;
}

/** The closing block of the last page: 합계 row, the ledger row, the bank account, the receiver. */
function layoutClosing(content: StatementContent, measureWith: (face: Face) => Measure): { height: number; draw: (doc: Doc, top: number) => Cell[] } {
  const R = measureWith('R');
  const B = measureWith('B');
  const { figures, lines } = content;
  const qtyX = COLUMNS[0].width + COLUMNS[1].width + COLUMNS[2].width;
  const amountX = qtyX + COLUMNS[3].width + COLUMNS[4].width;
  const totalText = fitOneLine(formatKrw(figures.total), COLUMNS[5].width - 2 * CELL_PAD_X, B, 9);
  const ledger: Array<[string, string, number]> = [
    ['전잔액', 'footer.previousBalance', figures.previousBalance],
    ['합계', 'footer.total', figures.total],
    ['입금', 'footer.payments', figures.payments],
    ['잔액', 'footer.balance', figures.balance],
  ];
  const cw = W / ledger.length;
  const ledgerTexts = ledger.map(([label, , value]) => fitOneLine(`₩ ${formatKrw(value)}`, cw - 2 * CELL_PAD_X - 8, label === '잔액' ? B : R, 10));
  const bankLabelW = 64;
  const bank = fitText(content.supplier.bankAccount, W - bankLabelW - 2 * CELL_PAD_X, B, { max: 12, min: 9 });
  const bankH = Math.max(22, heightOf(bank));
  const height = ROW_H + 10 + 2 * HEAD_ROW_H + 10 + bankH + 26;

  return {
    height,
    draw(doc, top) {
      const cells: Cell[] = [];
      let y = top;
      doc.rect(MARGIN, y, W, ROW_H).fill(SHADE);
      cells.push({ text: fitOneLine(`합 계 (${lines.length}건)`, qtyX - 2 * CELL_PAD_X, B, 9), face: 'B', color: INK, align: 'center', box: { x: MARGIN, y, w: qtyX, h: ROW_H } });
      cells.push({ field: 'closing.total', text: totalText, face: 'B', color: INK, align: 'right', box: { x: MARGIN + amountX, y, w: COLUMNS[5].width, h: ROW_H } });
      doc.lineWidth(0.8).strokeColor(RULE).rect(MARGIN, y, W, ROW_H).stroke();

      y += ROW_H + 10;
      ledger.forEach(([label, field], i) => {
        const x = MARGIN + i * cw;
        doc.rect(x, y, cw, HEAD_ROW_H).fill(SHADE);
        cells.push({ text: { size: 9, lines: [label] }, face: 'B', color: INK, align: 'center', box: { x, y, w: cw, h: HEAD_ROW_H } });
        cells.push({ field, text: ledgerTexts[i] as FittedText, face: label === '잔액' ? 'B' : 'R', color: label === '잔액' ? ACCENT : INK, align: 'right', box: { x: x + 4, y: y + HEAD_ROW_H, w: cw - 8, h: HEAD_ROW_H } });
      });
      doc.lineWidth(0.5).strokeColor(RULE);
      for (let i = 1; i < ledger.length; i++) doc.moveTo(MARGIN + i * cw, y).lineTo(MARGIN + i * cw, y + 2 * HEAD_ROW_H).stroke();
      doc.moveTo(MARGIN, y + HEAD_ROW_H).lineTo(MARGIN + W, y + HEAD_ROW_H).stroke();
      doc.lineWidth(0.8).rect(MARGIN, y, W, 2 * HEAD_ROW_H).stroke();

      y += 2 * HEAD_ROW_H + 10;
      cells.push({ text: { size: 10.5, lines: ['입금계좌'] }, face: 'B', color: INK, align: 'left', box: { x: MARGIN - 2, y, w: bankLabelW, h: bankH } });
      cells.push({ field: 'bankAccount', text: bank, face: 'B', color: ACCENT, align: 'left', box: { x: MARGIN + bankLabelW, y, w: W - bankLabelW, h: bankH } });
      y += bankH + 4;
      const receiver = '인수자                    (인)';
      const rw = R(receiver, 9);
      cells.push({ text: { size: 9, lines: [receiver] }, face: 'R', color: INK, align: 'right', box: { x: MARGIN + W - rw - 2 * CELL_PAD_X, y, w: rw + 2 * CELL_PAD_X, h: 16 } });
      doc.moveTo(MARGIN + W - rw + 30, y + 15).lineTo(MARGIN + W - 28, y + 15).lineWidth(0.4).strokeColor(RULE).stroke();
      return cells;
    },
  };
}

const FOOTER_SIZE = MIN_FONT_SIZE;

function drawPageFooter(doc: Doc, content: StatementContent, page: number, pages: number): void {
  doc.font('R').fontSize(FOOTER_SIZE).fillColor('#777777');
  doc.text(`거래명세서 ${content.number}${content.version > 1 ? ` (v${content.version})` : ''}`, MARGIN, PAGE_FOOTER_Y, { lineBreak: false });
  const pageText = `${page} / ${pages} 쪽`;
  doc.text(pageText, MARGIN + W - doc.widthOfString(pageText), PAGE_FOOTER_Y, { lineBreak: false });
}
