// Checks of the rendered deployment that a schema cannot make: each one is a defect a first deploy
// would have hit (issue 10) and that shows in the rendered manifests already. Pure functions over
// the parsed objects; tools/validate-deploy.ts feeds them, deploy-checks.test.ts proves each one
// fires on the defect it is for. What only a running cluster shows is checked by `npm run cluster`.

/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects, walked generically */
export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; spec?: any; data?: Record<string, string> };

type Container = { name: string; image: string; resources?: any; securityContext?: any; volumeMounts?: { name: string; mountPath: string }[]; envFrom?: any[]; env?: any[]; command?: string[] };

function podSpec(o: K8sObject): any | undefined {
  if (['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(o.kind)) return o.spec?.template?.spec;
  if (o.kind === 'CronJob') return o.spec?.jobTemplate?.spec?.template?.spec;
  return undefined;
}

function containersOf(o: K8sObject): Container[] {
  const spec = podSpec(o);
  return spec ? [...(spec.initContainers ?? []), ...(spec.containers ?? [])] : [];
}

function workloads(objects: K8sObject[]): K8sObject[] {
  return objects.filter((o) => podSpec(o) !== undefined);
}

export function imagesOfObjects(objects: K8sObject[]): string[] {
  return [...new Set(workloads(objects).flatMap((o) => containersOf(o).map((c) => c.image)))].sort();
}

/** repository and tag of an image reference (tag undefined when there is none). */
export function splitImage(image: string): { repository: string; tag: string | undefined } {
  const withoutDigest = image.split('@')[0]!;
  const colon = withoutDigest.lastIndexOf(':');
  if (colon < 0 || withoutDigest.slice(colon).includes('/')) return { repository: withoutDigest, tag: undefined };
  return { repository: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1) };
}

/** kustomize's generator suffix: a dash and ten characters of its hash alphabet. */
const generatedName = /-[bcdfghkmt2-9]{10}$/;

function millicores(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  return text.endsWith('m') ? Number(text.slice(0, -1)) : Number(text) * 1000;
}

/**
 * Every overlay: ConfigMaps the pods use are generated (hash-suffixed, so an edit rolls the pods);
 * an autoscaled Deployment carries no replica count; a CPU-utilisation target rests on a request
 * large enough to mean something; every image outside skaffold's artifacts is pinned.
 */
export function checkCommon(objects: K8sObject[], artifacts: string[]): string[] {
  const problems: string[] = [];
  const configMaps = new Set(objects.filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name));
  for (const w of workloads(objects)) {
    const spec = podSpec(w);
    const referenced = new Set<string>();
    for (const c of containersOf(w)) {
      for (const e of c.envFrom ?? []) if (e.configMapRef?.name) referenced.add(e.configMapRef.name);
      for (const e of c.env ?? []) if (e.valueFrom?.configMapKeyRef?.name) referenced.add(e.valueFrom.configMapKeyRef.name);
    }
    for (const v of spec.volumes ?? []) if (v.configMap?.name) referenced.add(v.configMap.name);
    for (const name of referenced) {
      if (!configMaps.has(name)) problems.push(`${w.kind}/${w.metadata.name} uses ConfigMap ${name}, which the overlay does not contain`);
      else if (!generatedName.test(name)) problems.push(`${w.kind}/${w.metadata.name} uses ConfigMap ${name}, which is not generated (configMapGenerator): editing it would not roll the pods`);
    }
    for (const c of containersOf(w) as (Container & Record<string, any>)[]) {
      for (const kind of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
        const probe = c[kind];
        if (probe?.exec && (probe.timeoutSeconds ?? 1) < 2) {
          problems.push(`${w.kind}/${w.metadata.name}: the ${kind} of ${c.name} runs a command with a ${probe.timeoutSeconds ?? 1} s timeout; through the container runtime on a busy node that flaps`);
        }
      }
      const { repository, tag } = splitImage(c.image);
      if (artifacts.includes(repository)) continue;
      if (!tag || tag === 'latest') problems.push(`${w.kind}/${w.metadata.name} runs ${c.image}: pin a version`);
    }
  }
  for (const d of objects.filter((o) => o.kind === 'Deployment' && o.spec?.strategy?.type === 'Recreate' && o.spec.strategy.rollingUpdate)) {
    problems.push(`Deployment/${d.metadata.name} is Recreate but has rollingUpdate settings: the API server refuses it`);
  }
  for (const hpa of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) {
    const target = objects.find((o) => o.kind === hpa.spec.scaleTargetRef.kind && o.metadata.name === hpa.spec.scaleTargetRef.name);
    if (!target) {
      problems.push(`HorizontalPodAutoscaler/${hpa.metadata.name} targets ${hpa.spec.scaleTargetRef.kind}/${hpa.spec.scaleTargetRef.name}, which is not rendered`);
      continue;
    }
    if (target.spec?.replicas !== undefined) {
      problems.push(`${target.kind}/${target.metadata.name} sets replicas: ${target.spec.replicas} while HorizontalPodAutoscaler/${hpa.metadata.name} owns its scale (every deploy would undo the autoscaler)`);
    }
    for (const m of hpa.spec.metrics ?? []) {
      if (m.type !== 'Resource' || m.resource?.name !== 'cpu' || m.resource.target?.type !== 'Utilization') continue;
      // Utilisation is measured against the requests of the pod's (long-running) containers.
      for (const c of (podSpec(target)?.containers ?? []) as Container[]) {
        const request = millicores(c.resources?.requests?.cpu);
        const point = request === undefined ? undefined : (request * m.resource.target.averageUtilization) / 100;
        if (point === undefined || point < 250) {
          problems.push(`HorizontalPodAutoscaler/${hpa.metadata.name} scales at ${m.resource.target.averageUtilization}% of ${c.name}'s CPU request ${c.resources?.requests?.cpu ?? '(none)'}: ${point ?? 0}m is no load for a Node.js process; use an AverageValue or a realistic request`);
        }
      }
    }
  }
  return problems;
}

/**
 * Production: the service images are exactly skaffold's artifact names (skaffold replaces those
 * with what it built and pushed; a renamed image deploys a placeholder), and the namespace denies
 * by default in both directions while still allowing DNS.
 */
export function checkProduction(objects: K8sObject[], artifacts: string[]): string[] {
  const problems: string[] = [];
  for (const image of imagesOfObjects(objects)) {
    if (!artifacts.includes(image)) problems.push(`production runs ${image}, which is not the name of a skaffold artifact (${artifacts.join(', ')}): skaffold would not put the image it built there`);
  }
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const selectsAll = (p: K8sObject) => Object.keys(p.spec?.podSelector ?? {}).length === 0;
  const denyAll = policies.find((p) => selectsAll(p) && (p.spec.policyTypes ?? []).includes('Ingress') && (p.spec.policyTypes ?? []).includes('Egress') && !p.spec.ingress && !p.spec.egress);
  if (!denyAll) problems.push('production has no default-deny NetworkPolicy for both ingress and egress (podSelector {}, policyTypes [Ingress, Egress], no rules)');
  const dns = policies.some((p) => selectsAll(p) && (p.spec.egress ?? []).some((e: any) => (e.ports ?? []).some((port: any) => port.port === 53)));
  if (denyAll && !dns) problems.push('production denies egress but allows no DNS (port 53) for every pod');
  for (const w of workloads(objects)) {
    const labels = podSpec(w) && w.spec.template.metadata?.labels;
    const allowed = policies.some(
      (p) => (p.spec.policyTypes ?? []).includes('Egress') && (p.spec.egress ?? []).length > 0 && !selectsAll(p) && Object.entries(p.spec.podSelector?.matchLabels ?? {}).every(([k, v]) => labels?.[k] === v),
    );
    if (denyAll && !allowed) problems.push(`${w.kind}/${w.metadata.name}: no egress NetworkPolicy selects its pods (labels ${JSON.stringify(labels)}), so it could reach nothing but DNS`);
  }
  return problems;
}

export type StackVersions = { kafka: string; apicurio: string; s3proxy: string; postgresMajor: string; jaeger: string };

/**
 * Where images with a read-only root must have something writable (what their own start writes — a
 * container that runs another command of the image, e.g. `pg_isready`, starts none of it).
 */
const writablePaths: Record<string, string[]> = {
  'apache/kafka': ['/opt/kafka/config', '/opt/kafka/logs'],
  postgres: ['/var/run/postgresql'],
};

/**
 * Apicurio 3.3 on SQL storage creates its tables once, at start; when Postgres does not answer then
 * it starts anyway, answers 500 from then on and only reports DOWN on /health/live (management
 * port 9000). Without a liveness probe there nothing restarts it.
 */
function apicurioLivenessProblem(c: Container & Record<string, any>): string | undefined {
  const sql = (c.env ?? []).some((e: { name: string; value?: string }) => e.name === 'APICURIO_STORAGE_KIND' && e.value === 'sql');
  if (!sql) return undefined;
  const get = c.livenessProbe?.httpGet;
  const port = typeof get?.port === 'string' ? (c.ports ?? []).find((p: { name?: string }) => p.name === get.port)?.containerPort : get?.port;
  if (get?.path === '/health/live' && port === 9000) return undefined;
  return `${c.name}: Apicurio on SQL storage without a liveness probe on /health/live (port 9000): when Postgres is late at its start it never creates its tables and answers 500 until restarted`;
}

/**
 * The local (kind) overlay: its infrastructure runs the versions the local stack runs; images with
 * a read-only root have their writable folders; the registry restarts when its storage failed at
 * start; statement links are presigned for an address the laptop reaches (the S3 port-forward of
 * skaffold.yaml).
 */
export function checkLocal(objects: K8sObject[], versions: StackVersions, s3PortForwards: number[]): string[] {
  const problems: string[] = [];
  const expected: Record<string, { ok: (tag: string) => boolean; what: string }> = {
    'apache/kafka': { ok: (t) => t === versions.kafka, what: `Kafka ${versions.kafka}` },
    'apicurio/apicurio-registry': { ok: (t) => t === versions.apicurio, what: `Apicurio Registry ${versions.apicurio}` },
    'andrewgaul/s3proxy': { ok: (t) => t === versions.s3proxy, what: `S3Proxy ${versions.s3proxy}` },
    postgres: { ok: (t) => t.startsWith(`${versions.postgresMajor}.`), what: `PostgreSQL ${versions.postgresMajor}` },
    'jaegertracing/jaeger': { ok: (t) => t === versions.jaeger, what: `Jaeger ${versions.jaeger}` },
  };
  for (const w of workloads(objects)) {
    for (const c of containersOf(w)) {
      const { repository, tag } = splitImage(c.image);
      const want = expected[repository];
      if (want && !want.ok(tag ?? '')) problems.push(`${w.kind}/${w.metadata.name} runs ${c.image}, but the local stack runs ${want.what}: make them agree`);
      if (repository === 'apicurio/apicurio-registry') {
        const problem = apicurioLivenessProblem(c);
        if (problem) problems.push(`${w.kind}/${w.metadata.name}: ${problem}`);
      }
      const needs = writablePaths[repository];
      if (needs && c.securityContext?.readOnlyRootFilesystem && !c.command) {
        const mounted = new Set((c.volumeMounts ?? []).map((m) => m.mountPath));
        for (const p of needs) if (!mounted.has(p)) problems.push(`${w.kind}/${w.metadata.name}: ${c.image} runs with a read-only root but nothing is mounted at ${p}, where it writes at start`);
      }
    }
  }
  const billing = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('billing-config'));
  const platform = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('marketbill-platform'));
  const endpoint = billing?.data?.S3_PRESIGN_ENDPOINT ?? platform?.data?.S3_PRESIGN_ENDPOINT ?? platform?.data?.S3_ENDPOINT;
  if (!endpoint) problems.push('the local overlay sets no S3 endpoint for billing');
  else {
    const url = new URL(endpoint);
    if (!['127.0.0.1', 'localhost'].includes(url.hostname)) problems.push(`statement links on kind are presigned for ${url.host}, which a browser on the laptop cannot reach: set S3_PRESIGN_ENDPOINT to the S3 port-forward`);
    else if (!s3PortForwards.includes(Number(url.port || 80))) problems.push(`statement links are presigned for ${url.host}, but skaffold.yaml forwards service s3 to ${s3PortForwards.join(', ') || 'no local port'}`);
  }
  return problems;
}

/**
 * Test-only folders (src/testing, src/test-support) of each service must be removed by its
 * Dockerfile's build stage, or they ship in the image.
 */
export function checkDockerfileDropsTestCode(dockerfile: string, testFolders: string[]): string[] {
  return testFolders.filter((folder) => !new RegExp(`-name ${folder.replace('-', '\\-')}\\b`).test(dockerfile)).map((folder) => `its Dockerfile does not remove dist/**/${folder} (test-only code would ship in the image)`);
}

/** What a service's own configuration code says about an environment: its keys, and its parser. */
export type ServiceConfig = { keys: string[]; parse: (env: Record<string, string>) => unknown };

/** Keys that hold a secret: they belong in a Secret, never in a ConfigMap (which lands in git). */
export const secretKey = /(PASSWORD|SECRET|TOKEN|API_KEY|ACCESS_KEY|ACCESS_KEY_ID|SECRET_KEY|SEALING_KEY|SEALING_PREVIOUS_KEYS)$|^(DATABASE_URL|INTERNAL_API_CALLERS)$/;

/** Keys whose value is a file the container must find (a mounted Secret or ConfigMap). */
const fileKeys = ['KAFKA_SSL_CA_FILE', 'KAFKA_SASL_PASSWORD_FILE', 'SCHEMA_REGISTRY_CA_FILE', 'SCHEMA_REGISTRY_PASSWORD_FILE'];

function decoded(o: K8sObject): Record<string, string> {
  if (o.kind === 'Secret') {
    const data = Object.fromEntries(Object.entries(o.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
    return { ...data, ...((o as any).stringData ?? {}) };
  }
  return { ...(o.data ?? {}) };
}

/**
 * Every container of every MarketBill workload, with the environment the kubelet would give it:
 * its ConfigMaps and Secrets as rendered, or — for a Secret the overlay does not contain (production:
 * created outside git) — the example in `externalSecrets[name]` that documents its keys. Each
 * environment must (1) name only keys the service reads (a misspelt key is silently ignored),
 * (2) keep secret keys out of ConfigMaps, (3) find every file it names under a mounted volume, and
 * (4) be accepted by the service's own configuration parser — the one that refuses, say, production
 * without AT_API_KEY, PLAIN SASL without TLS or basic auth over http. `placeholderFile` is a
 * readable file that stands in for mounted files while parsing. With `encrypted` (production) every
 * connection must be encrypted and verified: Postgres sslmode=verify-full (or verify-ca with a CA),
 * Kafka over TLS, the registry over https — a service's parser accepts SCRAM in clear text.
 */
export function checkServiceEnvironments(
  objects: K8sObject[],
  services: Record<string, ServiceConfig>,
  externalSecrets: Record<string, Record<string, string>>,
  placeholderFile: string,
  options: { encrypted?: boolean } = {},
): string[] {
  const problems: string[] = [];
  const byName = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
  for (const o of objects.filter((x) => x.kind === 'ConfigMap')) {
    for (const key of Object.keys(o.data ?? {})) if (secretKey.test(key)) problems.push(`ConfigMap ${o.metadata.name} holds ${key}, a secret: put it in a Secret`);
  }
  const partOf = (x: K8sObject) => x.metadata.labels?.['app.kubernetes.io/part-of'] ?? x.spec?.template?.metadata?.labels?.['app.kubernetes.io/part-of'];
  const ours = workloads(objects).filter((x) => partOf(x) === 'marketbill');
  // A source (ConfigMap or Secret) several services share may hold a key only some of them read —
  // but at least one must; a service's own source holds only keys that service reads.
  const users = new Map<string, Set<string>>();
  for (const w of ours) for (const c of containersOf(w)) for (const from of c.envFrom ?? []) {
    const name = (from.configMapRef ?? from.secretRef).name;
    users.set(name, (users.get(name) ?? new Set()).add(w.metadata.name));
  }
  const readBySomeUser = (source: string, key: string) => [...(users.get(source) ?? [])].some((n) => services[n]?.keys.includes(key));
  const reported = new Set<string>();
  for (const w of ours) {
    const service = services[w.metadata.name];
    if (!service) {
      problems.push(`${w.kind}/${w.metadata.name}: no service configuration known for it`);
      continue;
    }
    const volumes = new Map<string, any>((podSpec(w).volumes ?? []).map((v: any) => [v.name, v]));
    for (const c of containersOf(w)) {
      const where = `${w.kind}/${w.metadata.name} (${c.name})`;
      const env: Record<string, string> = {};
      for (const from of c.envFrom ?? []) {
        const ref = from.configMapRef ?? from.secretRef;
        const kind = from.configMapRef ? 'ConfigMap' : 'Secret';
        const found = byName(kind, ref.name);
        const values = found ? decoded(found) : kind === 'Secret' ? externalSecrets[ref.name] : undefined;
        if (!values) {
          if (!ref.optional) problems.push(`${where}: ${kind} ${ref.name} is neither in the overlay nor documented as created outside git`);
          continue;
        }
        Object.assign(env, values);
        const shared = (users.get(ref.name)?.size ?? 0) > 1;
        for (const key of Object.keys(values)) {
          const read = shared ? readBySomeUser(ref.name, key) : service.keys.includes(key);
          if (!read && !reported.has(`${ref.name}/${key}`)) {
            reported.add(`${ref.name}/${key}`);
            problems.push(`${kind} ${ref.name}: ${key} is read by no service that uses it (${[...(users.get(ref.name) ?? [])].join(', ')}): a misspelt or misplaced key is silently ignored`);
          }
        }
      }
      // K8S_POD_NAME (downward API) is for the operator's eyes (kubectl describe, logs); no service reads it.
      for (const e of c.env ?? []) if (e.name !== 'K8S_POD_NAME') env[e.name] = e.value ?? (e.valueFrom ? 'from-the-downward-api' : '');
      const unknown = (c.env ?? []).map((e: any) => e.name as string).filter((k: string) => k !== 'K8S_POD_NAME' && !service.keys.includes(k));
      if (unknown.length > 0) problems.push(`${where}: ${unknown.join(', ')} not read by ${w.metadata.name}`);
      const mounted = (file: string) =>
        (c.volumeMounts ?? []).some((m: any) => (file === m.mountPath || file.startsWith(`${m.mountPath}/`)) && (volumes.get(m.name)?.secret || volumes.get(m.name)?.configMap || volumes.get(m.name)?.projected));
      const files: [string, string][] = fileKeys.filter((k) => env[k]).map((k) => [k, env[k]!]);
      const rootCert = env.DATABASE_URL ? (() => { try { return new URL(env.DATABASE_URL).searchParams.get('sslrootcert'); } catch { return null; } })() : null;
      if (rootCert && rootCert !== 'system') files.push(['DATABASE_URL sslrootcert', rootCert]);
      for (const [key, file] of files) if (!mounted(file)) problems.push(`${where}: ${key} names ${file}, but no Secret or ConfigMap volume is mounted there`);
      if (options.encrypted) {
        const mode = env.DATABASE_URL ? (() => { try { return new URL(env.DATABASE_URL).searchParams.get('sslmode'); } catch { return null; } })() : null;
        if (mode !== 'verify-full' && mode !== 'verify-ca') problems.push(`${where}: DATABASE_URL has sslmode=${mode ?? '(none: plain text)'}; production needs verify-full (or verify-ca with sslrootcert)`);
        if (env.KAFKA_SSL !== 'true') problems.push(`${where}: KAFKA_SSL is not true: Kafka traffic (and SASL credentials) would cross the network in clear text`);
        if (!env.SCHEMA_REGISTRY_URL?.startsWith('https://')) problems.push(`${where}: SCHEMA_REGISTRY_URL is not https`);
      }
      const parsed: Record<string, string> = { ...env };
      for (const k of fileKeys) if (parsed[k]) parsed[k] = placeholderFile;
      if (rootCert && rootCert !== 'system') parsed.DATABASE_URL = env.DATABASE_URL!.replace(encodeURIComponent(rootCert), placeholderFile).replace(rootCert, placeholderFile);
      try {
        service.parse(parsed);
      } catch (error) {
        const reasons = (error as { problems?: string[] }).problems ?? [error instanceof Error ? error.message : String(error)];
        problems.push(`${where}: ${w.metadata.name}'s configuration refuses this environment: ${reasons.join('; ')}`);
      }
    }
  }
  return problems;
}
