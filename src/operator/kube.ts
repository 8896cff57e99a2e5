import type { HttpMethod} from '@kubernetes/client-node';
import { KubeConfig, RequestContext } from '@kubernetes/client-node';
import { fetch, Headers } from 'undici';
import { hasCode, HwError } from '../errors.js';

/** One problem the API server found (field like `spec.detector.maxEvents`). */
export interface KubeCause {
  readonly reason?: string;
  readonly message?: string;
  readonly field?: string;
}

/**
 * An error answer from the API server: code HW_ERR_KUBE_API, with the server's HTTP status
 * (`statusCode`, also as `upstreamStatus`; 0 when there was no answer), reason, causes and
 * message. Match it by code (`hasCode(err, 'HW_ERR_KUBE_API')`, `isStatus(err, 404)`), never
 * by class: errors cross module and worker boundaries.
 */
export class KubeError extends HwError {
  constructor(readonly statusCode: number, message: string, readonly reason?: string, readonly causes?: readonly KubeCause[], readonly statusMessage?: string) {
    super('HW_ERR_KUBE_API', { message, upstreamStatus: statusCode });
  }
}

export function kubeError(status: number, message: string): KubeError {
  return new KubeError(status, message);
}

/** True for a Kubernetes API answer with this HTTP status (404 gone, 409 conflict, 410 expired). */
export const isStatus = (err: unknown, status: number): boolean => hasCode(err, 'HW_ERR_KUBE_API') && err.upstreamStatus === status;

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
  /**
   * Called synchronously right before the request goes out (after the async authentication
   * step); throwing refuses it. The leader gate re-checks its deadline here, because a process
   * stopped between the gate and the send must not write when it resumes.
   */
  beforeSend?: () => void;
  /** Extra headers, e.g. Impersonate-User / Impersonate-Group (the API writes rules as its caller). */
  headers?: Readonly<Record<string, string | readonly string[]>>;
}

/** The few HTTP verbs the operator needs, against any API path. */
export interface KubeRequester {
  request<T = unknown>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, opts?: RequestOptions): Promise<T>;
}

/**
 * Requests through the KubeConfig's credentials and TLS (in-cluster service account or a
 * kubeconfig file). Plain JSON in and out, so server-side apply and status patches send
 * exactly what the renderers produced.
 */
export class KubeClient implements KubeRequester {
  // The library builds a new TLS agent per request; reusing the first keeps connections alive.
  private dispatcher: unknown;

  /** `userAgent` names the caller in the API server's audit log (the operator puts its replica identity there). */
  constructor(readonly kc: KubeConfig, private readonly opts: { userAgent?: string } = {}) {}

  static fromDefault(): KubeClient {
    const kc = new KubeConfig();
    kc.loadFromDefault();
    return new KubeClient(kc);
  }

  async request<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, opts: RequestOptions = {}): Promise<T> {
    const cluster = this.kc.getCurrentCluster();
    if (!cluster) throw kubeError(0, 'no current cluster in the kubeconfig');
    const url = new URL(cluster.server.replace(/\/$/, '') + path);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const ctx = new RequestContext(url.toString(), method as HttpMethod);
    await this.kc.applySecurityAuthentication(ctx);
    const headers = new Headers({ ...ctx.getHeaders(), accept: 'application/json', ...(this.opts.userAgent ? { 'user-agent': this.opts.userAgent } : {}) });
    if (opts.body !== undefined) headers.set('content-type', opts.contentType ?? 'application/json');
    for (const [k, v] of Object.entries(opts.headers ?? {})) for (const one of typeof v === 'string' ? [v] : v) headers.append(k, one);
    opts.beforeSend?.();
    const res = await fetch(url, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      dispatcher: (this.dispatcher ??= ctx.getDispatcher()) as never,
      signal: opts.signal ?? AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    const json = parseJson(text);
    if (!res.ok) {
      const st = (json ?? {}) as { message?: string; reason?: string; details?: { causes?: KubeCause[] } };
      throw new KubeError(res.status, `${method} ${url.pathname}: ${res.status} ${st.message ?? (text.slice(0, 200) || res.statusText)}`, st.reason, st.details?.causes, st.message);
    }
    return json as T;
  }
}

/** A response body as JSON, or undefined when it is empty or not JSON. */
function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** A resource collection: `/api/v1/...` for the core group, `/apis/<group>/<version>/...` otherwise. */
export interface ResourceRef {
  group: string;
  version: string;
  plural: string;
}

export function collectionPath(r: ResourceRef, namespace?: string): string {
  const base = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  return namespace ? `${base}/namespaces/${namespace}/${r.plural}` : `${base}/${r.plural}`;
}

export function objectPath(r: ResourceRef, namespace: string, name: string, sub?: string): string {
  return `${collectionPath(r, namespace)}/${encodeURIComponent(name)}${sub ? `/${sub}` : ''}`;
}

export const RESOURCES = {
  herdRules: { group: 'herdwatch.io', version: 'v1alpha1', plural: 'herdrules' },
  deployments: { group: 'apps', version: 'v1', plural: 'deployments' },
  configMaps: { group: '', version: 'v1', plural: 'configmaps' },
  leases: { group: 'coordination.k8s.io', version: 'v1', plural: 'leases' },
  events: { group: '', version: 'v1', plural: 'events' },
} as const satisfies Record<string, ResourceRef>;

const PLURAL_BY_KIND: Record<string, ResourceRef> = {
  ConfigMap: RESOURCES.configMaps,
  Deployment: RESOURCES.deployments,
};

/** Server-side apply with one field manager, forcing ownership of the fields we render. */
export async function serverSideApply<T extends { kind: string; metadata: { name: string; namespace: string } }>(
  kube: KubeRequester,
  obj: T,
  fieldManager: string,
): Promise<T> {
  const ref = PLURAL_BY_KIND[obj.kind];
  if (!ref) throw new Error(`no resource for kind ${obj.kind}`);
  return kube.request<T>('PATCH', objectPath(ref, obj.metadata.namespace, obj.metadata.name), {
    query: { fieldManager, force: true },
    body: obj,
    contentType: 'application/apply-patch+yaml',
  });
}
