// Building container images without pulling anything.
//
// Every image starts from a Debian root file system made here with debootstrap (from the apt mirror
// this machine is configured with) or from scratch. An image is built from a context folder staged
// under <machine cache>/contexts/<name> — the Dockerfile from tools/cluster/images/<name>/ plus the
// binaries, jars or files it needs — with the classic builder (BuildKit would try to pull its
// Dockerfile frontend) and the host network (apt and npm reach their registries). The image carries
// a label with the hash of its context, build arguments and parent image: a rerun with the same
// inputs finds the image and skips the build; any change rebuilds it.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Engine } from './docker-engine.ts';
import { buildLogsDir, machineCache, rootfsDir, versions } from './settings.ts';
import { capture, ClusterError, info, logged } from './shell.ts';
import { withLock } from './lock.ts';

export const imagesSource = path.join(import.meta.dirname, 'images');
const contextsDir = path.join(machineCache, 'contexts');
const recipeLabel = 'marketbill.recipe';

export const debianImage = `marketbill.local/debian:${versions.debianSuite}`;

export function imageId(engine: Engine, tag: string): string | undefined {
  try {
    return capture('docker', ['image', 'inspect', '--format', '{{.Id}}', tag], { env: engine.env }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export function imageRecipe(engine: Engine, tag: string): string | undefined {
  try {
    return capture('docker', ['image', 'inspect', '--format', `{{ index .Config.Labels "${recipeLabel}" }}`, tag], { env: engine.env }).trim();
  } catch {
    return undefined;
  }
}

/** sha256 over every file of a folder (relative path, mode and content), in a stable order. */
export function hashTree(root: string, hash = createHash('sha256')): ReturnType<typeof createHash> {
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      const rel = path.relative(root, full);
      if (entry.isDirectory()) {
        hash.update(`d ${rel}\n`);
        walk(full);
      } else if (entry.isSymbolicLink()) {
        hash.update(`l ${rel} ${fs.readlinkSync(full)}\n`);
      } else {
        const stat = fs.statSync(full);
        hash.update(`f ${rel} ${stat.mode & 0o111 ? 'x' : '-'} ${stat.size}\n`);
        hash.update(fs.readFileSync(full));
      }
    }
  };
  walk(root);
  return hash;
}

export type ContextFile = string | { text: string; mode?: number };

/**
 * Stages tools/cluster/images/<source>/ plus `files` (destination → source path or text) into
 * <machine cache>/contexts/<name>. Large files are hard-linked when the file system allows.
 */
export function stageContext(name: string, source: string | undefined, files: Record<string, ContextFile> = {}): string {
  const dir = path.join(contextsDir, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  if (source) fs.cpSync(path.join(imagesSource, source), dir, { recursive: true });
  for (const [dest, from] of Object.entries(files)) {
    const target = path.join(dir, dest);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (typeof from !== 'string') {
      fs.writeFileSync(target, from.text, { mode: from.mode ?? 0o644 });
    } else if (fs.statSync(from).isDirectory()) {
      fs.cpSync(from, target, { recursive: true, verbatimSymlinks: true });
    } else {
      try {
        fs.linkSync(from, target);
      } catch {
        fs.copyFileSync(from, target);
      }
      fs.chmodSync(target, fs.statSync(from).mode);
    }
  }
  return dir;
}

export type ImageBuild = {
  /** The tag to build (the name the manifests or the node use). */
  tag: string;
  context: string;
  args?: Record<string, string>;
  /** Images this one is built FROM: their ids go into the recipe hash. */
  parents?: string[];
  /** More tags for the same image. */
  alsoTag?: string[];
};

/** Builds an image unless one with the same recipe exists; returns whether it built. */
export async function buildImage(engine: Engine, b: ImageBuild): Promise<boolean> {
  const hash = hashTree(b.context);
  hash.update(JSON.stringify(b.args ?? {}));
  for (const parent of b.parents ?? []) hash.update(imageId(engine, parent) ?? `missing ${parent}`);
  const recipe = hash.digest('hex').slice(0, 24);
  const tags = [b.tag, ...(b.alsoTag ?? [])];
  if (tags.every((t) => imageRecipe(engine, t) === recipe)) return false;
  const log = path.join(buildLogsDir, `image-${b.tag.replace(/[/:]/g, '_')}.log`);
  info(`building image ${b.tag} (log: ${log})`);
  const args = ['build', '--network', 'host', '--label', `${recipeLabel}=${recipe}`, ...tags.flatMap((t) => ['-t', t])];
  for (const [key, value] of Object.entries(b.args ?? {})) args.push('--build-arg', `${key}=${value}`);
  await logged('docker', [...args, b.context], log, { env: { ...engine.env, DOCKER_BUILDKIT: '0' } });
  return true;
}

/** The apt sources of this machine for Debian itself (the mirror debootstrap and apt must use). */
function debianSources(): { mirror: string; sourcesFile?: { name: string; text: string } } {
  const deb822 = '/etc/apt/sources.list.d/debian.sources';
  if (fs.existsSync(deb822)) {
    const text = fs.readFileSync(deb822, 'utf8');
    const mirror = /^URIs:\s*(\S+)/m.exec(text)?.[1];
    if (mirror) return { mirror, sourcesFile: { name: 'debian.sources', text } };
  }
  for (const file of ['/etc/apt/sources.list', ...(fs.existsSync('/etc/apt/sources.list.d') ? fs.readdirSync('/etc/apt/sources.list.d').map((f) => `/etc/apt/sources.list.d/${f}`) : [])]) {
    if (!file.endsWith('.list') || !fs.existsSync(file)) continue;
    const line = fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .find((l) => /^deb\s+(\[[^\]]*\]\s+)?\S+\s+bookworm\s/.test(l));
    const mirror = line && /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)/.exec(line)?.[1];
    if (mirror) return { mirror };
  }
  return { mirror: 'http://deb.debian.org/debian' };
}

/**
 * marketbill.local/debian:bookworm — `debootstrap --variant=minbase` with this machine's apt
 * sources for Debian (updates and security included), imported as an image. ~1–2 min once.
 */
export async function ensureDebianImage(engine: Engine): Promise<string> {
  const sources = debianSources();
  const recipe = createHash('sha256').update(JSON.stringify({ suite: versions.debianSuite, sources })).digest('hex').slice(0, 24);
  if (imageRecipe(engine, debianImage) === recipe) return debianImage;
  return withLock('debian-rootfs', async () => {
    const tarball = path.join(rootfsDir, `${versions.debianSuite}-minbase-${recipe}.tar`);
    if (!fs.existsSync(tarball)) {
      const root = path.join(rootfsDir, `${versions.debianSuite}-minbase.tmp`);
      fs.rmSync(root, { recursive: true, force: true });
      fs.mkdirSync(rootfsDir, { recursive: true });
      const log = path.join(buildLogsDir, 'debootstrap.log');
      info(`debootstrap --variant=minbase ${versions.debianSuite} from ${sources.mirror} (log: ${log})`);
      await logged('debootstrap', ['--variant=minbase', versions.debianSuite, root, sources.mirror], log);
      if (sources.sourcesFile) {
        fs.rmSync(path.join(root, 'etc/apt/sources.list'), { force: true });
        fs.writeFileSync(path.join(root, 'etc/apt/sources.list.d', sources.sourcesFile.name), sources.sourcesFile.text);
      }
      // What the official Debian images drop: downloaded packages and package lists (apt update
      // fetches fresh ones in every build that installs something).
      for (const dir of ['var/cache/apt/archives', 'var/lib/apt/lists']) {
        for (const f of fs.readdirSync(path.join(root, dir))) if (f.endsWith('.deb') || dir.endsWith('lists')) fs.rmSync(path.join(root, dir, f), { recursive: true, force: true });
      }
      await logged('tar', ['-C', root, '-cf', `${tarball}.tmp`, '.'], log);
      fs.renameSync(`${tarball}.tmp`, tarball);
      fs.rmSync(root, { recursive: true, force: true });
    }
    capture('docker', ['import', '--change', `LABEL ${recipeLabel}=${recipe}`, '--change', 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', '--change', 'CMD ["bash"]', tarball, debianImage], { env: engine.env });
    return debianImage;
  });
}

/** Saves images into one archive (for ctr import inside the node). */
export async function saveImages(engine: Engine, tags: string[], file: string): Promise<void> {
  for (const tag of tags) if (!imageId(engine, tag)) throw new ClusterError(`image ${tag} is missing`);
  await logged('docker', ['save', '-o', file, ...tags], path.join(buildLogsDir, 'docker-save.log'), { env: engine.env });
}
