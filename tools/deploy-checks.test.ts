import { afterAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { envSchema as auctionEnv, readConfig as readAuctionConfig } from '../services/auction-ingest/src/config.ts';
import { envSchema as billingEnv, readConfig as readBillingConfig } from '../services/billing/src/config.ts';
import { checkCommon, checkDockerfileDropsTestCode, checkLocal, checkProduction, checkServiceEnvironments, secretKey, type K8sObject, type ServiceConfig } from './deploy-checks.ts';

// Small rendered objects: each test takes a correct deployment and breaks it the way issue 10 found it.
const artifacts = ['marketbill/ordering'];

function deployment(name: string, o: { image?: string; replicas?: number; cpu?: string; configMap?: string; labels?: Record<string, string>; securityContext?: object; mounts?: string[] } = {}): K8sObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      ...(o.replicas === undefined ? {} : { replicas: o.replicas }),
      template: {
        metadata: { labels: o.labels ?? { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'marketbill' } },
        spec: {
          containers: [
            {
              name,
              image: o.image ?? `marketbill/${name}`,
              resources: { requests: { cpu: o.cpu ?? '500m' } },
              envFrom: o.configMap ? [{ configMapRef: { name: o.configMap } }] : [],
              securityContext: o.securityContext ?? {},
              volumeMounts: (o.mounts ?? []).map((mountPath, i) => ({ name: `v${i}`, mountPath })),
            },
          ],
        },
      },
    },
  };
}

const configMap = (name: string, data: Record<string, string> = {}): K8sObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });
const policy = (name: string, spec: object): K8sObject => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name }, spec });
const hpa = (target: { type: string; averageUtilization?: number; averageValue?: string }): K8sObject => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'ordering' },
  spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'ordering' }, metrics: [{ type: 'Resource', resource: { name: 'cpu', target } }] },
});
const denyAll = policy('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
const dns = policy('dns', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] });
const services = policy('services', { podSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'marketbill' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 5432 }] }] });

describe('checkProduction', () => {
  it('When the service images keep the skaffold artifact names and egress is denied but for DNS and what is allowed, then it passes', () => {
    expect(checkProduction([deployment('ordering'), denyAll, dns, services], artifacts)).toEqual([]);
  });

  it('When an images: block renames a service image, then skaffold could not substitute it and the check says so', () => {
    const problems = checkProduction([deployment('ordering', { image: 'registry.example.com/marketbill/ordering:0.1.0' }), denyAll, dns, services], artifacts);
    expect(problems).toEqual([expect.stringContaining('registry.example.com/marketbill/ordering:0.1.0, which is not the name of a skaffold artifact')]);
  });

  it('When only ingress is denied by default, then the missing egress policy is reported', () => {
    const ingressOnly = policy('default-deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] });
    expect(checkProduction([deployment('ordering'), ingressOnly], artifacts)).toEqual([expect.stringContaining('no default-deny NetworkPolicy for both ingress and egress')]);
  });

  it('When egress is denied but a workload is selected by no egress policy, then it is named', () => {
    const problems = checkProduction([deployment('ordering', { labels: { 'app.kubernetes.io/name': 'ordering' } }), denyAll, dns, services], artifacts);
    expect(problems).toEqual([expect.stringContaining('Deployment/ordering: no egress NetworkPolicy selects its pods')]);
  });
});

describe('checkCommon', () => {
  it('When a pod uses a plain ConfigMap, then it is reported: an edit would not roll the pods', () => {
    expect(checkCommon([deployment('ordering', { configMap: 'ordering-config' }), configMap('ordering-config')], artifacts)).toEqual([expect.stringContaining('is not generated')]);
    expect(checkCommon([deployment('ordering', { configMap: 'ordering-config-5f9bdg8fdh' }), configMap('ordering-config-5f9bdg8fdh')], artifacts)).toEqual([]);
  });

  it('When an autoscaled Deployment also sets replicas, then the fight is reported', () => {
    const problems = checkCommon([deployment('ordering', { replicas: 3 }), hpa({ type: 'AverageValue', averageValue: '600m' })], artifacts);
    expect(problems).toEqual([expect.stringContaining('sets replicas: 3 while HorizontalPodAutoscaler/ordering owns its scale')]);
  });

  it('When the autoscaler targets 70 % of a 100m request, then the meaningless scale point is reported', () => {
    expect(checkCommon([deployment('ordering', { cpu: '100m' }), hpa({ type: 'Utilization', averageUtilization: 70 })], artifacts)).toEqual([expect.stringContaining('70m is no load')]);
    expect(checkCommon([deployment('ordering', { cpu: '500m' }), hpa({ type: 'Utilization', averageUtilization: 70 })], artifacts)).toEqual([]);
  });

  it('When a Recreate Deployment is given rollingUpdate settings (an overlay patch), then it is reported', () => {
    const recreate = deployment('ordering');
    recreate.spec.strategy = { type: 'Recreate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } };
    expect(checkCommon([recreate], artifacts)).toEqual([expect.stringContaining('Deployment/ordering is Recreate but has rollingUpdate settings')]);
  });

  it('When a command probe keeps the default 1 s timeout, then it is reported (it flaps on a busy node)', () => {
    const postgres = deployment('postgres', { image: 'postgres:15.20-bookworm' });
    postgres.spec.template.spec.containers[0].readinessProbe = { exec: { command: ['pg_isready'] }, periodSeconds: 5 };
    expect(checkCommon([postgres], artifacts)).toEqual([expect.stringContaining('runs a command with a 1 s timeout')]);
    postgres.spec.template.spec.containers[0].readinessProbe.timeoutSeconds = 5;
    expect(checkCommon([postgres], artifacts)).toEqual([]);
  });

  it('When an infrastructure image is :latest or untagged, then it must be pinned', () => {
    expect(checkCommon([deployment('s3', { image: 'andrewgaul/s3proxy:latest' })], artifacts)).toEqual([expect.stringContaining('pin a version')]);
    expect(checkCommon([deployment('s3', { image: 'andrewgaul/s3proxy' })], artifacts)).toEqual([expect.stringContaining('pin a version')]);
  });
});

describe('checkLocal', () => {
  const versions = { kafka: '4.4.0', apicurio: '3.3.3', s3proxy: '4.1.0', postgresMajor: '15', jaeger: '2.12.0' };
  const kafkaOk = deployment('kafka', { image: 'apache/kafka:4.4.0', securityContext: { readOnlyRootFilesystem: true }, mounts: ['/opt/kafka/config', '/opt/kafka/logs'] });
  const billing = (endpoint: string) => configMap('billing-config-5f9bdg8fdh', { S3_PRESIGN_ENDPOINT: endpoint });

  it('When kind runs the local stack’s versions with the writable folders and a reachable link host, then it passes', () => {
    expect(checkLocal([kafkaOk, billing('http://127.0.0.1:9000')], versions, [9000])).toEqual([]);
  });

  it('When kind runs another Kafka than the local stack, then the drift is reported', () => {
    const old = deployment('kafka', { image: 'apache/kafka:4.1.0', securityContext: { readOnlyRootFilesystem: true }, mounts: ['/opt/kafka/config', '/opt/kafka/logs'] });
    expect(checkLocal([old, billing('http://127.0.0.1:9000')], versions, [9000])).toEqual([expect.stringContaining('the local stack runs Kafka 4.4.0')]);
  });

  it('When kind runs another Jaeger than the local stack (a second Go build on a cold machine), then the drift is reported', () => {
    const jaeger = deployment('jaeger', { image: 'jaegertracing/jaeger:2.11.0' });
    expect(checkLocal([kafkaOk, jaeger, billing('http://127.0.0.1:9000')], versions, [9000])).toEqual([expect.stringContaining('the local stack runs Jaeger 2.12.0')]);
  });

  it('When Kafka has a read-only root and nothing writable at its logs folder, then the JVM start failure is predicted', () => {
    const noLogs = deployment('kafka', { image: 'apache/kafka:4.4.0', securityContext: { readOnlyRootFilesystem: true }, mounts: ['/opt/kafka/config'] });
    expect(checkLocal([noLogs, billing('http://127.0.0.1:9000')], versions, [9000])).toEqual([expect.stringContaining('nothing is mounted at /opt/kafka/logs')]);
  });

  it('When a container runs another command of Postgres\' image (an init container\'s pg_isready), then its read-only root needs nothing writable', () => {
    const waiter = deployment('registry', { image: 'postgres:15.20-bookworm', securityContext: { readOnlyRootFilesystem: true } });
    const ok = [kafkaOk, billing('http://127.0.0.1:9000')];
    expect(checkLocal([...ok, waiter], versions, [9000])).toEqual([expect.stringContaining('nothing is mounted at /var/run/postgresql')]);
    Object.assign(waiter.spec.template.spec.containers[0], { command: ['pg_isready', '--host=postgres'] });
    expect(checkLocal([...ok, waiter], versions, [9000])).toEqual([]);
  });

  it('When Apicurio on SQL storage has no liveness probe on its management port’s /health/live, then the never-created tables are predicted', () => {
    const registry = (probe?: object) => {
      const d = deployment('registry', { image: 'apicurio/apicurio-registry:3.3.3' });
      Object.assign(d.spec.template.spec.containers[0], {
        env: [{ name: 'APICURIO_STORAGE_KIND', value: 'sql' }],
        ports: [{ name: 'http', containerPort: 8080 }, { name: 'management', containerPort: 9000 }],
        ...(probe ? { livenessProbe: probe } : {}),
      });
      return d;
    };
    const ok = [kafkaOk, billing('http://127.0.0.1:9000')];
    expect(checkLocal([...ok, registry({ httpGet: { path: '/health/live', port: 'management' } })], versions, [9000])).toEqual([]);
    expect(checkLocal([...ok, registry()], versions, [9000])).toEqual([expect.stringContaining('never creates its tables')]);
    expect(checkLocal([...ok, registry({ httpGet: { path: '/health/live', port: 'http' } })], versions, [9000])).toEqual([expect.stringContaining('without a liveness probe on /health/live (port 9000)')]);
  });

  it('When statement links are presigned for the in-cluster host, or for a port nothing forwards, then it is reported', () => {
    const inCluster = [kafkaOk, configMap('marketbill-platform-5f9bdg8fdh', { S3_ENDPOINT: 'http://s3:8080' })];
    expect(checkLocal(inCluster, versions, [9000])).toEqual([expect.stringContaining('presigned for s3:8080')]);
    expect(checkLocal([kafkaOk, billing('http://127.0.0.1:9000')], versions, [])).toEqual([expect.stringContaining('forwards service s3 to no local port')]);
  });
});

describe('checkDockerfileDropsTestCode', () => {
  it('When the build stage removes only compiled tests, then the test-only folders are reported', () => {
    const old = "RUN tsc -b services/x && find schemas packages services -name '*.test.js*' -delete";
    expect(checkDockerfileDropsTestCode(old, ['testing', 'test-support'])).toHaveLength(2);
    const fixed = `${old} && find schemas packages services -path '*/dist/*' -type d \\( -name testing -o -name test-support \\) -prune -exec rm -rf {} +`;
    expect(checkDockerfileDropsTestCode(fixed, ['testing', 'test-support'])).toEqual([]);
  });
});

describe('checkServiceEnvironments (with the services\' own configuration code)', () => {
  const services: Record<string, ServiceConfig> = {
    billing: { keys: Object.keys(billingEnv.shape), parse: (env) => readBillingConfig(env) },
    'auction-ingest': { keys: Object.keys(auctionEnv.shape), parse: (env) => readAuctionConfig(env) },
  };
  const placeholder = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-checks-')), 'ca.pem');
  fs.writeFileSync(placeholder, 'test\n');
  afterAll(() => fs.rmSync(path.dirname(placeholder), { recursive: true, force: true }));
  const secret = (name: string, data: Record<string, string>): K8sObject => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name },
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  });
  function workload(name: string, o: { mounts?: string[] } = {}): K8sObject {
    const d = deployment(name, { mounts: o.mounts });
    const container = d.spec.template.spec.containers[0];
    container.envFrom = [{ configMapRef: { name: 'marketbill-platform-5f9bdg8fdh' } }, { configMapRef: { name: `${name}-config-5f9bdg8fdh` } }, { secretRef: { name: `${name}-secrets` } }];
    container.env = [{ name: 'K8S_POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }];
    d.spec.template.spec.volumes = (o.mounts ?? []).map((_, i) => ({ name: `v${i}`, secret: { secretName: 'marketbill-tls' } }));
    return d;
  }
  const localPlatform = { APP_ENV: 'local', KAFKA_BROKERS: 'kafka:9092', SCHEMA_REGISTRY_URL: 'http://registry:8080/apis/ccompat/v7', S3_ENDPOINT: 'http://s3:8080' };
  const localSecrets = { DATABASE_URL: 'postgres://billing:pw@postgres:5432/marketbill', INTERNAL_API_CALLERS: 'ordering=a-token-of-sixteen-chars' };
  const local = (billingConfig: Record<string, string> = { S3_BUCKET: 'marketbill-statements' }) => [
    workload('billing'),
    configMap('marketbill-platform-5f9bdg8fdh', localPlatform),
    configMap('billing-config-5f9bdg8fdh', billingConfig),
    secret('billing-secrets', localSecrets),
  ];

  it('When every key is one billing reads and its parser accepts them, then it passes', () => {
    expect(checkServiceEnvironments(local(), services, {}, placeholder)).toEqual([]);
  });

  it('When a key is misspelt (silently ignored by the service), then it is reported', () => {
    expect(checkServiceEnvironments(local({ S3_BUKET: 'x' }), services, {}, placeholder)).toEqual([expect.stringContaining('S3_BUKET is read by no service')]);
  });

  it('When a secret sits in a ConfigMap, then it is reported', () => {
    expect(checkServiceEnvironments(local({ INTERNAL_API_CALLERS: 'ordering=a-token-of-sixteen-chars' }), services, {}, placeholder)).toContainEqual(expect.stringContaining('holds INTERNAL_API_CALLERS, a secret'));
    for (const key of ['EVENT_SEALING_KEY', 'EVENT_SEALING_PREVIOUS_KEYS', 'BILLING_API_TOKEN', 'ACCESS_TOKEN_SECRET']) expect(secretKey.test(key)).toBe(true);
  });

  it('When the service refuses its environment (a missing required secret), then its own message is reported', () => {
    const objects = local();
    objects[3] = secret('billing-secrets', { DATABASE_URL: localSecrets.DATABASE_URL });
    expect(checkServiceEnvironments(objects, services, {}, placeholder)).toEqual([expect.stringMatching(/refuses this environment: INTERNAL_API_CALLERS/)]);
  });

  describe('production (Secrets created outside git, documented by example)', () => {
    const platform = { APP_ENV: 'production', KAFKA_BROKERS: 'b-1:9096', KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'scram-sha-512', SCHEMA_REGISTRY_URL: 'https://registry.example/apis/ccompat/v7' };
    const own = { KAFKA_SASL_USERNAME: 'marketbill-auction-ingest', SCHEMA_REGISTRY_USERNAME: 'marketbill-auction-ingest', AUCTION_SOURCE: 'at-api' };
    const secrets = {
      DATABASE_URL: 'postgres://mb:pw@db.example:5432/marketbill?sslmode=verify-full&sslrootcert=/etc/marketbill/tls/db-ca.pem',
      KAFKA_SASL_PASSWORD: 'pw',
      SCHEMA_REGISTRY_PASSWORD: 'pw',
      AT_API_KEY: 'key',
    };
    const objects = (p: Record<string, string>, mounts = ['/etc/marketbill/tls']) => [workload('auction-ingest', { mounts }), configMap('marketbill-platform-5f9bdg8fdh', p), configMap('auction-ingest-config-5f9bdg8fdh', own)];
    const check = (p = platform, s: Record<string, string> = secrets, mounts?: string[]) =>
      checkServiceEnvironments(objects(p, mounts), services, { 'auction-ingest-secrets': s }, placeholder, { encrypted: true });

    it('When TLS, SCRAM, registry auth and the aT key are all there, then it passes', () => {
      expect(check()).toEqual([]);
    });

    it('When AT_API_KEY is missing (the silent replay of old), then the service refuses and it is reported', () => {
      const { AT_API_KEY: _, ...without } = secrets;
      expect(check(platform, without)).toEqual([expect.stringContaining('AT_API_KEY is required')]);
    });

    it('When Kafka, the registry or Postgres would run unencrypted, then each is reported', () => {
      const plain = { ...platform, KAFKA_SSL: 'false', SCHEMA_REGISTRY_URL: 'http://registry.example/apis/ccompat/v7' };
      const problems = check(plain, { ...secrets, DATABASE_URL: 'postgres://mb:pw@db.example:5432/marketbill' });
      expect(problems).toEqual(
        expect.arrayContaining([expect.stringContaining('sslmode=(none: plain text)'), expect.stringContaining('KAFKA_SSL is not true'), expect.stringContaining('SCHEMA_REGISTRY_URL is not https')]),
      );
    });

    it('When DATABASE_URL names a CA file that no volume provides, then it is reported', () => {
      expect(check(platform, secrets, [])).toEqual([expect.stringContaining('sslrootcert names /etc/marketbill/tls/db-ca.pem, but no Secret or ConfigMap volume is mounted there')]);
    });

    it('When a Secret is neither in the overlay nor documented, then it is reported', () => {
      expect(checkServiceEnvironments(objects(platform), services, {}, placeholder, { encrypted: true })).toContainEqual(expect.stringContaining('Secret auction-ingest-secrets is neither in the overlay nor documented'));
    });
  });
});
