import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';

// The topic catalogue is written in three places for three readers — schemas/topics.json (the
// source the generator and the messaging platform read), the catalogue table in schemas/README.md
// (generated from it; `schemas:generate --check` keeps that in step) and the system table in the
// root README — and the truth is the code: what each service subscribes to and what it publishes.
// This test holds the three to the code and fails on any drift, naming the service and topic.
const root = join(__dirname, '..', '..');
const SERVICES = ['auction-ingest', 'catalog', 'ordering', 'billing', 'notifier'] as const;
type Service = (typeof SERVICES)[number];

const catalogue = JSON.parse(readFileSync(join(root, 'schemas', 'topics.json'), 'utf8')) as Record<string, { consumers: string[] }>;

/** Topic → owner, from the schema files' folders (schemas/<owner>/<topic>.avsc). */
const owners = new Map<string, string>(
  readdirSync(join(root, 'schemas'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && (SERVICES as readonly string[]).includes(d.name))
    .flatMap((d) => readdirSync(join(root, 'schemas', d.name)).filter((f) => f.endsWith('.avsc')).map((f) => [f.replace(/\.avsc$/, ''), d.name] as [string, string])),
);

/**
 * What a service subscribes to, from its subscriptions table as the service builds it
 * (src/entry-points/messaging/subscriptions.ts: an array, or a function of the handlers' dependencies).
 */
async function subscribedTopics(service: Service): Promise<string[]> {
  const file = join(root, 'services', service, 'src', 'entry-points', 'messaging', 'subscriptions.ts');
  if (!existsSync(file)) return []; // a service that only publishes (auction-ingest)
  const module = (await import(file)) as { subscriptions?: unknown };
  const deps = new Proxy({}, { get: () => async () => undefined });
  const table = typeof module.subscriptions === 'function' ? (module.subscriptions as (d: unknown) => unknown)(deps) : module.subscriptions;
  if (!Array.isArray(table)) throw new Error(`services/${service}: subscriptions.ts exports no subscriptions table`);
  return (table as Array<{ topic: string }>).map((s) => s.topic).sort();
}

/** What a service publishes: the `publishes` list it hands the runtime in src/service.ts. */
function publishedTopics(service: Service): string[] {
  const text = readFileSync(join(root, 'services', service, 'src', 'service.ts'), 'utf8');
  const list = /publishes:\s*\[([^\]]*)\]/.exec(text);
  if (!list) throw new Error(`services/${service}/src/service.ts names no publishes list`);
  return [...(list[1] as string).matchAll(/'([a-z.]+)'/g)].map((m) => m[1] as string).sort();
}

/** The root README's system table: service → the topics in its publishes and consumes cells. */
function readmeTable(): Map<string, { publishes: string[]; consumes: string[] }> {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const rows = new Map<string, { publishes: string[]; consumes: string[] }>();
  for (const line of readme.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const name = /^\[([a-z-]+)\]/.exec(cells[1] ?? '')?.[1];
    if (!name || !(SERVICES as readonly string[]).includes(name)) continue;
    const topics = (cell: string) => [...cell.matchAll(/`([a-z.*]+)`/g)].map((m) => m[1] as string).sort();
    rows.set(name, { publishes: topics(cells[3] ?? ''), consumes: topics(cells[4] ?? '') });
  }
  return rows;
}

describe('the topic catalogue', () => {
  it('When a service subscribes to a topic in code, then schemas/topics.json lists it as a consumer, and lists no consumer that does not subscribe', async () => {
    for (const service of SERVICES) {
      const inCode = await subscribedTopics(service);
      const inCatalogue = Object.entries(catalogue)
        .filter(([, meta]) => meta.consumers.includes(service))
        .map(([topic]) => topic)
        .sort();
      expect({ service, consumes: inCatalogue }).toEqual({ service, consumes: inCode });
    }
    const known = new Set<string>(SERVICES);
    for (const [topic, meta] of Object.entries(catalogue)) expect({ topic, unknownConsumers: meta.consumers.filter((c) => !known.has(c)) }).toEqual({ topic, unknownConsumers: [] });
  });

  it('When a service publishes a topic, then its schema lives in that service’s folder (the catalogue’s owner column)', () => {
    for (const service of SERVICES) {
      const owned = [...owners].filter(([, owner]) => owner === service).map(([topic]) => topic).sort();
      expect({ service, publishes: publishedTopics(service) }).toEqual({ service, publishes: owned });
    }
  });

  it('When the root README’s system table names topics, then they are exactly what each service publishes and consumes', async () => {
    const table = readmeTable();
    expect([...table.keys()].sort()).toEqual([...SERVICES].sort());
    for (const service of SERVICES) {
      expect({ service, ...table.get(service) }).toEqual({ service, publishes: publishedTopics(service), consumes: await subscribedTopics(service) });
    }
  });

  it('When the catalogue lists topics, then every one has a schema file and every schema file is in the catalogue', () => {
    expect(Object.keys(catalogue).sort()).toEqual([...owners.keys()].sort());
  });
});
