import { createRequire } from 'node:module';
import type * as KafkajsRegistry from '@kafkajs/confluent-schema-registry';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { AppError, UnavailableError, type RegistryConnection } from '@marketbill/platform';
import { createRegistryHttp } from './registry-http';

export const COMPATIBILITY = 'BACKWARD';

/** The registry refused a schema: it is not compatible with what the subject already holds. */
export class SchemaIncompatibleError extends AppError {
  static forSubject(subject: string, detail: string): SchemaIncompatibleError {
    return new SchemaIncompatibleError({
      code: 'schema-incompatible',
      message: `The registry refused the schema for ${subject}: ${detail}`,
      retriable: false,
    });
  }
}

/** The registry answered that it holds no schema with this id: the message that names it is poison. */
export class SchemaNotFoundError extends AppError {
  static byId(id: number): SchemaNotFoundError {
    return new SchemaNotFoundError({ code: 'unknown-schema-id', message: `The schema registry holds no schema with id ${id}.`, retriable: false });
  }
}

/** The registry refused our credentials (401) or their rights (403): a configuration problem, not an outage. */
export class RegistryAccessDeniedError extends AppError {
  static forRequest(method: string, path: string, status: number): RegistryAccessDeniedError {
    return new RegistryAccessDeniedError({
      code: 'schema-registry-access-denied',
      message: `The schema registry answered ${status} to ${method} ${path}: check SCHEMA_REGISTRY_USERNAME/PASSWORD and the user's role`,
      retriable: false,
    });
  }
}

export interface RegistryClient {
  /**
   * The kafkajs client, made on first use. Not used to read schemas: its HTTP layer (mappersmith)
   * reports network errors and time-outs as HTTP 400, indistinguishable from a real 4xx (see
   * docs/messaging.md). The package loads its JSON-schema (ajv) and Protobuf (protobufjs) support
   * with its index, ≈ 150 modules and 9 MB of RSS in a bare process, so a service that never asks
   * for the client never loads it.
   */
  readonly client: SchemaRegistry;
  /**
   * The text of the schema with this id. Throws {@link SchemaNotFoundError} when the registry
   * answers 404, `UnavailableError` (`schema-registry-unavailable`) when it does not answer, times
   * out or answers 5xx/429, and {@link RegistryAccessDeniedError} on 401/403. Only the 404 is about
   * the message; the codec treats the rest as the infrastructure's fault.
   */
  schemaById(id: number): Promise<string>;
  /** Every registered version of a subject with its id; empty when the subject does not exist yet. */
  subjectSchemas(subject: string): Promise<Array<{ id: number; version: number; schema: string }>>;
  /**
   * Registers `schema` under `subject` with BACKWARD compatibility and returns its id. Idempotent:
   * an identical schema returns the existing id. Throws {@link SchemaIncompatibleError} when the
   * registry refuses the change.
   */
  register(subject: string, schema: string): Promise<number>;
  /** Asks whether `schema` could be registered under `subject` now, without registering it. */
  isCompatible(subject: string, schema: string): Promise<{ compatible: boolean; messages: string[] }>;
  /** Deletes a subject (tests and the compatibility check clean up with it). */
  deleteSubject(subject: string): Promise<void>;
  /**
   * Resolves when the registry answers `GET /subjects` with 200 (what the start-up wait polls).
   * Throws UnavailableError (retriable) while it is unreachable or failing; a non-retriable
   * AppError when waiting cannot help (401/403, or no Confluent API at that URL).
   */
  ping(): Promise<void>;
}

/**
 * Talks to a Confluent-compatible registry (Apicurio's ccompat API here).
 *
 * Registration does not use the kafkajs client's `register()`: before registering it reads
 * `GET /config/{subject}` and throws when the level differs from the one asked for, and Apicurio
 * answers 200 with `NONE` for a subject without its own rule where Confluent answers 404
 * (see docs/local-stack.md). So we set the subject's level ourselves, in one code path, and
 * register through the plain REST API; ids are the ones `GET /schemas/ids/{id}` serves, so the
 * client's encode/decode agree with them.
 */
export function createRegistryClient(connection: string | RegistryConnection, options: { timeoutMs?: number } = {}): RegistryClient {
  // Basic auth (variables or user-info in the URL) and the CA of an https registry: registry-http.ts.
  const registryHttp = createRegistryHttp(connection);
  const timeoutMs = options.timeoutMs ?? 5_000;
  let client: SchemaRegistry | undefined;
  const configured = new Set<string>();

  async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    let response: { status: number; text: string };
    try {
      response = await registryHttp.request(method, path, body, timeoutMs);
    } catch (error) {
      throw UnavailableError.dependency('schema-registry', error);
    }
    const { text } = response;
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    if (response.status >= 500 || response.status === 429) {
      throw UnavailableError.dependency('schema-registry', new Error(`${method} ${path} → ${response.status}: ${text}`));
    }
    if (response.status === 401 || response.status === 403) throw RegistryAccessDeniedError.forRequest(method, path, response.status);
    return { status: response.status, json };
  }

  async function setCompatibility(subject: string): Promise<boolean> {
    const { status } = await call('PUT', `/config/${encodeURIComponent(subject)}`, { compatibility: COMPATIBILITY });
    return status === 200;
  }

  function describe(json: unknown): string {
    if (json && typeof json === 'object' && 'message' in json) return String((json as { message: unknown }).message);
    return JSON.stringify(json);
  }

  function unavailable(method: string, path: string, status: number, json: unknown): UnavailableError {
    return UnavailableError.dependency('schema-registry', new Error(`${method} ${path} → ${status}: ${describe(json)}`));
  }

  return {
    get client() {
      if (!client) {
        const kafkajsRegistry = createRequire(__filename)('@kafkajs/confluent-schema-registry') as typeof KafkajsRegistry;
        client = new kafkajsRegistry.SchemaRegistry(registryHttp.client, { [kafkajsRegistry.SchemaType.AVRO]: {} });
      }
      return client;
    },
    async schemaById(id) {
      const path = `/schemas/ids/${id}`;
      const { status, json } = await call('GET', path);
      if (status === 404) throw SchemaNotFoundError.byId(id);
      if (status !== 200 || typeof (json as { schema?: unknown })?.schema !== 'string') throw unavailable('GET', path, status, json);
      return (json as { schema: string }).schema;
    },
    async subjectSchemas(subject) {
      const base = `/subjects/${encodeURIComponent(subject)}/versions`;
      const listed = await call('GET', base);
      if (listed.status === 404) return [];
      if (listed.status !== 200 || !Array.isArray(listed.json)) throw unavailable('GET', base, listed.status, listed.json);
      const versions = listed.json as number[];
      return Promise.all(
        versions.map(async (version) => {
          const { status, json } = await call('GET', `${base}/${version}`);
          const body = json as { id?: unknown; schema?: unknown };
          if (status !== 200 || typeof body?.id !== 'number' || typeof body.schema !== 'string') throw unavailable('GET', `${base}/${version}`, status, json);
          return { id: body.id, version, schema: body.schema };
        }),
      );
    },
    async register(subject, schema) {
      // The rule must be in place before a second version is registered, or the registry would
      // accept anything. Where the registry refuses a rule on a subject that does not exist yet,
      // it is set right after the first version instead.
      let ruleSet = configured.has(subject) || (await setCompatibility(subject));
      const { status, json } = await call('POST', `/subjects/${encodeURIComponent(subject)}/versions`, { schema });
      if (status === 409 || status === 422) throw SchemaIncompatibleError.forSubject(subject, describe(json));
      if (status !== 200) throw new Error(`registering ${subject} failed with ${status}: ${describe(json)}`);
      if (!ruleSet) ruleSet = await setCompatibility(subject);
      if (!ruleSet) throw new Error(`could not set ${COMPATIBILITY} compatibility on ${subject}`);
      configured.add(subject);
      return (json as { id: number }).id;
    },
    async isCompatible(subject, schema) {
      const { status, json } = await call('POST', `/compatibility/subjects/${encodeURIComponent(subject)}/versions/latest?verbose=true`, { schema });
      if (status === 404) return { compatible: true, messages: [] }; // nothing to be compatible with
      if (status !== 200) return { compatible: false, messages: [describe(json)] };
      const result = json as { is_compatible?: boolean; messages?: string[] };
      return { compatible: result.is_compatible === true, messages: result.messages ?? [] };
    },
    async ping() {
      const { status, json } = await call('GET', '/subjects');
      if (status === 200) return;
      // Any other answer below 500 (404: no Confluent API at that path) will not change by waiting
      // — on the same connection. The next try asks on a new one: the one kept alive may lead
      // somewhere else than the registry (a cluster's Service address taken before kube-proxy
      // translated it went out of the node, and a 404 from outside came back on every retry).
      registryHttp.dropConnections();
      throw new AppError({
        code: 'schema-registry-misconfigured',
        message: `GET ${registryHttp.base}/subjects answered ${status} (${describe(json)}): is SCHEMA_REGISTRY_URL the Confluent-compatible base (Apicurio: …/apis/ccompat/v7)?`,
        retriable: false,
      });
    },
    async deleteSubject(subject) {
      await call('DELETE', `/subjects/${encodeURIComponent(subject)}`);
      await call('DELETE', `/subjects/${encodeURIComponent(subject)}?permanent=true`);
      configured.delete(subject);
    },
  };
}
