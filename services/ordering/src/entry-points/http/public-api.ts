import type { Router } from 'express';
import type { CatalogClient } from '../../clients/catalog-client';
import { adminRoutes } from './admin-routes';
import { createApiRouter, type ApiDeps } from './api';
import { authRoutes } from './auth-routes';
import { cartRoutes } from './cart-routes';
import { catalogRoutes } from './catalog-routes';
import { connectionRoutes } from './connection-routes';
import { docsRouter } from './docs-router';
import { buildOpenApiDocument } from './openapi';
import { orderRoutes } from './order-routes';
import { pricingRoutes } from './pricing-routes';
import type { RouteSpec } from './route';
import { wholesalerRoutes } from './wholesaler-routes';

export interface PublicApi {
  routes: RouteSpec[];
  document: Record<string, unknown>;
  api: Router;
  docs: Router;
}

/**
 * The public API: every route module in one list, from which both the express routes and the
 * OpenAPI document are made. The billing statements (`/v1/statements…`, tag `statements`) and the
 * notifier's admin SMS log are added as further modules in this list when those services land.
 */
export function createPublicApi(deps: ApiDeps & { catalog: CatalogClient; version: string }): PublicApi {
  const routes = [
    ...authRoutes(),
    ...wholesalerRoutes(),
    ...connectionRoutes(),
    ...cartRoutes(),
    ...orderRoutes(),
    ...pricingRoutes(),
    ...catalogRoutes(deps.catalog),
    ...adminRoutes(),
  ];
  const document = buildOpenApiDocument(routes, { version: deps.version });
  return { routes, document, api: createApiRouter(routes, deps), docs: docsRouter(document) };
}
