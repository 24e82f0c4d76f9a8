// What the cluster harness builds and where it keeps it.
//
// Every version below is the one a real operator's kind cluster would run (kind v0.33.0 with a
// Kubernetes v1.34.2 node) or the one the manifests name. Nothing can be pulled on our machines, so
// each piece is built here from the package registries that do answer (the Go module proxy, Debian's
// apt, Maven Central, npm) and kept in a MACHINE-WIDE cache outside the clone, so a second run — in
// this clone or a fresh one — reuses it: $MB_MACHINE_CACHE, default /var/cache/marketbill.
import os from 'node:os';
import path from 'node:path';
import { repoRoot, stackDir } from '../stack/paths.ts';

export const machineCache = path.resolve(process.env.MB_MACHINE_CACHE || '/var/cache/marketbill');

/** Go: module downloads and the build cache of every Go build the harness runs. */
export const goPath = path.join(machineCache, 'go');
/** Built binaries, one folder per component and version (a folder exists only once complete). */
export const binDir = path.join(machineCache, 'bin');
/** Unpacked module sources we build from (writable copies: the module cache is read-only). */
export const srcDir = path.join(machineCache, 'src');
/** Root file systems made with debootstrap. */
export const rootfsDir = path.join(machineCache, 'rootfs');
/** Logs of the machine-wide builds (one file per build). */
export const buildLogsDir = path.join(machineCache, 'logs');

/** This clone's cluster state: kubeconfig, pids of port-forwards, logs of the run, the PDF. */
export const clusterStateDir = path.join(stackDir, 'cluster');
export const clusterLogsDir = path.join(clusterStateDir, 'logs');

export const versions = {
  kubernetes: 'v1.34.2',
  /** kubeadm v1.34's defaults (cmd/kubeadm/app/constants): the images its static pods name. */
  etcd: 'v3.6.5',
  etcdImageTag: '3.6.5-0',
  coredns: 'v1.12.1',
  pause: '3.10.1',
  kind: 'v0.33.0',
  /** kind v0.33.0's base image pins containerd v2.3.4 (images/base/Dockerfile). */
  containerd: 'v2.3.4',
  crictl: 'v1.34.0',
  localPathProvisioner: 'v0.0.30',
  /** The core distribution otel/opentelemetry-collector:<version> (collector-releases tag). */
  otelcol: '0.140.0',
  skaffold: 'v2.16.1',
  debianSuite: 'bookworm',
} as const;

export const clusterName = process.env.MB_CLUSTER_NAME || 'marketbill';
export const kubeContext = `kind-${clusterName}`;
export const kubeconfigPath = path.join(clusterStateDir, 'kubeconfig');
export const namespace = 'marketbill';

/** Local ports of the port-forwards the harness opens (all on 127.0.0.1). */
export const forwardPorts = {
  edge: Number(process.env.MB_CLUSTER_EDGE_PORT || 18080),
  jaeger: Number(process.env.MB_CLUSTER_JAEGER_PORT || 16686),
  /** Fixed by the kind overlay: S3_PRESIGN_ENDPOINT there names http://127.0.0.1:9000. */
  s3: 9000,
};

/** Our own Docker engine, when none answers: a private socket, data in the machine cache. */
export const dockerd = {
  runDir: '/run/marketbill-docker',
  socket: '/run/marketbill-docker/docker.sock',
  pidFile: '/run/marketbill-docker/dockerd.pid',
  dataRoot: path.join(machineCache, 'docker'),
  log: path.join(buildLogsDir, 'dockerd.log'),
};

export const cores = Math.max(1, os.availableParallelism());
export { repoRoot };
