import { z } from 'zod';
import { addCartLine } from '../../use-cases/carts/add-cart-line';
import { changeCartLine, removeCartLine } from '../../use-cases/carts/change-cart-line';
import { getCart, listCarts } from '../../use-cases/carts/get-cart';
import { discardCart, updateCart } from '../../use-cases/carts/update-cart';
import { route, type RouteSpec } from './route';
import * as S from './schemas';
import { toCart } from './views';

const RETAILER = ['RETAILER'] as const;
const cartParams = S.idParam('wholesalerId');
const lineParams = z.object({ wholesalerId: z.uuid(), lineId: z.uuid() });

/** The retailer's open carts, one per wholesaler it has a confirmed connection with. */
export function cartRoutes(): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/v1/carts',
      operationId: 'listCarts',
      summary: 'The retailer’s open carts',
      tags: ['carts'],
      auth: 'bearer',
      roles: RETAILER,
      status: 200,
      response: S.CartList,
      run: ({ ctx, actor }) => listCarts(ctx, actor),
      respond: (carts) => ({ items: carts.map(toCart) }),
    }),
    route({
      method: 'get',
      path: '/v1/carts/{wholesalerId}',
      operationId: 'getCart',
      summary: 'The open cart at one wholesaler (empty when none)',
      tags: ['carts'],
      auth: 'bearer',
      roles: RETAILER,
      params: cartParams,
      status: 200,
      response: S.Cart,
      run: ({ ctx, actor, params }) => getCart(ctx, actor, params.wholesalerId as string),
      respond: toCart,
    }),
    route({
      method: 'patch',
      path: '/v1/carts/{wholesalerId}',
      operationId: 'updateCart',
      summary: 'Set the cart’s memo and fulfilment (pickup, or delivery with an address)',
      tags: ['carts'],
      auth: 'bearer',
      roles: RETAILER,
      params: cartParams,
      body: S.CartUpdate,
      status: 200,
      response: S.Cart,
      run: ({ ctx, actor, params, body }) => updateCart(ctx, actor, params.wholesalerId as string, body),
      respond: toCart,
    }),
    route({
      method: 'delete',
      path: '/v1/carts/{wholesalerId}',
      operationId: 'discardCart',
      summary: 'Throw the cart away',
      tags: ['carts'],
      auth: 'bearer',
      roles: RETAILER,
      params: cartParams,
      status: 204,
      run: ({ ctx, actor, params }) => discardCart(ctx, actor, params.wholesalerId as string),
    }),
    route({
      method: 'post',
      path: '/v1/carts/{wholesalerId}/lines',
      operationId: 'addCartLine',
      summary: 'Put a variety and grade in the cart',
      description: 'The same variety and grade again replaces the quantity. Needs a CONFIRMED connection (403 connection-not-confirmed) and a variety the catalog knows.',
      tags: ['carts'],
      auth: 'bearer',
      roles: RETAILER,
      idempotent: true,
      params: cartParams,
      body: S.CartLineInput,
      status: 200,
      response: S.Cart,
      run: ({ ctx, actor, params, body }) => addCartLine(ctx, actor, params.wholesalerId as string, body),
      respond: toCart,
    }),
    route({
      method: 'patch',
      path: '/v1/carts/{wholesalerId}/lines/{lineId}',
      operationId: 'changeCartLine',
      summary: 'Change a line’s quantity, grade or memo',
      description: 'Moving a line’s grade onto a grade the same variety already has merges the two lines (quantities added).',
      tags: ['carts'],
      auth: 'bearer',
      roles: RETAILER,
      params: lineParams,
      body: S.CartLineChange,
      status: 200,
      response: S.Cart,
      errors: [404, 422],
      run: ({ ctx, actor, params, body }) => changeCartLine(ctx, actor, params.wholesalerId, params.lineId, body),
      respond: toCart,
    }),
    route({
      method: 'delete',
      path: '/v1/carts/{wholesalerId}/lines/{lineId}',
      operationId: 'removeCartLine',
      summary: 'Remove a line (the cart goes with its last line)',
      tags: ['carts'],
      auth: 'bearer',
      roles: RETAILER,
      params: lineParams,
      status: 200,
      response: S.Cart,
      errors: [404],
      run: ({ ctx, actor, params }) => removeCartLine(ctx, actor, params.wholesalerId, params.lineId),
      respond: toCart,
    }),
  ];
}
