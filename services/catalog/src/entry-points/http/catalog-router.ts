import { Router, type Request } from 'express';
import { z } from 'zod';
import { isDay, parseInput, readActor, requireInternalCaller, type InternalCallers, type Orm } from '@marketbill/platform';
import { PriceWindowError } from '../../domain/catalog-errors';
import { listItems } from '../../use-cases/list-items';
import { searchVarieties } from '../../use-cases/search-varieties';
import { lookupVarieties } from '../../use-cases/lookup-varieties';
import { getVariety } from '../../use-cases/get-variety';
import { getPriceHistory } from '../../use-cases/get-price-history';
import { curateVariety } from '../../use-cases/curate-variety';
import { curateItem } from '../../use-cases/curate-item';

const CATEGORY = z.enum(['CUT_FLOWER', 'FOLIAGE', 'ORCHID', 'SPRING_ORCHID']);
const day = () => z.string().refine(isDay, 'must be a day YYYY-MM-DD');
const paging = {
  page: z.coerce.number().int().min(0).max(100_000).default(0),
  size: z.coerce.number().int().min(1).max(100).default(20),
};
const keyword = z.string().trim().max(50).optional();
const httpsUrl = z.url({ protocol: /^https$/ }).max(2_000);

const itemsQuery = z.object({ category: CATEGORY.optional(), q: keyword, ...paging });
const varietiesQuery = z.object({
  q: keyword,
  itemId: z.uuid().optional(),
  category: CATEGORY.optional(),
  buyableFrom: day().optional(),
  buyableTo: day().optional(),
  sort: z.enum(['name', '-lastAuctionDate', 'latestAvgPrice', '-latestAvgPrice']).default('name'),
  ...paging,
});
const idParams = z.object({ id: z.uuid() });
const lookupBody = z.object({ ids: z.array(z.uuid()).max(200) });
const pricesQuery = z.object({ grade: z.string().trim().min(1).max(20), from: day().optional(), to: day().optional() });
const varietyPatch = z
  .object({ colour: z.string().trim().min(1).max(40).nullable().optional(), imageUrls: z.array(httpsUrl).max(10).optional() })
  .strict();
const itemPatch = z.object({ imageUrl: httpsUrl.nullable().optional() }).strict();

/** The query string as zod sees it: repeated parameters are refused by the schema rather than guessed. */
function queryOf(req: Request): unknown {
  return req.query;
}

/**
 * The internal API the ordering edge calls (`/internal/v1`), every route behind the internal bearer
 * token. Reads need no actor; curation demands an ADMIN actor (the edge checks too: defence in depth).
 */
export function createCatalogRouter(deps: { orm: Orm; internalApiCallers: InternalCallers }): Router {
  const router = Router();
  router.use('/internal/v1', requireInternalCaller(deps.internalApiCallers));
  const em = () => deps.orm.em.fork();

  router.get('/internal/v1/items', async (req, res) => {
    const q = parseInput(itemsQuery, queryOf(req), 'query');
    res.json(await listItems(em(), { ...q, ...(q.q === undefined ? {} : { q: q.q }), ...(q.category ? { category: q.category } : {}) } as Parameters<typeof listItems>[1]));
  });

  router.get('/internal/v1/varieties', async (req, res) => {
    const q = parseInput(varietiesQuery, queryOf(req), 'query');
    if (q.buyableFrom && q.buyableTo && q.buyableFrom > q.buyableTo) throw PriceWindowError.reversed('buyableFrom');
    res.json(await searchVarieties(em(), q as Parameters<typeof searchVarieties>[1]));
  });

  router.post('/internal/v1/varieties/lookup', async (req, res) => {
    const body = parseInput(lookupBody, req.body, 'body');
    res.json(await lookupVarieties(em(), body.ids));
  });

  router.get('/internal/v1/varieties/:id', async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'path');
    res.json(await getVariety(em(), id.toLowerCase()));
  });

  router.get('/internal/v1/varieties/:id/prices', async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'path');
    const q = parseInput(pricesQuery, queryOf(req), 'query');
    res.json(await getPriceHistory(em(), { varietyId: id.toLowerCase(), grade: q.grade, ...(q.from ? { from: q.from } : {}), ...(q.to ? { to: q.to } : {}) }));
  });

  router.patch('/internal/v1/varieties/:id', async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'path');
    const body = parseInput(varietyPatch, req.body ?? {}, 'body');
    res.json(await curateVariety(em(), readActor(req), id.toLowerCase(), body as Parameters<typeof curateVariety>[3]));
  });

  router.patch('/internal/v1/items/:id', async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'path');
    const body = parseInput(itemPatch, req.body ?? {}, 'body');
    res.json(await curateItem(em(), readActor(req), id.toLowerCase(), body as Parameters<typeof curateItem>[3]));
  });

  return router;
}
