import { describe, expect, it } from 'vitest';
import { Informer, type KubeObject, type WatchFn } from './informer.js';
import { kubeError, RESOURCES, type KubeRequester } from './kube.js';

const obj = (name: string, rv: string): KubeObject => ({ metadata: { name, namespace: 'shop', resourceVersion: rv } });

/** A scripted API server: each list returns the next item set, each watch runs the next script. */
function fakeServer(lists: KubeObject[][], watches: ((emit: (t: string, o: unknown) => void) => Promise<void>)[]) {
  const calls: string[] = [];
  const kube: KubeRequester = {
    request: async <T>() => {
      const items = lists.shift() ?? [];
      calls.push(`list ${items.map((i) => i.metadata.name).join(',')}`);
      return { items, metadata: { resourceVersion: String(100 + calls.length) } } as T;
    },
  };
  let stop: () => void = () => {};
  const stopped = new Promise<void>((r) => (stop = r));
  const watch: WatchFn = async (_path, query, onEvent, signal) => {
    calls.push(`watch rv=${query.resourceVersion}`);
    const script = watches.shift();
    if (!script) {
      stop();
      await new Promise((r) => signal.addEventListener('abort', r, { once: true }));
      return;
    }
    await script(onEvent);
  };
  return { kube, watch, calls, stopped };
}

describe('Informer', () => {
  it('relists on 410 Gone and reports objects deleted while it was away', async () => {
    const events: string[] = [];
    const server = fakeServer([[obj('a', '1'), obj('b', '2')], [obj('b', '5')]], [
      async (emit) => {
        emit('MODIFIED', obj('a', '3'));
        emit('ERROR', { kind: 'Status', code: 410, reason: 'Expired' });
      },
    ]);
    const inf = new Informer<KubeObject>({ kube: server.kube, watch: server.watch, resource: RESOURCES.herdRules, handler: (t, o) => events.push(`${t} ${o.metadata.name}`) });
    inf.start();
    await server.stopped;
    await inf.stop();
    expect(events).toEqual(['upsert a', 'upsert b', 'upsert a', 'delete a', 'upsert b']);
    expect([...inf.cache.keys()]).toEqual(['shop/b']);
    expect(server.calls).toEqual(['list a,b', 'watch rv=101', 'list b', 'watch rv=103']);
  });

  it('reconnects after a failed watch from the last resourceVersion it saw', async () => {
    const server = fakeServer([[obj('a', '1')]], [
      async (emit) => {
        emit('ADDED', obj('c', '7'));
        emit('BOOKMARK', { metadata: { resourceVersion: '9' } });
        throw new Error('socket hang up');
      },
      async () => {
        throw kubeError(500, 'etcd unavailable');
      },
    ]);
    const inf = new Informer<KubeObject>({ kube: server.kube, watch: server.watch, resource: RESOURCES.herdRules, handler: () => {}, backoffBaseMs: 1 });
    inf.start();
    await server.stopped;
    await inf.stop();
    expect(server.calls).toEqual(['list a', 'watch rv=101', 'watch rv=9', 'watch rv=9']);
    expect(inf.stats.errors).toBe(2);
    expect(inf.cache.has('shop/c')).toBe(true);
  });
});
