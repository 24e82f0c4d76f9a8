import type { Router } from 'express';
import type { BillingClient } from '../../clients/billing-client';
import type { CatalogClient } from '../../clients/catalog-client';
import type { NotifierClient } from '../../clients/notifier-client';
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
import { retailerRoutes } from './retailer-routes';
import { smsLogRoutes } from './sms-log-routes';
import { statementRoutes } from './statement-routes';
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
 * OpenAPI document are made. Catalog browsing, statements and the SMS log are passed through to
 * the services that own them.
 */
export function createPublicApi(
  deps: ApiDeps & { catalog: CatalogClient; billing: BillingClient; notifier: NotifierClient; version: string },
): PublicApi {
  const routes = [
    ...authRoutes(),
    ...wholesalerRoutes(),
    ...retailerRoutes(),
    ...connectionRoutes(),
    ...cartRoutes(),
    ...orderRoutes(),
    ...pricingRoutes(),
    ...catalogRoutes(deps.catalog),
    ...statementRoutes(deps.billing),
    ...adminRoutes(),
    ...smsLogRoutes(deps.notifier),
  ];
  const document = buildOpenApiDocument(routes, { version: deps.version });
  return { routes, document, api: createApiRouter(routes, deps), docs: docsRouter(document) };
}
