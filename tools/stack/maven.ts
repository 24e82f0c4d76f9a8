// Fetching the Java servers from Maven Central with plain Maven.
//
// Each component has a pom-only project under tools/stack/maven/<name>/pom.xml that pins its
// version and says which maven-dependency-plugin goal lays the files out (copy-dependencies for
// Kafka's classpath, unpack for Apicurio's tar.gz, copy for S3Proxy's single jar). The local
// repository is .cache/m2, private to the project, so nothing depends on ~/.m2.
//
// A finished layout gets a stamp holding the pom's hash. A warm `up` sees the stamp and does not
// start Maven at all (Maven's own start-up costs ~2 s and may try the network); editing a pom
// invalidates the stamp. Maven writes into a temporary sibling folder that is renamed into place
// only on success, so an interrupted download never looks complete.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { distDir, logsDir, mavenPomDir, mavenRepoDir, readTextOr } from './paths.ts';
import { run, StackError, which, type Log } from './process.ts';

const stampName = '.marketbill-stack-complete';

export function pomPath(name: string): string {
  return path.join(mavenPomDir, name, 'pom.xml');
}

/** A <properties> value of a component pom: the pom is the single place a version is pinned. */
export function pomProperty(name: string, property: string): string {
  const pom = fs.readFileSync(pomPath(name), 'utf8');
  const escaped = property.replace(/[.]/g, '\\.');
  const value = new RegExp(`<${escaped}>([^<]+)</${escaped}>`).exec(pom)?.[1]?.trim();
  if (!value) throw new Error(`${pomPath(name)} has no <${property}> property`);
  return value;
}

export type Fetch = {
  /** Component name, also the folder under tools/stack/maven/. */
  name: string;
  /** maven-dependency-plugin goal configured in that pom. */
  goal: 'copy-dependencies' | 'unpack' | 'copy';
  /** Final folder, e.g. .cache/stack/kafka-4.4.0/libs. */
  outputDir: string;
  log: Log;
};

/** Returns true when Maven ran (cold), false when the cached layout was reused (warm). */
export async function fetchWithMaven(f: Fetch): Promise<boolean> {
  const pomText = fs.readFileSync(pomPath(f.name), 'utf8');
  const hash = createHash('sha256').update(pomText).digest('hex');
  const stamp = path.join(f.outputDir, stampName);
  if (readTextOr(stamp).trim() === hash) return false;

  const mvn = which('mvn');
  if (!mvn) {
    throw new StackError(f.name, 'Maven (mvn) is not on PATH: install it (Debian: apt-get install -y maven) to fetch the stack');
  }
  fs.mkdirSync(logsDir, { recursive: true });
  fs.mkdirSync(path.dirname(f.outputDir), { recursive: true });
  const logFile = path.join(logsDir, `maven-${f.name}.log`);
  const tmp = `${f.outputDir}.tmp-${process.pid}`;
  const buildDir = path.join(distDir, 'maven-build', `${f.name}-${process.pid}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  f.log(`${f.name}: fetching with Maven into ${path.relative(distDir, f.outputDir)} (log: ${logFile})`);
  const started = Date.now();
  const result = await run(mvn, [
    '-B',
    '--no-transfer-progress',
    '-f',
    pomPath(f.name),
    `-Dmaven.repo.local=${mavenRepoDir}`,
    `-Dstack.outputDirectory=${tmp}`,
    // Per process too: the plugin keeps "already unpacked" markers there, which another process
    // fetching the same component at the same time must not see.
    `-Dstack.buildDirectory=${buildDir}`,
    `dependency:${f.goal}`,
  ]);
  fs.writeFileSync(logFile, `${result.stdout}${result.stderr}`);
  if (result.code !== 0) {
    fs.rmSync(tmp, { recursive: true, force: true });
    const tail = `${result.stdout}${result.stderr}`.split('\n').filter((l) => l.includes('ERROR')).slice(0, 5).join('\n');
    throw new StackError(f.name, `Maven failed (exit ${result.code}):\n${tail}`, logFile);
  }
  fs.rmSync(buildDir, { recursive: true, force: true });
  fs.writeFileSync(path.join(tmp, stampName), hash);
  // Another process may have fetched the same layout meanwhile and be running a server from it (in
  // CI the cluster build runs beside `npm test`): deleting it would pull jars from under that JVM
  // (NoSuchFileException at start-up). Keep the finished one and drop ours.
  if (readTextOr(stamp).trim() === hash) {
    fs.rmSync(tmp, { recursive: true, force: true });
    f.log(`${f.name}: another process fetched it meanwhile; using that`);
    return true;
  }
  fs.rmSync(f.outputDir, { recursive: true, force: true });
  fs.renameSync(tmp, f.outputDir);
  f.log(`${f.name}: fetched in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return true;
}
