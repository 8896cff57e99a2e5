/**
 * How integration tests find the Kubernetes control plane and its tools.
 *
 * `make test-k8s` (scripts/k8s/test.sh) starts the project's own control plane unless
 * KUBECONFIG is set, exports KUBECONFIG and puts the cached binaries (kubectl, helm,
 * kubeconform) first on PATH. Run by hand: `eval "$(scripts/k8s/up.sh)"` first.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

/** The Kubernetes release of the test control plane (scripts/k8s/versions.sh); helm template assumes 1.20 unless told. */
export const KUBE_VERSION = process.env['HW_K8S_VERSION']
  ?? /K8S_VERSION="\$\{HW_K8S_VERSION:-([0-9.]+)\}"/.exec(readFileSync(resolve(import.meta.dirname, '..', '..', 'scripts', 'k8s', 'versions.sh'), 'utf8'))?.[1]
  ?? '1.35.0';

const cacheDir = (): string => process.env['HW_CACHE'] ?? join(homedir(), '.cache', 'herdwatch');

/** Where scripts/k8s/build.sh caches etcd, kube-*, kubectl, kwok, helm and kubeconform. */
export const k8sBinDir = (): string => join(cacheDir(), 'k8s', 'bin');

/** A tool from the cache when it was built, otherwise whatever PATH has. */
export const k8sBin = (name: string): string => {
  const cached = join(k8sBinDir(), name);
  return existsSync(cached) ? cached : name;
};

/** The kubeconfig tests use: $KUBECONFIG, else the one scripts/k8s/up.sh wrote. */
export function kubeconfigPath(): string {
  const fromEnv = process.env['KUBECONFIG'];
  if (fromEnv) return fromEnv;
  const local = join(process.env['HW_K8S_STATE'] ?? join(cacheDir(), 'k8s', 'state'), 'kubeconfig');
  if (existsSync(local)) return local;
  throw new Error('no Kubernetes cluster: run `make test-k8s`, or `eval "$(scripts/k8s/up.sh)"` first, or set KUBECONFIG');
}

export function loadKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath());
  return kc;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion and never throws on a non-zero exit: tests assert on it. */
export function run(cmd: string, args: readonly string[], opts: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      args,
      { env: opts.env ?? process.env, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') {
          reject(err);
          return;
        }
        resolve({ code: typeof err?.code === 'number' ? err.code : 0, stdout, stderr });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** kubectl against the test cluster; `input` is sent on stdin (use `-f -`). */
export const kubectl = (args: readonly string[], input?: string): Promise<RunResult> =>
  run(k8sBin('kubectl'), ['--kubeconfig', kubeconfigPath(), ...args], input === undefined ? {} : { input });

/** Like kubectl, but throws with kubectl's stderr when it fails. */
export async function kubectlOk(args: readonly string[], input?: string): Promise<string> {
  const r = await kubectl(args, input);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

/**
 * Waits until the CRD `name` is Established. Not `kubectl wait --for=condition=Established`:
 * on a CRD the API server has not given conditions yet, kubectl v1.35 fails at once
 * (".status.conditions accessor error: <nil>") instead of waiting; that failed a CI-like run.
 */
export async function waitCrdEstablished(name: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < until) {
    const r = await kubectl(['get', `crd/${name}`, '-o', 'jsonpath={.status.conditions[?(@.type=="Established")].status}']);
    if (r.code === 0 && r.stdout.trim() === 'True') return;
    last = r.code === 0 ? `Established is "${r.stdout.trim()}"` : r.stderr.trim();
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`CRD ${name} not Established within ${timeoutMs} ms (${last})`);
}

/**
 * A fresh namespace for one test file, so files can share the cluster without seeing each
 * other's objects. Call `remove()` in afterAll; deletion does not wait for finalizers.
 */
export async function createNamespace(prefix: string): Promise<{ name: string; remove: () => Promise<void> }> {
  const name = `${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`.slice(0, 63);
  await kubectlOk(['create', 'namespace', name]);
  return { name, remove: async () => void (await kubectl(['delete', 'namespace', name, '--wait=false'])) };
}
