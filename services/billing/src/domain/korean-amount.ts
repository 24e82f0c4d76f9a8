const DIGITS = ['', '일', '이', '삼', '사', '오', '육', '칠', '팔', '구'] as const;
const SMALL_UNITS = ['', '십', '백', '천'] as const;
const GROUP_UNITS = ['', '만', '억', '조', '경'] as const;

/**
 * A non-negative integer in Korean numerals as written on financial documents: every digit is
 * spelled out, including 일 before 십/백/천 (일십이만삼천, not 십이만삼천), because the long form is
 * the one that cannot be altered by adding a stroke. Zero is 영.
 */
export function toKoreanNumerals(value: number): string {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a non-negative safe integer: ${value}`);
  if (value === 0) return '영';
  const groups: string[] = [];
  let rest = value;
  for (let group = 0; rest > 0; group++) {
    const chunk = rest % 10_000;
    rest = Math.floor(rest / 10_000);
    if (chunk === 0) continue;
    if (group >= GROUP_UNITS.length) throw new RangeError(`too large for Korean numerals: ${value}`);
    let words = '';
    for (let place = 3; place >= 0; place--) {
      const digit = Math.floor(chunk / 10 ** place) % 10;
      if (digit > 0) words += `${DIGITS[digit]}${SMALL_UNITS[place]}`;
    }
    groups.unshift(`${words}${GROUP_UNITS[group]}`);
  }
  return groups.join('');
}

/** The amount line of a statement: `일금 일십이만삼천 원정` for 123000. */
export function koreanAmountInWords(krw: number): string {
  return `일금 ${toKoreanNumerals(krw)} 원정`;
}

/** KRW with thousands separators and no decimals: 1234567 → `1,234,567`; negatives keep their sign. */
export function formatKrw(krw: number): string {
  if (!Number.isSafeInteger(krw)) throw new RangeError(`not a safe integer: ${krw}`);
  const digits = String(Math.abs(krw)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return krw < 0 ? `-${digits}` : digits;
}
