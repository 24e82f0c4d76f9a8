/** Change of the average price versus the previous auction day: absolute KRW and rate (0.05 = +5 %). */
export function priceChange(latestAvg: number, previousAvg: number | undefined): { avgChange: number | null; avgChangeRate: number | null } {
  if (previousAvg === undefined) return { avgChange: null, avgChangeRate: null };
  const avgChange = latestAvg - previousAvg;
  return { avgChange, avgChangeRate: previousAvg === 0 ? null : Math.round((avgChange / previousAvg) * 10_000) / 10_000 };
}

/** Usual order of aT auction grades, best first; unknown grades follow in name order. */
const GRADE_ORDER = ['특1', '특2', '특', '상', '보통', '보', '중', '하'];

export function compareGrades(a: string, b: string): number {
  const ia = GRADE_ORDER.indexOf(a);
  const ib = GRADE_ORDER.indexOf(b);
  if (ia >= 0 && ib >= 0) return ia - ib;
  if (ia >= 0) return -1;
  if (ib >= 0) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
