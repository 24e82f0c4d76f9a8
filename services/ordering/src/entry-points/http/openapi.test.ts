import { describe, expect, it } from '@jest/globals';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { BillingClient } from '../../clients/billing-client';
import type { CatalogClient } from '../../clients/catalog-client';
import type { NotifierClient } from '../../clients/notifier-client';
import { buildOpenApiDocument, TAGS } from './openapi';
import { createPublicApi } from './public-api';
import type { RouteSpec } from './route';

// The contract's own rules, on the document the edge serves (built here from the same route
// declarations, no I/O). tools/check-openapi.ts validates the document against the OpenAPI 3.1
// schema with an independent validator, and tests/system/browser.int.test.ts checks that Swagger
// UI renders it without a warning.
const { routes, document } = createPublicApi({
  orm: {} as never,
  settings: {} as never,
  logger: {} as never,
  catalog: {} as CatalogClient,
  billing: {} as BillingClient,
  notifier: {} as NotifierClient,
  version: 'test',
});

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- walking a JSON document
const doc = document as Json;
const operations = Object.entries(doc.paths as Json).flatMap(([path, item]) => Object.entries(item as Json).map(([method, op]) => ({ path, method, op: op as Json })));
const byId = new Map(operations.map((o) => [o.op.operationId as string, o]));

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(doc, 'api.json');
const bodySchema = (route: RouteSpec) => {
  const ref = (byId.get(route.operationId)?.op.requestBody.content['application/json'].schema.$ref as string) ?? '';
  return ajv.getSchema(`api.json${ref}`) ?? ajv.compile({ $ref: `api.json${ref}` });
};

describe('the OpenAPI document', () => {
  it('When every operation is listed, then each has a unique operationId, a summary and a description', () => {
    expect(new Set(operations.map((o) => o.op.operationId)).size).toBe(operations.length);
    for (const { op } of operations) {
      expect(op.summary).toEqual(expect.any(String));
      expect((op.description as string).length).toBeGreaterThan(30);
    }
  });

  it('When operations name tags, then every tag is declared with a description, and every declared tag is used', () => {
    const used = new Set(operations.flatMap((o) => o.op.tags as string[]));
    const declared = new Set((doc.tags as Array<{ name: string; description: string }>).map((t) => t.name));
    expect([...used].filter((t) => !declared.has(t))).toEqual([]);
    expect([...declared].filter((t) => !used.has(t))).toEqual([]);
    for (const tag of TAGS) expect(tag.description.length).toBeGreaterThan(10);
  });

  it('When an operation takes a body, then it has examples, and every example passes both the route’s zod schema and the published JSON Schema', () => {
    for (const route of routes.filter((r) => r.body)) {
      const examples = Object.entries(route.examples ?? {});
      expect({ operation: route.operationId, hasExamples: examples.length > 0 }).toEqual({ operation: route.operationId, hasExamples: true });
      const check = bodySchema(route);
      for (const [name, example] of examples) {
        const parsed = route.body?.safeParse(example.value);
        expect({ operation: route.operationId, name, zod: parsed?.success ? 'ok' : parsed?.error.message }).toEqual({ operation: route.operationId, name, zod: 'ok' });
        expect({ operation: route.operationId, name, jsonSchema: check(example.value) ? 'ok' : ajv.errorsText(check.errors) }).toEqual({ operation: route.operationId, name, jsonSchema: 'ok' });
      }
    }
  });

  it('When an operation creates something (201), then its answer documents Location and links to the operations that read it', () => {
    const creates = operations.filter((o) => o.op.responses['201'] && !['createStaffInvitation', 'recordPayment', 'addCustomLine'].includes(o.op.operationId));
    expect(creates.length).toBeGreaterThanOrEqual(5);
    for (const { op } of creates) {
      const created = op.responses['201'];
      expect({ op: op.operationId, location: created.headers?.Location?.$ref }).toEqual({ op: op.operationId, location: '#/components/headers/Location' });
      expect(Object.keys(created.links ?? {}).length).toBeGreaterThan(0);
    }
    expect(Object.values(byId.get('placeOrder')?.op.responses['201'].links).map((l) => (l as Json).operationId)).toContain('getOrder');
    expect(Object.values(byId.get('applyForConnection')?.op.responses['201'].links).map((l) => (l as Json).operationId)).toContain('getConnection');
    expect(Object.values(byId.get('issueStatement')?.op.responses['201'].links).map((l) => (l as Json).operationId)).toEqual(expect.arrayContaining(['getStatement', 'downloadStatement']));
  });

  it('When a link names an operation and parameters, then the operation exists, takes those parameters, and gets every path parameter it needs', () => {
    for (const { op } of operations) {
      for (const response of Object.values(op.responses as Json)) {
        for (const [name, link] of Object.entries((response as Json).links ?? {})) {
          const target = byId.get((link as Json).operationId);
          expect({ from: op.operationId, link: name, exists: Boolean(target) }).toEqual({ from: op.operationId, link: name, exists: true });
          const parameters = (target?.op.parameters ?? []) as Json[];
          const given = Object.keys((link as Json).parameters ?? {});
          expect({ link: name, unknown: given.filter((g) => !parameters.some((p) => p.name === g)) }).toEqual({ link: name, unknown: [] });
          const pathParameters = parameters.filter((p) => p.in === 'path').map((p) => p.name as string);
          expect({ link: name, missing: pathParameters.filter((p) => !given.includes(p)) }).toEqual({ link: name, missing: [] });
        }
      }
    }
  });

  it('When a rule spans fields, then the JSON Schema states it: a delivery needs an address, staff need an invitation code, 배송비 is not a custom line', () => {
    const validate = (schema: string, value: unknown) => (ajv.getSchema(`api.json#/components/schemas/${schema}`) as (v: unknown) => boolean)(value);
    expect(validate('CartUpdate', { fulfilment: { method: 'DELIVERY' } })).toBe(false);
    expect(validate('CartUpdate', { fulfilment: { method: 'DELIVERY', address: '   ' } })).toBe(false);
    expect(validate('CartUpdate', { fulfilment: { method: 'DELIVERY', address: null } })).toBe(false);
    expect(validate('CartUpdate', { fulfilment: { method: 'DELIVERY', address: '서울 강남구 도산대로 12' } })).toBe(true);
    expect(validate('CartUpdate', { fulfilment: { method: 'PICKUP' } })).toBe(true);
    expect(validate('FulfilmentInput', { method: 'DELIVERY', address: '  ' })).toBe(false);
    expect(validate('FulfilmentInput', { method: 'DELIVERY' })).toBe(true); // the order may hold an address already
    const staff = { verificationId: '8e9f0a1b-2c3d-4e5f-8a7b-9c0d1e2f3a4b', code: '123456', phone: '010-5555-1234', name: '김직원', password: 'dawn-market-7', role: 'WHOLESALER_STAFF' };
    expect(validate('SignUpRequest', staff)).toBe(false);
    expect(validate('SignUpRequest', { ...staff, invitationCode: '' })).toBe(false);
    expect(validate('SignUpRequest', { ...staff, invitationCode: 'K7Q2-M9XD' })).toBe(true);
    expect(validate('SignUpRequest', { ...staff, role: 'RETAILER' })).toBe(true);
    expect(validate('CustomLineInput', { itemName: ' 배송비 ', quantity: 1 })).toBe(false);
    expect(validate('CustomLineInput', { itemName: '배송비 (퀵)', quantity: 1 })).toBe(true);
  });

  it('When a rule cannot be a schema keyword, then the operation or parameter description states it', () => {
    const text = (id: string) => JSON.stringify(byId.get(id)?.op);
    expect(text('signUp')).toMatch(/must not contain the phone number/);
    expect(text('resetPassword')).toMatch(/must not contain the phone number/);
    expect(text('changePassword')).toMatch(/must not contain the phone number/);
    expect(text('searchVarieties')).toMatch(/`buyableFrom` must not be after `buyableTo`/);
    expect(text('getPriceHistory')).toMatch(/at most 366 days/);
    expect(text('updateCart')).toMatch(/DELIVERY needs a non-blank address/);
    expect(text('updateFulfilment')).toMatch(/DELIVERY needs a non-blank address/);
    expect(text('setLinePrices')).toMatch(/Each line at most once/);
    expect(text('issueStatement')).toMatch(/orders-of-several-retailers/);
    expect(text('getLedger')).toMatch(/retailerId/);
    expect(text('updateBusinessProfile')).toMatch(/check digit/);
  });

  it('When a route forwards or keeps an Idempotency-Key, then the header is documented with the limit its keeper enforces', () => {
    const key = (id: string) => (byId.get(id)?.op.parameters as Json[]).find((p) => p.name === 'Idempotency-Key')?.schema;
    expect(key('placeOrder')?.maxLength).toBe(255);
    for (const id of ['issueStatement', 'reissueStatement', 'recordPayment']) expect(key(id)?.maxLength).toBe(200);
  });

  it('When the document is built twice, then it is the same (the served contract is deterministic)', () => {
    expect(JSON.stringify(buildOpenApiDocument(routes, { version: 'test' }))).toBe(JSON.stringify(doc));
  });
});
