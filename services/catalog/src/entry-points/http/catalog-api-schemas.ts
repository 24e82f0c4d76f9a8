import { z } from 'zod';
import { AuctionCategoryValues } from '@marketbill/schemas';
import { createSchemaCatalogue, isDay, pageOf, pageQuery } from '@marketbill/platform';

/**
 * The request and response schemas of catalog's internal API, in one catalogue: the routes parse
 * with them and the contract (schemas/catalog/internal-api.openapi.json, from which the callers'
 * types are generated) is made from them.
 */
export const catalogue = createSchemaCatalogue();
const { request, response } = catalogue;

const category = z.enum(AuctionCategoryValues);
const day = () => z.string().refine(isDay, 'must be a day YYYY-MM-DD').describe('A Seoul day, YYYY-MM-DD.');
const keyword = z.string().trim().max(50).optional();
const httpsUrl = z.url({ protocol: /^https$/ }).max(2_000);

export const itemsQuery = z.object({ category: category.optional(), q: keyword, ...pageQuery() });
export const varietiesQuery = z.object({
  q: keyword.describe('Part of the item or variety name; 초성 (ㅈㅁ) matches too.'),
  itemId: z.uuid().optional(),
  category: category.optional(),
  buyableFrom: day().optional(),
  buyableTo: day().optional(),
  sort: z.enum(['name', '-lastAuctionDate', 'latestAvgPrice', '-latestAvgPrice']).default('name'),
  ...pageQuery(),
});
export const idParams = z.object({ id: z.uuid() });
export const pricesQuery = z.object({ grade: z.string().trim().min(1).max(20), from: day().optional(), to: day().optional() });

export const VarietyLookup = request('VarietyLookup', z.object({ ids: z.array(z.uuid()).max(200) }));
export const VarietyCuration = request(
  'VarietyCuration',
  z.object({ colour: z.string().trim().min(1).max(40).nullable().optional(), imageUrls: z.array(httpsUrl).max(10).optional() }).strict(),
);
export const ItemCuration = request('ItemCuration', z.object({ imageUrl: httpsUrl.nullable().optional() }).strict());

export const CatalogItem = response('CatalogItem', z.object({ id: z.uuid(), category, name: z.string(), imageUrl: z.string().nullable(), varietyCount: z.int() }));
export const CatalogItemPage = response('CatalogItemPage', pageOf(CatalogItem));

export const VarietySummary = response(
  'VarietySummary',
  z.object({
    id: z.uuid(),
    itemId: z.uuid(),
    itemName: z.string(),
    name: z.string(),
    category,
    colour: z.string().nullable(),
    imageUrls: z.array(z.string()),
    lastAuctionDate: z.string().nullable().describe('A Seoul day, YYYY-MM-DD.'),
    latestAvgPrice: z.int().nullable(),
  }),
);
export const VarietyPage = response('VarietyPage', pageOf(VarietySummary));
export const VarietyList = response('VarietyList', z.object({ items: z.array(VarietySummary) }));

const pricePoint = {
  saleDate: z.string().describe('A Seoul day, YYYY-MM-DD.'),
  minPrice: z.int(),
  avgPrice: z.int(),
  maxPrice: z.int(),
  totalQuantity: z.int(),
  totalAmount: z.int(),
};

export const VarietyDetail = response(
  'VarietyDetail',
  VarietySummary.extend({
    latestPrices: z.array(
      z.object({
        grade: z.string().describe('Auction grade (특1, 상, …).'),
        ...pricePoint,
        previous: z.object({ saleDate: z.string(), avgPrice: z.int() }).nullable(),
        avgChange: z.number().nullable(),
        avgChangeRate: z.number().nullable(),
      }),
    ),
  }),
);

export const PriceHistory = response('PriceHistory', z.object({ varietyId: z.uuid(), grade: z.string(), points: z.array(z.object(pricePoint)) }));
