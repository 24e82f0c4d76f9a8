import { toEucKrText } from './euc-kr';

/**
 * Every SMS MarketBill sends, in one place: when it goes, to whom, with which variables, and its
 * Korean text. Texts start with the brand tag [마켓빌], use the polite 합니다 style, and attach
 * names and numbers only with particles that do not depend on their last syllable (에서, 에, 의),
 * or put them in parentheses after a fixed word (거래명세서(…)를), so any shop name or number reads
 * naturally without 이/가 or 을/를 guessing. Every text is EUC-KR (a unit test checks), and
 * names are cleaned of characters SENS cannot carry before they are put in.
 */
export const TEMPLATE_NAMES = [
  'verification-code',
  'sign-up-attempted',
  'connection-requested',
  'connection-approved',
  'connection-rejected',
  'order-placed',
  'order-priced',
  'order-ready',
  'order-picked-up',
  'order-delivered',
  'statement-issued',
] as const;

export type TemplateName = (typeof TEMPLATE_NAMES)[number];

export function isTemplateName(value: string): value is TemplateName {
  return (TEMPLATE_NAMES as readonly string[]).includes(value);
}

/** The variables of each template. Names are shop names as ordering sends them; links are full URLs. */
export interface TemplateVariables {
  'verification-code': { purpose: 'SIGN_UP' | 'PASSWORD_RESET' | 'SIGN_IN'; code: string; validMinutes: number | null };
  'sign-up-attempted': Record<string, never>;
  'connection-requested': { retailerName: string; link: string };
  'connection-approved': { wholesalerName: string; link: string };
  'connection-rejected': { wholesalerName: string; link: string };
  'order-placed': { retailerName: string; orderNumber: string; itemCount: number; totalQuantity: number; atCutoff: boolean; link: string };
  'order-priced': { wholesalerName: string; orderNumber: string; total: number; link: string };
  'order-ready': { wholesalerName: string; orderNumber: string; method: 'PICKUP' | 'DELIVERY'; link: string };
  'order-picked-up': { wholesalerName: string; orderNumber: string; link: string };
  'order-delivered': { wholesalerName: string; orderNumber: string; link: string };
  'statement-issued': { wholesalerName: string; statementNumber: string; reissued: boolean; total: number; balance: number; link: string };
}

export interface Template<V> {
  /** The event and condition that sends it. */
  trigger: string;
  /** Who receives it (the number comes with the event). */
  recipient: string;
  /** LMS subject (SMS has none). */
  subject: string;
  /** Variables that must never be stored or logged: masked in the delivery log's text. */
  secrets: ReadonlyArray<keyof V>;
  text(v: V): string;
}

const BRAND = '[마켓빌]';
const NAME_MAX_CHARS = 20;

/** A shop name fit for an SMS: EUC-KR only, at most 20 characters; the fallback when nothing is left. */
function shop(name: string, fallback: string): string {
  const clean = toEucKrText(name);
  if (!clean) return fallback;
  const chars = [...clean];
  return chars.length > NAME_MAX_CHARS ? `${chars.slice(0, NAME_MAX_CHARS - 1).join('')}…` : clean;
}

/** Plain identifiers (order and statement numbers) keep to EUC-KR too. */
function plain(value: string): string {
  return toEucKrText(value);
}

/** 130000 → "130,000" (KRW has no minor unit). */
export function won(amount: number): string {
  const sign = amount < 0 ? '-' : '';
  return `${sign}${String(Math.abs(Math.trunc(amount))).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;
}

const PURPOSE_LABEL = { SIGN_UP: '회원가입', PASSWORD_RESET: '비밀번호 재설정', SIGN_IN: '로그인' } as const;

export const templates: { [N in TemplateName]: Template<TemplateVariables[N]> } = {
  'verification-code': {
    trigger: 'account.verification.requested (sign-up or password reset)',
    recipient: 'the phone being verified',
    subject: `${BRAND} 인증번호`,
    secrets: ['code'],
    text: (v) =>
      `${BRAND} ${PURPOSE_LABEL[v.purpose]} 인증번호는 ${v.code}입니다. ` +
      (v.validMinutes && v.validMinutes > 0 ? `${v.validMinutes}분 안에 입력해 주세요.` : '바로 입력해 주세요.'),
  },
  'sign-up-attempted': {
    trigger: 'account.verification.requested with notice ALREADY_REGISTERED: a sign-up code was asked for a number that has an account',
    recipient: 'the owner of that number',
    subject: `${BRAND} 회원가입 안내`,
    secrets: [],
    // No code and no link: the requester may not be the owner. The owner learns what happened and
    // what to do; whoever asked learned nothing from the API (it answered as for a new number).
    text: () =>
      `${BRAND} 이 번호로 회원가입 인증 요청이 있었습니다. 이미 가입된 번호라 인증번호는 보내지 않았습니다. ` +
      '본인이 요청하셨다면 로그인하시거나 비밀번호를 재설정해 주세요. 요청하지 않으셨다면 이 문자는 무시하셔도 됩니다.',
  },
  'connection-requested': {
    trigger: 'connection.requested: a retailer applied to trade',
    recipient: 'the wholesaler (owner)',
    subject: `${BRAND} 거래처 신청`,
    secrets: [],
    text: (v) =>
      `${BRAND} ${shop(v.retailerName, '소매상')}에서 거래처 신청을 보냈습니다. 승인하시면 바로 주문을 받을 수 있습니다.\n` +
      `신청 확인: ${v.link}`,
  },
  'connection-approved': {
    trigger: 'connection.decided with CONFIRMED',
    recipient: 'the retailer',
    subject: `${BRAND} 거래처 승인`,
    secrets: [],
    text: (v) => {
      const name = shop(v.wholesalerName, '도매상');
      return `${BRAND} ${name}에서 거래처 신청을 승인했습니다. 이제 ${name}에 주문하실 수 있습니다.\n주문하기: ${v.link}`;
    },
  },
  'connection-rejected': {
    trigger: 'connection.decided with REJECTED',
    recipient: 'the retailer',
    subject: `${BRAND} 거래처 신청 결과`,
    secrets: [],
    text: (v) => {
      const name = shop(v.wholesalerName, '도매상');
      return (
        `${BRAND} ${name}에서 거래처 신청을 거절했습니다. 자세한 내용은 ${name}에 직접 문의해 주세요. ` +
        `다시 신청하실 수도 있습니다.\n도매상 목록: ${v.link}`
      );
    },
  },
  'order-placed': {
    trigger: 'order.placed (by the retailer, or automatically at the cutoff)',
    recipient: 'the wholesaler (owner)',
    subject: `${BRAND} 새 주문`,
    secrets: [],
    text: (v) =>
      `${BRAND} ${shop(v.retailerName, '소매상')}에서 새 주문이 들어왔습니다.${v.atCutoff ? ' (마감 시간 자동 주문)' : ''}\n` +
      `주문번호: ${plain(v.orderNumber)}\n` +
      `품목 ${v.itemCount}개, 총 수량 ${v.totalQuantity}\n` +
      `주문 확인: ${v.link}`,
  },
  'order-priced': {
    trigger: 'order.updated: the order became fully priced (priceState PRICED), once per order',
    recipient: 'the retailer',
    subject: `${BRAND} 주문 금액 확정`,
    secrets: [],
    text: (v) =>
      `${BRAND} ${shop(v.wholesalerName, '도매상')}에서 주문 ${plain(v.orderNumber)}의 가격을 확정했습니다.\n` +
      `합계: ${won(v.total)}원\n` +
      `주문 확인: ${v.link}`,
  },
  'order-ready': {
    trigger: 'order.updated: fulfilment became READY, once per order',
    recipient: 'the retailer',
    subject: `${BRAND} 상품 준비 완료`,
    secrets: [],
    text: (v) =>
      `${BRAND} ${shop(v.wholesalerName, '도매상')}에서 주문 ${plain(v.orderNumber)}의 상품을 준비했습니다. ` +
      (v.method === 'PICKUP' ? '매장에서 찾아가 주세요.' : '곧 배송을 시작합니다.') +
      `\n주문 확인: ${v.link}`,
  },
  'order-picked-up': {
    trigger: 'order.updated: fulfilment became PICKED_UP, once per order',
    recipient: 'the retailer',
    subject: `${BRAND} 상품 수령 완료`,
    secrets: [],
    text: (v) =>
      `${BRAND} 주문 ${plain(v.orderNumber)}의 상품을 ${shop(v.wholesalerName, '도매상')}에서 찾아가셨습니다. 이용해 주셔서 감사합니다.\n` +
      `주문 확인: ${v.link}`,
  },
  'order-delivered': {
    trigger: 'order.updated: fulfilment became DELIVERED, once per order',
    recipient: 'the retailer',
    subject: `${BRAND} 배송 완료`,
    secrets: [],
    text: (v) =>
      `${BRAND} ${shop(v.wholesalerName, '도매상')}에서 보낸 주문 ${plain(v.orderNumber)}의 상품이 배송 완료되었습니다.\n` +
      `주문 확인: ${v.link}`,
  },
  'statement-issued': {
    trigger: 'statement.issued (first issue or re-issue), once per statement',
    recipient: 'the retailer',
    subject: `${BRAND} 거래명세서`,
    secrets: [],
    text: (v) =>
      `${BRAND} ${shop(v.wholesalerName, '도매상')}에서 거래명세서(${plain(v.statementNumber)})를 ` +
      (v.reissued ? '다시 발행했습니다. 이전에 받으신 명세서 대신 이 명세서를 사용해 주세요.\n' : '발행했습니다.\n') +
      `합계 ${won(v.total)}원, 잔액 ${won(v.balance)}원\n` +
      `명세서 보기: ${v.link}`,
  },
};

/** A template's text, and the same text with its secret variables masked (what may be stored). */
export interface RenderedTemplate {
  text: string;
  maskedText: string;
  subject: string;
  /** The values of the secret variables (for scrubbing error messages; never stored). */
  secrets: string[];
}

/** Renders a template; secrets become asterisks of the same length in `maskedText`. */
export function renderTemplate<N extends TemplateName>(name: N, variables: TemplateVariables[N]): RenderedTemplate {
  const template = templates[name] as Template<TemplateVariables[N]>;
  const text = template.text(variables);
  if (template.secrets.length === 0) return { text, maskedText: text, subject: template.subject, secrets: [] };
  const masked = { ...variables };
  const secrets: string[] = [];
  for (const key of template.secrets) {
    const value = masked[key];
    if (typeof value === 'string' && value) secrets.push(value);
    masked[key] = (typeof value === 'string' ? '*'.repeat(Math.max(value.length, 1)) : '***') as never;
  }
  return { text, maskedText: template.text(masked), subject: template.subject, secrets };
}
