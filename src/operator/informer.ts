import { Watch, type KubeConfig } from '@kubernetes/client-node';
import { backoffDelay, sleep, systemClock, type Clock } from './clock.js';
import { isStatus, collectionPath, type KubeRequester, type ResourceRef } from './kube.js';
import { errFields, silentLogger, type Logger } from '../log/logger.js';

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; uid?: string; resourceVersion?: string; generation?: number; ownerReferences?: { uid: string; kind: string; name: string; controller?: boolean }[] };
}

/** One watch connection: resolves when the server closes it cleanly, rejects on error. */
export type WatchFn = (path: string, query: Record<string, string | number | boolean>, onEvent: (type: string, obj: unknown) => void, signal: AbortSignal) => Promise<void>;

/** The library's Watch as a WatchFn. It stops on errors; the Informer loop restarts it. */
export function libraryWatch(kc: KubeConfig): WatchFn {
  const w = new Watch(kc);
  return (path, query, onEvent, signal) =>
    new Promise<void>((resolve, reject) => {
      let ctrl: AbortController | undefined;
      const onAbort = () => ctrl?.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      const done = (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve();
      };
      w.watch(path, query, (type, obj) => onEvent(type, obj), done).then((c) => {
        ctrl = c;
        if (signal.aborted) c.abort();
      }, done);
    });
}

export const objectKey = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

export type InformerHandler<T> = (type: 'upsert' | 'delete', obj: T) => void;

export interface InformerOptions<T> {
  kube: KubeRequester;
  watch: WatchFn;
  resource: ResourceRef;
  namespace?: string | undefined;
  labelSelector?: string;
  handler: InformerHandler<T>;
  clock?: Clock;
  logger?: Logger;
  /** Server-side watch timeout; short enough that the library's 30 s idle timer never fires. */
  watchTimeoutSeconds?: number;
  /** First reconnect delay; doubles per consecutive failure up to 30 s. */
  backoffBaseMs?: number;
  /** Called before every watch connection (metrics). */
  onWatchStart?: () => void;
}

/**
 * List, then watch from the list's resourceVersion, keeping a cache. A 410 Gone (the
 * version fell out of etcd's window) relists and reports objects deleted meanwhile; other
 * failures reconnect with exponential backoff. The loop never gives up until stopped.
 */
export class Informer<T extends KubeObject> {
  readonly cache = new Map<string, T>();
  private readonly o: InformerOptions<T> & { clock: Clock };
  private readonly abort = new AbortController();
  private running: Promise<void> | undefined;
  private synced = false;
  private resourceVersion = '';
  /** Lists and watch (re)starts so far; tests and metrics read it. */
  readonly stats = { lists: 0, watches: 0, errors: 0 };

  constructor(opts: InformerOptions<T>) {
    this.o = { clock: systemClock, ...opts };
  }

  get hasSynced(): boolean {
    return this.synced;
  }

  start(): void {
    this.running ??= this.loop();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  private async loop(): Promise<void> {
    let needList = true;
    let failures = 0;
    const { signal } = this.abort;
    while (!signal.aborted) {
      try {
        if (needList) {
          await this.list();
          needList = false;
        }
        this.stats.watches++;
        this.o.onWatchStart?.();
        const gone = await this.watchOnce();
        if (gone) needList = true;
        failures = 0;
      } catch (err) {
        if (signal.aborted) break;
        this.stats.errors++;
        if (isStatus(err, 410)) {
          needList = true;
          continue;
        }
        failures++;
        const delay = backoffDelay(failures, this.o.backoffBaseMs ?? 500, 30_000);
        (this.o.logger ?? silentLogger).warn({ resource: this.o.resource.plural, retryInMs: delay, ...errFields(err) }, `watch ${this.o.resource.plural} failed; retrying in ${delay} ms`);
        await sleep(this.o.clock, delay, signal);
      }
    }
  }

  private path(): string {
    return collectionPath(this.o.resource, this.o.namespace);
  }

  private async list(): Promise<void> {
    this.stats.lists++;
    const seen = new Map<string, T>();
    let cont: string | undefined;
    let rv = '';
    do {
      const page = await this.o.kube.request<{ items: T[]; metadata: { resourceVersion: string; continue?: string } }>('GET', this.path(), {
        query: { limit: 500, continue: cont, labelSelector: this.o.labelSelector },
        signal: this.abort.signal,
      });
      const apiVersion = this.o.resource.group ? `${this.o.resource.group}/${this.o.resource.version}` : this.o.resource.version;
      for (const item of page.items) seen.set(objectKey(item), { apiVersion, ...item });
      rv = page.metadata.resourceVersion;
      cont = page.metadata.continue || undefined;
    } while (cont);
    for (const [key, old] of this.cache) {
      if (!seen.has(key)) {
        this.cache.delete(key);
        this.o.handler('delete', old);
      }
    }
    for (const [key, obj] of seen) {
      this.cache.set(key, obj);
      this.o.handler('upsert', obj);
    }
    this.resourceVersion = rv;
    this.synced = true;
  }

  /** Returns true when the server said the resourceVersion is gone (relist needed). */
  private async watchOnce(): Promise<boolean> {
    let gone = false;
    const ac = new AbortController();
    const stopAll = () => ac.abort();
    this.abort.signal.addEventListener('abort', stopAll, { once: true });
    try {
      await this.o.watch(this.path(), {
        resourceVersion: this.resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds: this.o.watchTimeoutSeconds ?? 25,
        ...(this.o.labelSelector ? { labelSelector: this.o.labelSelector } : {}),
      }, (type, raw) => {
        const obj = raw as T & { code?: number; message?: string };
        if (type === 'ERROR') {
          if (obj.code === 410) gone = true;
          else (this.o.logger ?? silentLogger).warn({ resource: this.o.resource.plural, status: obj.code }, `watch ${this.o.resource.plural}: ${obj.message ?? 'error event'}`);
          ac.abort();
          return;
        }
        if (obj.metadata?.resourceVersion) this.resourceVersion = obj.metadata.resourceVersion;
        if (type === 'BOOKMARK') return;
        const key = objectKey(obj);
        if (type === 'DELETED') {
          this.cache.delete(key);
          this.o.handler('delete', obj);
        } else if (type === 'ADDED' || type === 'MODIFIED') {
          this.cache.set(key, obj);
          this.o.handler('upsert', obj);
        }
      }, ac.signal);
    } catch (err) {
      if (!ac.signal.aborted) throw err;
    } finally {
      this.abort.signal.removeEventListener('abort', stopAll);
    }
    return gone;
  }
}
