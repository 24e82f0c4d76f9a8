import { z } from 'zod';
import { pageOf } from '@marketbill/platform';
import { day, id, pageQuery, request, response, text } from './shared-schemas';

// ── catalog (proxied to catalog's internal API) ─────────────────────────────────────────────────
const category = z.enum(['CUT_FLOWER', 'FOLIAGE', 'ORCHID', 'SPRING_ORCHID']);
export const CatalogItem = response(
  'CatalogItem',
  z.object({ id: id(), category: z.string(), name: z.string(), imageUrl: z.string().nullable(), varietyCount: z.int() }),
);
export const CatalogItemPage = response('CatalogItemPage', pageOf(CatalogItem));
export const VarietySummary = response(
  'VarietySummary',
  z.object({
    id: id(),
    itemId: id(),
    itemName: z.string(),
    name: z.string(),
    category: z.string(),
    colour: z.string().nullable(),
    imageUrls: z.array(z.string()),
    lastAuctionDate: day().nullable(),
    latestAvgPrice: z.int().nullable(),
  }),
);
export const VarietyPage = response('VarietyPage', pageOf(VarietySummary));
export const VarietyDetail = response(
  'VarietyDetail',
  VarietySummary.extend({
    latestPrices: z.array(
      z.object({
        grade: z.string().describe('Auction grade (특1, 상, …).'),
        saleDate: day(),
        minPrice: z.int(),
        avgPrice: z.int(),
        maxPrice: z.int(),
        totalQuantity: z.int(),
        totalAmount: z.int(),
        previous: z.object({ saleDate: day(), avgPrice: z.int() }).nullable(),
        avgChange: z.number().nullable(),
        avgChangeRate: z.number().nullable(),
      }),
    ),
  }),
);
export const PriceHistory = response(
  'PriceHistory',
  z.object({
    varietyId: id(),
    grade: z.string(),
    points: z.array(z.object({ saleDate: day(), minPrice: z.int(), avgPrice: z.int(), maxPrice: z.int(), totalQuantity: z.int(), totalAmount: z.int() })),
  }),
);
export const itemQuery = z.object({ ...pageQuery, category: category.optional(), q: text(50).optional() });
export const varietyQuery = z.object({
  ...pageQuery,
  q: text(50).optional().describe('Part of the item or variety name; 초성 (ㅈㅁ) matches too.'),
  itemId: id().optional(),
  category: category.optional(),
  buyableFrom: day().optional().describe('Auctioned on or after this day; not after buyableTo.'),
  buyableTo: day().optional().describe('Auctioned on or before this day; not before buyableFrom.'),
  sort: z.enum(['name', '-lastAuctionDate', 'latestAvgPrice', '-latestAvgPrice']).optional(),
});
export const priceHistoryQuery = z.object({
  grade: text(20, 1).describe('Auction grade as the aT data names it (특1, 상, …).'),
  from: day().optional().describe('First day, inclusive; not after `to`; at most 366 days before `to`. Default: 89 days before `to`.'),
  to: day().optional().describe('Last day, inclusive. Default: 89 days after `from`, or today (Asia/Seoul) without `from`.'),
});
export const VarietyCuration = request(
  'VarietyCuration',
  z.object({ colour: text(30).nullable().optional(), imageUrls: z.array(z.url({ protocol: /^https$/ }).max(500)).max(10).optional() }),
);
export const ItemCuration = request('ItemCuration', z.object({ imageUrl: z.url({ protocol: /^https$/ }).max(500).nullable().optional() }));

// Shared by the routes of this area (they import one schema module).
export { idParam } from './shared-schemas';
