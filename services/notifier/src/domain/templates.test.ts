import { describe, expect, it } from '@jest/globals';
import { eucKrByteLength, isEucKrEncodable } from './euc-kr';
import { prepareDelivery } from './prepare-delivery';
import { SMS_MAX_BYTES } from './sms-message';
import { renderTemplate, TEMPLATE_NAMES, templates, won, type TemplateName, type TemplateVariables } from './templates';

const link = 'https://marketbill.kr/retail/orders/c1a7e0d4-5b8f-4e1a-9f3c-2d6b7a8e9f01';

/** One realistic set of variables per template. */
const samples: { [N in TemplateName]: TemplateVariables[N] } = {
  'verification-code': { purpose: 'SIGN_UP', code: '123456', validMinutes: 5 },
  'sign-up-attempted': {},
  'connection-requested': { retailerName: '꽃담플라워', link },
  'connection-approved': { wholesalerName: '양재꽃상회', link },
  'connection-rejected': { wholesalerName: '양재꽃상회', link },
  'order-placed': { retailerName: '꽃담플라워', orderNumber: '261126-000042', itemCount: 3, totalQuantity: 25, atCutoff: false, link },
  'order-priced': { wholesalerName: '양재꽃상회', orderNumber: '261126-000042', total: 130_000, link },
  'order-ready': { wholesalerName: '양재꽃상회', orderNumber: '261126-000042', method: 'PICKUP', link },
  'order-picked-up': { wholesalerName: '양재꽃상회', orderNumber: '261126-000042', link },
  'order-delivered': { wholesalerName: '양재꽃상회', orderNumber: '261126-000042', link },
  'statement-issued': { wholesalerName: '양재꽃상회', statementNumber: '2611-00017', reissued: false, total: 130_000, balance: 180_000, link },
};

describe('SMS templates', () => {
  it.each(TEMPLATE_NAMES)('When %s is rendered, then it carries the brand tag, is all EUC-KR, and has a trigger, recipient and subject', (name) => {
    const { text, subject } = renderTemplate(name, samples[name] as never);
    expect(text.startsWith('[마켓빌] ')).toBe(true);
    expect(isEucKrEncodable(text)).toBe(true);
    expect(isEucKrEncodable(subject)).toBe(true);
    expect(eucKrByteLength(subject)).toBeLessThanOrEqual(40);
    expect(templates[name].trigger.length).toBeGreaterThan(0);
    expect(templates[name].recipient.length).toBeGreaterThan(0);
  });

  it('When a sign-up code is rendered, then it fits one SMS and the stored text masks the code', () => {
    const prepared = prepareDelivery({
      template: 'verification-code',
      recipient: '01012345678',
      variables: samples['verification-code'],
      dedupeKey: null,
      expiresAt: null,
    });
    expect(prepared.type).toBe('SMS');
    expect(prepared.byteLength).toBeLessThanOrEqual(SMS_MAX_BYTES);
    expect(prepared.secretText).toBe('[마켓빌] 회원가입 인증번호는 123456입니다. 5분 안에 입력해 주세요.');
    expect(prepared.storedText).toBe('[마켓빌] 회원가입 인증번호는 ******입니다. 5분 안에 입력해 주세요.');
    expect(prepared.storedText).not.toContain('123456');
    expect(prepared.secrets).toEqual(['123456']);
  });

  it('When a password-reset code is rendered, then it still fits one SMS', () => {
    const { text } = renderTemplate('verification-code', { purpose: 'PASSWORD_RESET', code: '987654', validMinutes: 10 });
    expect(text).toBe('[마켓빌] 비밀번호 재설정 인증번호는 987654입니다. 10분 안에 입력해 주세요.');
    expect(eucKrByteLength(text)).toBeLessThanOrEqual(SMS_MAX_BYTES);
  });

  it('When a sign-in code is rendered, then it says so and fits one SMS', () => {
    const { text } = renderTemplate('verification-code', { purpose: 'SIGN_IN', code: '246810', validMinutes: 5 });
    expect(text).toBe('[마켓빌] 로그인 인증번호는 246810입니다. 5분 안에 입력해 주세요.');
    expect(eucKrByteLength(text)).toBeLessThanOrEqual(SMS_MAX_BYTES);
  });

  it('When a message has no secret, then the stored text is the sent text and no secret text is kept', () => {
    const prepared = prepareDelivery({ template: 'order-priced', recipient: '01012345678', variables: samples['order-priced'], dedupeKey: null, expiresAt: null });
    expect(prepared.secretText).toBeNull();
    expect(prepared.secrets).toEqual([]);
    expect(prepared.type).toBe('LMS');
    expect(prepared.subject).toBe('[마켓빌] 주문 금액 확정');
    expect(prepared.storedText).toBe(
      `[마켓빌] 양재꽃상회에서 주문 261126-000042의 가격을 확정했습니다.\n합계: 130,000원\n주문 확인: ${link}`,
    );
  });

  it('When a new order is announced, then the wholesaler reads who ordered, the number, items and quantity', () => {
    const { text } = renderTemplate('order-placed', { ...samples['order-placed'], atCutoff: true });
    expect(text).toBe(
      `[마켓빌] 꽃담플라워에서 새 주문이 들어왔습니다. (마감 시간 자동 주문)\n주문번호: 261126-000042\n품목 3개, 총 수량 25\n주문 확인: ${link}`,
    );
  });

  it('When an order is ready, then pick-up and delivery read differently', () => {
    expect(renderTemplate('order-ready', samples['order-ready']).text).toContain('매장에서 찾아가 주세요.');
    expect(renderTemplate('order-ready', { ...samples['order-ready'], method: 'DELIVERY' }).text).toContain('곧 배송을 시작합니다.');
  });

  it('When a statement is re-issued, then the text says it replaces the earlier one and shows total and balance', () => {
    const { text } = renderTemplate('statement-issued', { ...samples['statement-issued'], reissued: true });
    expect(text).toContain('거래명세서(2611-00017)를 다시 발행했습니다');
    expect(text).toContain('합계 130,000원, 잔액 180,000원');
    expect(text).toContain(link);
  });

  it('When a shop name holds emoji or is very long, then it is cleaned and shortened; an empty one falls back', () => {
    expect(renderTemplate('connection-requested', { retailerName: '🌸꽃담🌸', link }).text).toContain('꽃담에서 거래처 신청을');
    expect(renderTemplate('connection-requested', { retailerName: '🌸', link }).text).toContain('소매상에서 거래처 신청을');
    const long = renderTemplate('connection-approved', { wholesalerName: '가'.repeat(40), link }).text;
    expect(long).toContain(`${'가'.repeat(19)}…에서`);
  });

  it('When amounts are formatted, then thousands are grouped (negative balances too)', () => {
    expect(won(0)).toBe('0');
    expect(won(1_234_567)).toBe('1,234,567');
    expect(won(-50_000)).toBe('-50,000');
  });
});
