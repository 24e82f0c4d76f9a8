import type { StatementContent, StatementLine } from '../domain/statement';

/** A 60-character road address of the market, as a wholesaler writes it in full. */
export const LONG_SUPPLIER_ADDRESS = '서울특별시 서초구 강남대로 27 (양재동, 에이티센터 화훼공판장) 양재꽃시장 가동 지하1층 101-2호 사무실';
/** A 61-character address of a florist with its building, floor and office. */
export const LONG_BUYER_ADDRESS = '경기도 고양시 일산동구 호수로 595 (장항동, 고양꽃전시관 화훼유통센터) 2층 201호 꿀벌원예 본점 사무실';

/** The largest balance the system accepts (business limits: totals and balances ≤ 10^13 − 1 원). */
export const MAX_BALANCE = 9_999_999_999_999;

let seq = 0;
export function statementLine(over: Partial<StatementLine> = {}): StatementLine {
  seq++;
  const quantity = over.quantity ?? 10;
  const unitPrice = over.unitPrice ?? 13_000;
  return {
    orderId: '00000000-0000-4000-8000-000000000001',
    orderNumber: '261126-000101',
    lineId: `line-${seq}`,
    kind: 'ITEM',
    item: '장미 레드나오미',
    spec: '상',
    itemName: '장미',
    varietyName: '레드나오미',
    grade: 'UPPER',
    quantity,
    unitPrice,
    amount: quantity * unitPrice,
    memo: null,
    ...over,
  };
}

/** A plain one-page statement as the demo wholesaler issues it. */
export function shortStatement(over: Partial<StatementContent> = {}): StatementContent {
  const lines = over.lines ?? [
    statementLine(),
    statementLine({ item: '거베라 핑크하트', spec: '중', quantity: 3, unitPrice: 7_500, memo: '포장' }),
    statementLine({ kind: 'SHIPPING_FEE', item: '배송비', spec: '', quantity: 1, unitPrice: 5_000 }),
  ];
  const total = lines.reduce((s, l) => s + l.amount, 0);
  return {
    number: '2611-00017',
    version: 1,
    issueDay: '2026-11-26',
    supplier: {
      wholesalerId: '11111111-1111-4111-8111-111111111111',
      shopName: '양재꽃상회',
      ownerPhone: '01098765432',
      businessNumber: '2208162517',
      companyName: '양재꽃상회',
      representative: '김꽃님',
      address: '서울특별시 서초구 강남대로 27 양재꽃시장 가동 101호',
      phone: '02-579-1234',
      businessType: '도소매',
      businessItem: '화훼',
      bankAccount: '농협 123-4567-8901-23 김꽃님',
      sealImageUrl: null,
    },
    buyer: { id: '22222222-2222-4222-8222-222222222222', name: '꽃담플라워', phone: '01012345678' },
    orders: [{ orderId: '00000000-0000-4000-8000-000000000001', orderNumber: '261126-000101', orderVersion: 3, saleDay: '2026-11-26' }],
    lines,
    figures: { previousBalance: 0, total, payments: 0, balance: total },
    ...over,
  };
}

/**
 * Long real-world values in every legal field, a buyer with a business profile, and amounts at
 * the limits the system accepts: quantity 1,000,000, unit price 100,000,000, a total and every
 * footer figure of 9,999,999,999,999 원.
 */
export function longStatement(): StatementContent {
  const lines = [
    statementLine({ item: '호접란 만천홍 3대 (화분, 리본 포함, 개업 축하용 대형)', spec: '상', quantity: 99_000, unitPrice: 100_000_000 }),
    statementLine({ item: '장미 스위트아발란체 (케냐산 수입, 60cm 특대)', spec: '중', quantity: 1_000_000, unitPrice: 99_999, memo: '새벽 4시 픽업, 봉오리 상태로 부탁드립니다. 물올림 후 포장. 영수증은 사업자 명의로 발행해 주세요. 감사합니다.' }),
    statementLine({ kind: 'CUSTOM', item: '포장지 크라프트', spec: '', quantity: 1, unitPrice: 999_999 }),
  ];
  const total = lines.reduce((s, l) => s + l.amount, 0);
  if (total !== MAX_BALANCE) throw new Error(`fixture total ${total}`);
  return shortStatement({
    number: '2612-99999',
    version: 12,
    supplier: {
      ...shortStatement().supplier,
      companyName: '농업회사법인 주식회사 양재화훼유통 본점',
      representative: '남궁꽃님 외 1명',
      address: LONG_SUPPLIER_ADDRESS,
      businessType: '도매 및 소매업',
      businessItem: '화초 및 산식물 도소매업',
      bankAccount: '농협은행 351-1234-5678-93 농업회사법인 주식회사 양재화훼유통 (예금주 남궁꽃님)',
    },
    buyer: {
      id: '22222222-2222-4222-8222-222222222222',
      name: '꿀벌원예 양재본점 (주식회사 꿀벌원예 화훼사업부)',
      phone: '01012345678',
      business: {
        businessNumber: '1208800767',
        companyName: '주식회사 꿀벌원예 양재본점',
        representative: '이벌꿀',
        address: LONG_BUYER_ADDRESS,
        businessType: '도소매',
        businessItem: '화초 및 산식물 도소매업',
      },
    },
    orders: [
      { orderId: '00000000-0000-4000-8000-000000000001', orderNumber: '261126-000101', orderVersion: 3, saleDay: '2026-11-26' },
      { orderId: '00000000-0000-4000-8000-000000000002', orderNumber: '261126-000102', orderVersion: 1, saleDay: '2026-11-26' },
    ],
    lines,
    figures: { previousBalance: MAX_BALANCE, total, payments: MAX_BALANCE, balance: MAX_BALANCE },
  });
}

/** 200 lines over several pages. */
export function manyLineStatement(count = 200): StatementContent {
  const lines = Array.from({ length: count }, (_, i) =>
    statementLine({ item: `장미 품종${i + 1}`, quantity: (i % 7) + 1, unitPrice: 1_000 * ((i % 13) + 1), ...(i % 17 === 3 ? { memo: '줄기 길이 60cm 이상, 꽃봉오리 단단한 것으로 골라 주세요' } : {}) }),
  );
  const total = lines.reduce((s, l) => s + l.amount, 0);
  return shortStatement({ lines, figures: { previousBalance: 50_000, total, payments: 20_000, balance: 30_000 + total } });
}
