import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { TOPICS } from '@marketbill/schemas';

// docs/service-shape.md says where a service keeps what, the same way for every service. This test
// holds the layout to it where a file listing can tell: the folders of src/ and entry-points/, one
// on-<topic>.ts per subscribed topic beside the subscriptions table, repositories as free functions,
// test helpers in src/testing, and the topics handed to messaging from src/topics.ts. (What each
// layer may import is ESLint's part: eslint.config.js.)
const root = join(__dirname, '..', '..');
const SERVICES = ['auction-ingest', 'catalog', 'ordering', 'billing', 'notifier'] as const;
const SRC_FOLDERS = ['clients', 'data-access', 'domain', 'entry-points', 'testing', 'use-cases'];
const ENTRY_POINT_KINDS = ['cli', 'http', 'messaging', 'schedule'];

const folders = (dir: string) => readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(join(dir, d.name)) : [join(dir, d.name)]));

/** The topics of a service's subscriptions table (a constant, or a function of its handlers' dependencies). */
async function subscribedTopics(file: string): Promise<string[]> {
  const module = (await import(file)) as { subscriptions?: unknown };
  const deps = new Proxy({}, { get: () => async () => undefined });
  const table = typeof module.subscriptions === 'function' ? (module.subscriptions as (d: unknown) => unknown)(deps) : module.subscriptions;
  if (!Array.isArray(table)) throw new Error(`${file} exports no subscriptions table`);
  return (table as Array<{ topic: string }>).map((s) => s.topic);
}

describe.each(SERVICES)('services/%s', (service) => {
  const src = join(root, 'services', service, 'src');

  it('When its src/ and entry-points/ are listed, then every folder is one of the shape’s', () => {
    expect(folders(src).filter((f) => !SRC_FOLDERS.includes(f))).toEqual([]);
    const entryPoints = join(src, 'entry-points');
    expect(existsSync(entryPoints) ? folders(entryPoints).filter((f) => !ENTRY_POINT_KINDS.includes(f)) : []).toEqual([]);
  });

  it('When it consumes topics, then each has its on-<topic>.ts beside the subscriptions table, and nothing else handles events there', async () => {
    const messaging = join(src, 'entry-points', 'messaging');
    if (!existsSync(messaging)) return; // a service that only publishes (auction-ingest)
    const topics = await subscribedTopics(join(messaging, 'subscriptions.ts'));
    const expected = topics.map((t) => `on-${t.replace(/\./g, '-')}.ts`).sort();
    const handlerFiles = readdirSync(messaging)
      .filter((f) => f.startsWith('on-') && !f.endsWith('.test.ts'))
      .sort();
    expect(handlerFiles).toEqual(expected);
    // Beside them only the table, shared mappers (from-*.ts), the handlers' dependencies and tests.
    const others = readdirSync(messaging).filter((f) => !f.startsWith('on-') && !/^(subscriptions|handler-deps|from-[a-z-]+)\.ts$/.test(f) && !f.endsWith('.test.ts'));
    expect(others).toEqual([]);
  });

  it('When it speaks to Kafka, then its topics reach messaging from src/topics.ts alone: the published catalogue, bound once and handed to the runtime', async () => {
    const module = (await import(join(src, 'topics.ts'))) as { topics?: { catalog?: unknown } };
    expect(module.topics?.catalog).toBe(TOPICS);
    expect(readFileSync(join(src, 'service.ts'), 'utf8')).toMatch(/createRuntime(<[^>]*>)?\(\{[^}]*\btopics\b/);
    const binders = files(src)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.includes('/testing/'))
      .filter((f) => /\bbindTopics\b/.test(readFileSync(f, 'utf8')))
      .map((f) => f.slice(src.length + 1));
    expect(binders).toEqual(['topics.ts']);
  });

  it('When its repositories are read, then they are free functions, not factories', () => {
    const factories = files(join(src, 'data-access'))
      .filter((f) => f.endsWith('-repository.ts'))
      .flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/export (?:async )?function (create\w*)\(/g)].map((m) => `${f.slice(src.length + 1)}: ${m[1]}`));
    expect(factories).toEqual([]);
  });
});

it('When services and packages keep test helpers, then the folder is called testing, never test-support', () => {
  const roots = [...SERVICES.map((s) => join(root, 'services', s, 'src')), ...folders(join(root, 'packages')).map((p) => join(root, 'packages', p, 'src'))];
  const misnamed = roots.filter(existsSync).flatMap((r) =>
    files(r)
      .map((f) => f.slice(root.length + 1))
      .filter((f) => /(^|\/)test-support\//.test(f)),
  );
  expect(misnamed).toEqual([]);
});
