import { Router } from 'express';
import { buildInternalApiDocument, createOperationsRouter, internalOperation, readActorHeader, requireInternalCaller, type InternalCallers, type InternalOperation, type Orm } from '@marketbill/platform';
import { parseActor } from '@marketbill/schemas';
import { PriceWindowError } from '../../domain/catalog-errors';
import { listItems } from '../../use-cases/list-items';
import { searchVarieties } from '../../use-cases/search-varieties';
import { lookupVarieties } from '../../use-cases/lookup-varieties';
import { getVariety } from '../../use-cases/get-variety';
import { getPriceHistory } from '../../use-cases/get-price-history';
import { curateVariety } from '../../use-cases/curate-variety';
import { curateItem } from '../../use-cases/curate-item';
import {
  catalogue,
  CatalogItem,
  CatalogItemPage,
  idParams,
  ItemCuration,
  itemsQuery,
  PriceHistory,
  pricesQuery,
  varietiesQuery,
  VarietyCuration,
  VarietyDetail,
  VarietyList,
  VarietyLookup,
  VarietyPage,
  VarietySummary,
} from './catalog-api-schemas';

const tags = ['catalog'];

/** Catalog's internal operations: each one declared once, mounted and documented from that declaration. */
export function catalogOperations(deps: { orm: Orm }): InternalOperation[] {
  const em = () => deps.orm.em.fork();
  return [
    internalOperation({
      method: 'get',
      path: '/items',
      operationId: 'listItems',
      summary: 'Items (품목), optionally of one category and matching a keyword.',
      description: 'One page of items by name, each with its number of varieties.',
      tags,
      actor: 'none',
      query: itemsQuery,
      status: 200,
      response: CatalogItemPage,
      async run({ query: q }) {
        return listItems(em(), { page: q.page, size: q.size, ...(q.q === undefined ? {} : { q: q.q }), ...(q.category ? { category: q.category } : {}) });
      },
    }),
    internalOperation({
      method: 'get',
      path: '/varieties',
      operationId: 'searchVarieties',
      summary: 'Varieties by keyword, item, category and buyable window.',
      description: 'Keywords match partially, in Korean and by 초성; `buyableFrom` must not be after `buyableTo` (400 price-window-reversed).',
      tags,
      actor: 'none',
      query: varietiesQuery,
      status: 200,
      response: VarietyPage,
      async run({ query: q }) {
        if (q.buyableFrom && q.buyableTo && q.buyableFrom > q.buyableTo) throw PriceWindowError.reversed('buyableFrom');
        return searchVarieties(em(), {
          sort: q.sort,
          page: q.page,
          size: q.size,
          ...(q.q === undefined ? {} : { q: q.q }),
          ...(q.itemId ? { itemId: q.itemId } : {}),
          ...(q.category ? { category: q.category } : {}),
          ...(q.buyableFrom ? { buyableFrom: q.buyableFrom } : {}),
          ...(q.buyableTo ? { buyableTo: q.buyableTo } : {}),
        });
      },
    }),
    internalOperation({
      method: 'post',
      path: '/varieties/lookup',
      operationId: 'lookupVarieties',
      summary: 'Several varieties by id (at most 200); unknown ids are left out.',
      description: 'For callers that hold variety ids and need their names and images.',
      tags,
      actor: 'none',
      body: VarietyLookup,
      status: 200,
      response: VarietyList,
      async run({ body }) {
        return lookupVarieties(em(), body.ids);
      },
    }),
    internalOperation({
      method: 'get',
      path: '/varieties/{id}',
      operationId: 'getVariety',
      summary: 'A variety with its latest prices per auction grade.',
      description: 'Per grade: the prices of its latest auction day and the change of the average versus the previous auction day of that grade.',
      tags,
      actor: 'none',
      params: idParams,
      status: 200,
      response: VarietyDetail,
      errors: [404],
      async run({ params }) {
        return getVariety(em(), params.id.toLowerCase());
      },
    }),
    internalOperation({
      method: 'get',
      path: '/varieties/{id}/prices',
      operationId: 'getPriceHistory',
      summary: 'A variety’s price series in one grade over a window.',
      description: 'The window is inclusive, at most 366 days; default the 90 days up to `to` (or today).',
      tags,
      actor: 'none',
      params: idParams,
      query: pricesQuery,
      status: 200,
      response: PriceHistory,
      errors: [404],
      async run({ params, query: q }) {
        return getPriceHistory(em(), { varietyId: params.id.toLowerCase(), grade: q.grade, ...(q.from ? { from: q.from } : {}), ...(q.to ? { to: q.to } : {}) });
      },
    }),
    internalOperation({
      method: 'patch',
      path: '/varieties/{id}',
      operationId: 'curateVariety',
      summary: 'Sets a variety’s colour and images.',
      description: 'ADMIN actor only (403 curation-forbidden otherwise); auction events never touch these fields.',
      tags,
      actor: 'required',
      params: idParams,
      body: VarietyCuration,
      status: 200,
      response: VarietySummary,
      errors: [403, 404],
      async run({ params, body, req }) {
        return curateVariety(em(), parseActor(readActorHeader(req)), params.id.toLowerCase(), {
          ...(body.colour === undefined ? {} : { colour: body.colour }),
          ...(body.imageUrls === undefined ? {} : { imageUrls: body.imageUrls }),
        });
      },
    }),
    internalOperation({
      method: 'patch',
      path: '/items/{id}',
      operationId: 'curateItem',
      summary: 'Sets an item’s image.',
      description: 'ADMIN actor only (403 curation-forbidden otherwise).',
      tags,
      actor: 'required',
      params: idParams,
      body: ItemCuration,
      status: 200,
      response: CatalogItem,
      errors: [403, 404],
      async run({ params, body, req }) {
        return curateItem(em(), parseActor(readActorHeader(req)), params.id.toLowerCase(), body.imageUrl === undefined ? {} : { imageUrl: body.imageUrl });
      },
    }),
  ];
}

/**
 * The internal API the ordering edge calls (`/internal/v1`), every route behind the internal bearer
 * token. Reads need no actor; curation demands an ADMIN actor (the edge checks too: defence in depth).
 */
export function createCatalogRouter(deps: { orm: Orm; internalApiCallers: InternalCallers }): Router {
  return Router().use('/internal/v1', requireInternalCaller(deps.internalApiCallers), createOperationsRouter(catalogOperations(deps)));
}

/** The contract committed as schemas/catalog/internal-api.openapi.json (built without any I/O). */
export function internalApiDocument(): Record<string, unknown> {
  return buildInternalApiDocument({
    title: 'MarketBill catalog — internal API',
    description: 'Items, varieties and auction prices, for the ordering edge. Pages count from 0, as at the edge.',
    version: '1',
    operations: catalogOperations({} as { orm: Orm }),
    catalogue,
  });
}
