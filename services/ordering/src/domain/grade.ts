/** MarketBill's buyer-chosen quality tiers: 상 UPPER, 중 MIDDLE, 하 LOWER. */
export const BUYER_GRADES = ['UPPER', 'MIDDLE', 'LOWER'] as const;
export type BuyerGrade = (typeof BUYER_GRADES)[number];

/** The Korean label printed on statements and shown to people. */
export const GRADE_LABELS: Record<BuyerGrade, string> = { UPPER: '상', MIDDLE: '중', LOWER: '하' };
