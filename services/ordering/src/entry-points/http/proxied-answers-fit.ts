import type { z } from 'zod';
import type { BillingApi, CatalogApi, NotifierApi } from '@marketbill/schemas';
import type { CatalogItem, CatalogItemPage, PriceHistory, VarietyDetail, VarietyPage, VarietySummary } from './catalog-schemas';
import type { SmsDeliveryDetail, SmsDeliveryPage } from './sms-log-schemas';
import type { Ledger, Payment, StatementDetail, StatementDownload, StatementPage } from './statement-schemas';

// What the proxied services answer fits what the edge documents. The edge passes billing's,
// catalog's and the notifier's answers through; its public schemas (catalog-, statement- and
// sms-log-schemas.ts) are what clients were promised. Each pair below compiles only while every answer the owner's
// contract allows (its generated types) is a valid value of the edge's schema, so a change in an
// owner's contract that the edge would pass on unannounced fails the build.
type Fits<Inner extends Edge, Edge> = Inner;
export type ProxiedAnswersFit = [
  Fits<BillingApi.StatementPage, z.output<typeof StatementPage>>,
  Fits<BillingApi.StatementDetail, z.output<typeof StatementDetail>>,
  Fits<BillingApi.StatementDownload, z.output<typeof StatementDownload>>,
  Fits<BillingApi.Ledger, z.output<typeof Ledger>>,
  Fits<BillingApi.Payment, z.output<typeof Payment>>,
  Fits<CatalogApi.CatalogItemPage, z.output<typeof CatalogItemPage>>,
  Fits<CatalogApi.CatalogItem, z.output<typeof CatalogItem>>,
  Fits<CatalogApi.VarietyPage, z.output<typeof VarietyPage>>,
  Fits<CatalogApi.VarietySummary, z.output<typeof VarietySummary>>,
  Fits<CatalogApi.VarietyDetail, z.output<typeof VarietyDetail>>,
  Fits<CatalogApi.PriceHistory, z.output<typeof PriceHistory>>,
  Fits<NotifierApi.SmsDeliveryPage, z.output<typeof SmsDeliveryPage>>,
  Fits<NotifierApi.SmsDeliveryDetail, z.output<typeof SmsDeliveryDetail>>,
];
