// `npm test` static check: the REST edge's OpenAPI document — built from the compiled route
// declarations exactly as the edge serves it at /openapi.json — is valid OpenAPI 3.1 by an
// independent validator (@seriousme/openapi-schema-validator: the official OpenAPI 3.1 JSON Schema
// with its 2020-12 dialect, not our own reading of the spec). Our own rules for the document
// (descriptions, declared tags, examples, links) are in src/entry-points/http/openapi.test.ts.
// Runs after `tsc -b` (it reads dist/); ESM because the validator is published as ESM only.
import { createRequire } from 'node:module';
import { Validator } from '@seriousme/openapi-schema-validator';
import type * as PublicApi from '../src/entry-points/http/public-api.ts';

const require = createRequire(import.meta.url);
const { createPublicApi } = require('../dist/entry-points/http/public-api.js') as typeof PublicApi;

const unused = {} as never;
const { document } = createPublicApi({ orm: unused, settings: unused, logger: unused, catalog: unused, billing: unused, notifier: unused, version: 'check' });
const validator = new Validator();
const result = await validator.validate(structuredClone(document));
if (!result.valid || validator.version !== '3.1') {
  console.error(`openapi: the edge's document is not valid OpenAPI 3.1 (validator read version ${validator.version}):\n${JSON.stringify(result.errors, null, 2)}`);
  process.exit(1);
}
const operations = Object.values(document.paths as Record<string, object>).reduce((n, item) => n + Object.keys(item).length, 0);
console.log(`openapi: valid OpenAPI ${validator.version} (${operations} operations, ${Object.keys((document.components as { schemas: object }).schemas).length} schemas)`);
