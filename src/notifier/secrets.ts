import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HwError } from '../errors.js';
import type { KubeRequester } from '../operator/kube.js';

/** Channel credentials are referenced by rules (`{name, key}` in the rule's namespace), never inline. */
export interface SecretRef {
  readonly name: string;
  readonly key: string;
}

export interface SecretSource {
  get(namespace: string, ref: SecretRef): Promise<string>;
}

function missing(namespace: string, ref: SecretRef, where: string): HwError {
  return new HwError('HW_ERR_SECRET', { field: `${namespace}/${ref.name}[${ref.key}]`, message: `secret ${ref.name} key ${ref.key} is not available (${where})` });
}

/** `HERDWATCH_SECRET_<NAME>_<KEY>`, upper-cased, every other character an underscore. */
export function secretEnvName(ref: SecretRef): string {
  return `HERDWATCH_SECRET_${`${ref.name}_${ref.key}`.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * `dev` and plain installs: environment variables, else files laid out like mounted Secrets:
 * `<dir>/<namespace>/<name>/<key>`, then `<dir>/<name>/<key>`.
 */
export class LocalSecrets implements SecretSource {
  constructor(private readonly env: Readonly<Record<string, string | undefined>>, private readonly dir?: string) {}

  async get(namespace: string, ref: SecretRef): Promise<string> {
    const fromEnv = this.env[secretEnvName(ref)];
    if (fromEnv) return fromEnv.trim();
    if (this.dir) {
      for (const p of [join(this.dir, namespace, ref.name, ref.key), join(this.dir, ref.name, ref.key)]) {
        const v = await readFile(p, 'utf8').catch(() => undefined);
        if (v?.trim()) return v.trim();
      }
    }
    throw missing(namespace, ref, `no ${secretEnvName(ref)}${this.dir ? ` and no file under ${this.dir}` : ''}`);
  }
}

/** Kubernetes Secrets in the rule's namespace, read through the API (the chart's RBAC allows `get`), cached briefly. */
export class KubeSecrets implements SecretSource {
  private readonly cache = new Map<string, { at: number; data: Record<string, string> }>();

  constructor(private readonly kube: KubeRequester, private readonly ttlMs = 30_000, private readonly clock: () => number = Date.now) {}

  async get(namespace: string, ref: SecretRef): Promise<string> {
    const id = `${namespace}/${ref.name}`;
    let hit = this.cache.get(id);
    if (!hit || this.clock() - hit.at > this.ttlMs) {
      try {
        const s = await this.kube.request<{ data?: Record<string, string> }>('GET', `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${encodeURIComponent(ref.name)}`);
        hit = { at: this.clock(), data: s.data ?? {} };
        this.cache.set(id, hit);
      } catch (err) {
        throw missing(namespace, ref, (err as Error).message);
      }
    }
    const b64 = hit.data[ref.key];
    if (!b64) throw missing(namespace, ref, `the Secret has no key ${ref.key}`);
    return Buffer.from(b64, 'base64').toString('utf8').trim();
  }
}
