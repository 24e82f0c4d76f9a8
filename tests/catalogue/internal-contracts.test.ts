import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';

// The internal HTTP APIs are declared once, by their owners (route declarations → zod → OpenAPI),
// and committed as schemas/<owner>/internal-api.openapi.json for the callers' generated types.
// `npm test` checks the committed documents against the compiled code (schemas/tools/internal-apis.mts
// --check); this test holds them to the source as well, and checks the one rule they share with the
// public edge: every list counts its pages from 0.
const root = join(__dirname, '..', '..');

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- walking JSON documents

/** Each owner and the module that builds its document (the same modules schemas/tools/internal-apis.mts reads compiled). */
const OWNERS = {
  billing: 'services/billing/src/entry-points/http/internal-router.ts',
  catalog: 'services/catalog/src/entry-points/http/catalog-router.ts',
  notifier: 'services/notifier/src/entry-points/http/deliveries-router.ts',
};
async function built(owner: keyof typeof OWNERS): Promise<Json> {
  const module = (await import(join(root, OWNERS[owner]))) as { internalApiDocument(): Json };
  return module.internalApiDocument();
}

const committed = (owner: string): Json => JSON.parse(readFileSync(join(root, 'schemas', owner, 'internal-api.openapi.json'), 'utf8')) as Json;

async function edgeDocument(): Promise<Json> {
  const { createPublicApi } = (await import(join(root, 'services/ordering/src/entry-points/http/public-api.ts'))) as { createPublicApi(deps: unknown): { document: Json } };
  const unused = {} as never;
  return createPublicApi({ orm: unused, settings: unused, logger: unused, owner: () => 0, authenticate: unused, catalog: unused, billing: unused, notifier: unused, version: 'test' }).document;
}

/** Every operation with a `page` query parameter: where it is and how its page is described. */
function pageParameters(document: Json): Array<{ operation: string; minimum: unknown; description: unknown }> {
  return Object.values(document.paths as Json).flatMap((item) =>
    Object.values(item as Json).flatMap((op) =>
      ((op as Json).parameters as Json[])
        .filter((p) => p.in === 'query' && p.name === 'page')
        .map((p) => ({ operation: (op as Json).operationId as string, minimum: p.schema.minimum, description: p.description })),
    ),
  );
}

describe('internal API contracts', () => {
  it.each(Object.keys(OWNERS))('When %s’s route declarations are built, then they are exactly the committed schemas/<owner>/internal-api.openapi.json', async (owner) => {
    expect(JSON.parse(JSON.stringify(await built(owner as keyof typeof OWNERS)))).toEqual(committed(owner));
  });

  it('When any list is asked for, at the edge or inside, then its first page is page 0 (one page base everywhere)', async () => {
    const lists = [...pageParameters(await edgeDocument()).map((p) => ({ api: 'edge', ...p })), ...Object.keys(OWNERS).flatMap((owner) => pageParameters(committed(owner)).map((p) => ({ api: owner, ...p })))];
    // The lists that the edge passes through to billing, catalog and the notifier are among them.
    expect(lists.map((l) => `${l.api}.${l.operation}`)).toEqual(
      expect.arrayContaining(['edge.listStatements', 'edge.listSmsDeliveries', 'billing.listStatements', 'notifier.listDeliveries', 'catalog.listItems', 'catalog.searchVarieties']),
    );
    for (const list of lists) {
      expect({ list: `${list.api}.${list.operation}`, minimum: list.minimum, description: list.description }).toEqual({ list: `${list.api}.${list.operation}`, minimum: 0, description: '0-based page number.' });
    }
  });
});
