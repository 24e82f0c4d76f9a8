// The stack from testcontainers, for machines with a Docker engine (a developer laptop):
// the same four real servers as containers, handing the tests the same settings as the local
// stack. Chosen by tools/test.ts when MB_STACK=containers, or MB_STACK=auto (the default) and
// `docker info` answers. Containers live as long as the test command (testcontainers' reaper
// removes them afterwards).
//
// Not exercised on our CI machines: they have the docker client but no engine.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { StackEnv } from './index.ts';

/** True when a Docker engine answers (not just the client). */
export function dockerEngineAnswers(): boolean {
  const result = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8', timeout: 5_000 });
  return result.status === 0 && result.stdout.trim().length > 0;
}

export async function startContainers(log: (m: string) => void): Promise<StackEnv> {
  // Loaded only here, so machines without Docker never load testcontainers.
  const { GenericContainer, Wait } = await import('testcontainers');
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const accessKeyId = `MBTEST${randomBytes(6).toString('hex').toUpperCase()}`;
  const secretAccessKey = randomBytes(24).toString('base64url');

  log('starting Postgres, Kafka, Apicurio Registry and S3Proxy containers (testcontainers)');
  const [postgres, kafka, s3] = await Promise.all([
    new PostgreSqlContainer('postgres:15').withDatabase('marketbill').withCommand(['postgres', '-c', 'fsync=off', '-c', 'max_connections=300']).start(),
    new KafkaContainer('confluentinc/cp-kafka:8.1.0').withEnvironment({ KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false' }).start(),
    // S3Proxy publishes no version tags that can be checked from here (no Docker engine): latest.
    new GenericContainer('andrewgaul/s3proxy:latest')
      .withEnvironment({
        S3PROXY_AUTHORIZATION: 'aws-v2-or-v4',
        S3PROXY_IDENTITY: accessKeyId,
        S3PROXY_CREDENTIAL: secretAccessKey,
        JCLOUDS_PROVIDER: 'transient',
      })
      .withExposedPorts(80)
      .withWaitStrategy(Wait.forListeningPorts())
      .start(),
  ]);
  const registry = await new GenericContainer('apicurio/apicurio-registry:3.3.3')
    .withExposedPorts(8080)
    .withWaitStrategy(Wait.forHttp('/apis/ccompat/v7/subjects', 8080).forStatusCode(200))
    .withStartupTimeout(180_000)
    .start();

  const databaseUrl = `postgres://${postgres.getUsername()}:${postgres.getPassword()}@${postgres.getHost()}:${postgres.getPort()}/marketbill`;
  return {
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: `${kafka.getHost()}:${kafka.getMappedPort(9093)}`,
    SCHEMA_REGISTRY_URL: `http://${registry.getHost()}:${registry.getMappedPort(8080)}/apis/ccompat/v7`,
    S3_ENDPOINT: `http://${s3.getHost()}:${s3.getMappedPort(80)}`,
    S3_REGION: 'us-east-1',
    S3_ACCESS_KEY_ID: accessKeyId,
    S3_SECRET_ACCESS_KEY: secretAccessKey,
    S3_FORCE_PATH_STYLE: 'true',
  };
}
