import { z } from 'zod';
import { Suggestion } from './order-schemas';
import { day, grade, id, money, request, response } from './shared-schemas';

// ── pricing and the day ─────────────────────────────────────────────────────────────────────────
export const DailyPriceInput = request('DailyPriceInput', z.object({ day: day(), varietyId: id(), grade, unitPrice: money() }));
export const DailyPriceApplied = response(
  'DailyPriceApplied',
  z.object({
    day: day(),
    varietyId: id(),
    grade,
    unitPrice: z.int(),
    orders: z.array(z.object({ id: id(), number: z.string(), version: z.int() })).describe('Orders whose lines took the price.'),
  }),
);
export const dayQuery = z.object({ day: day().optional().describe('Sale day (Asia/Seoul); today when omitted.') });
export const DailySummary = response(
  'DailySummary',
  z.object({
    day: day(),
    orderCount: z.int(),
    retailerCount: z.int(),
    varietyCount: z.int(),
    totalQuantity: z.int(),
    revenue: z.int(),
    unpricedLineCount: z.int(),
    pickList: z.array(
      z.object({
        varietyId: id(),
        itemName: z.string(),
        varietyName: z.string(),
        grade,
        quantity: z.int(),
        orderCount: z.int(),
        dailyPrice: z.int().nullable(),
        suggestion: Suggestion,
      }),
    ),
  }),
);
