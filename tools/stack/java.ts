// Which `java` runs each server.
//
// The default is $JAVA_HOME/bin/java, else /usr/bin/java (OpenJDK 17 from Debian here). Kafka 4.x
// and S3Proxy 4.x run on 17. Apicurio Registry 3.3.x is compiled for Java 21 and fails on 17 with
// UnsupportedClassVersionError, so a component can ask for a minimum major version; when the
// default is older we take the newest JDK found under /usr/lib/jvm (Temurin 25 on our machines)
// and say so, rather than asking every developer to change JAVA_HOME for the whole project.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { StackError, type Log } from './process.ts';

export type Java = { bin: string; major: number; home: string };

const jvmRoot = '/usr/lib/jvm';

function defaultJavaBin(): string {
  const javaHome = process.env.JAVA_HOME;
  return javaHome ? path.join(javaHome, 'bin', 'java') : '/usr/bin/java';
}

function majorOf(version: string): number {
  const parts = version.split('.');
  // "1.8.0_402" is Java 8; "17.0.15" is 17
  return parts[0] === '1' ? Number(parts[1]) : Number(parts[0]);
}

/**
 * The major version from a JDK's `release` file (JAVA_VERSION="17.0.15"), which costs no JVM
 * start; `java -version` only when a JDK ships no such file.
 */
function describe(bin: string): Java | undefined {
  let real: string;
  try {
    real = fs.realpathSync(bin);
  } catch {
    return undefined;
  }
  const home = path.dirname(path.dirname(real));
  let version: string | undefined;
  try {
    version = /^JAVA_VERSION="([^"]+)"/m.exec(fs.readFileSync(path.join(home, 'release'), 'utf8'))?.[1];
  } catch {
    const out = spawnSync(real, ['-version'], { encoding: 'utf8' });
    version = /version "([^"]+)"/.exec(`${out.stderr ?? ''}`)?.[1];
  }
  if (!version) return undefined;
  const major = majorOf(version);
  return Number.isInteger(major) ? { bin: real, major, home } : undefined;
}

const chosen = new Map<number, Java>();

/** A java binary of at least `minMajor`, preferring the configured default. */
export function javaFor(component: string, minMajor: number, log: Log): Java {
  const cached = chosen.get(minMajor);
  if (cached) return cached;
  const configured = defaultJavaBin();
  const fallback = describe(configured);
  if (!fallback) {
    throw new StackError(component, `no Java at ${configured} (set JAVA_HOME to a JDK ${minMajor}+, or apt-get install -y openjdk-17-jre-headless)`);
  }
  if (fallback.major >= minMajor) {
    chosen.set(minMajor, fallback);
    return fallback;
  }
  let best: Java | undefined;
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(jvmRoot);
  } catch {
    // no JDK folder at all
  }
  for (const entry of entries) {
    const candidate = describe(path.join(jvmRoot, entry, 'bin', 'java'));
    if (candidate && candidate.major >= minMajor && (!best || candidate.major > best.major)) best = candidate;
  }
  if (!best) {
    throw new StackError(
      component,
      `needs Java ${minMajor}+, but ${configured} is Java ${fallback.major} and no newer JDK is under ${jvmRoot}; set JAVA_HOME to a JDK ${minMajor}+`,
    );
  }
  log(`${component}: needs Java ${minMajor}+, ${configured} is Java ${fallback.major}: using ${best.bin} (Java ${best.major})`);
  chosen.set(minMajor, best);
  return best;
}
