import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
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
  /** The kafkajs client, for encode/decode (it caches schemas by id). */
  client: SchemaRegistry;
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
  const client = new SchemaRegistry(registryHttp.client, { [SchemaType.AVRO]: {} });
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
    if (response.status >= 500) {
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

  return {
    client,
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
      // Any other answer below 500 (404: no Confluent API at that path) will not change by waiting.
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
