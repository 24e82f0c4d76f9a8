import { describe, expect, it } from '@jest/globals';
import { stackEnv, uniqueName } from '@marketbill/testing';

// The registry as the stack runs it (tools/stack/registry.ts): its global compatibility level is
// BACKWARD, so a subject that our messaging client never touched — made by curl, another tool or a
// new service — is protected from its first version on, not only the subjects we configure one by one.
const registry = stackEnv().SCHEMA_REGISTRY_URL.replace(/\/+$/, '');
const headers = { 'content-type': 'application/vnd.schemaregistry.v1+json' };

const record = (fields: Array<{ name: string; type: unknown; default?: unknown }>) => JSON.stringify({ type: 'record', name: 'Probe', namespace: 'marketbill.test', fields });

async function post(subject: string, schema: string) {
  const response = await fetch(`${registry}/subjects/${encodeURIComponent(subject)}/versions`, { method: 'POST', headers, body: JSON.stringify({ schema }) });
  return { status: response.status, body: (await response.json()) as { id?: number; error_code?: number; message?: string } };
}

async function removeSubject(subject: string) {
  await fetch(`${registry}/subjects/${encodeURIComponent(subject)}`, { method: 'DELETE' });
  await fetch(`${registry}/subjects/${encodeURIComponent(subject)}?permanent=true`, { method: 'DELETE' });
}

describe('the stack’s schema registry', () => {
  it('When the global configuration is read, then its compatibility level is BACKWARD', async () => {
    const config = (await (await fetch(`${registry}/config`)).json()) as { compatibilityLevel: string };
    expect(config.compatibilityLevel).toBe('BACKWARD');
  });

  it('When a brand-new subject is made with a plain POST (no subject-level rule), then an incompatible second version is refused with 409', async () => {
    const subject = `${uniqueName('compat')}.probe-value`;
    try {
      const first = await post(subject, record([{ name: 'phone', type: 'string' }]));
      expect(first.status).toBe(200);

      // Retyping a field and adding a required one without a default: a reader of the new schema cannot read old messages.
      const incompatible = await post(subject, record([{ name: 'phone', type: 'long' }, { name: 'name', type: 'string' }]));
      expect(incompatible.status).toBe(409);
      expect(incompatible.body.error_code).toBe(409);

      // A compatible change (a new field with a default) still goes through.
      const compatible = await post(subject, record([{ name: 'phone', type: 'string' }, { name: 'name', type: 'string', default: '' }]));
      expect(compatible.status).toBe(200);
      expect(compatible.body.id).not.toBe(first.body.id);
    } finally {
      await removeSubject(subject);
    }
  });
});
