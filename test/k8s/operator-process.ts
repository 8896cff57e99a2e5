/**
 * One operator replica as its own process (for tests that stop it with SIGSTOP): the
 * operator of startTestOperator, its JSON log lines on stdout, exiting with the operator's
 * exit code.
 *   node --import tsx test/k8s/operator-process.ts <namespace> <lease> <identity>
 *
 * With HW_TEST_FREEZE_IN_SEND=1, SIGUSR2 arms a freeze at the exact window no client-side check
 * can close: the next controller write that passes the leader gate stops the whole process
 * (SIGSTOP to itself) after the gate's last check and before the request leaves. On SIGCONT the
 * request goes out as if its bytes were already on the wire (the renew-deadline abort can no
 * longer recall it), so only the API server can refuse it.
 */
import { KubeClient, type KubeRequester, type RequestOptions } from '../../src/operator/kube.js';
import { loadKubeConfig } from './cluster.js';
import { startTestOperator } from './operator-harness.js';

process.env.HW_TEST_VERBOSE = '1';
const [ns, lease, identity] = process.argv.slice(2) as [string, string, string];

let kube: KubeRequester | undefined;
if (process.env.HW_TEST_FREEZE_IN_SEND === '1') {
  const client = new KubeClient(loadKubeConfig(), { userAgent: `herdwatch-operator/${identity}` });
  let armed = false;
  process.on('SIGUSR2', () => { armed = true; });
  kube = {
    request<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, opts: RequestOptions = {}): Promise<T> {
      if (!armed || method === 'GET' || path.includes('/leases/')) return client.request<T>(method, path, opts);
      armed = false;
      const { signal: _recallable, ...rest } = opts;
      return client.request<T>(method, path, {
        ...rest,
        beforeSend: () => {
          opts.beforeSend?.();
          process.stdout.write(`${identity} frozen in send: ${method} ${path}\n`);
          process.kill(process.pid, 'SIGSTOP');
        },
      });
    },
  };
}
const op = await startTestOperator({ namespaces: [ns], leaseNamespace: ns, leaseName: lease, identity, ...(kube ? { kube } : {}) });
process.on('SIGTERM', () => void op.stop());
process.exit(await op.done);
