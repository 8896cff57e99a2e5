/**
 * One operator replica as its own process (for tests that stop it with SIGSTOP): the
 * operator of startTestOperator, its JSON log lines on stdout, exiting with the operator's
 * exit code.
 *   node --import tsx test/k8s/operator-process.ts <namespace> <lease> <identity>
 */
import { startTestOperator } from './operator-harness.js';

process.env.HW_TEST_VERBOSE = '1';
const [ns, lease, identity] = process.argv.slice(2) as [string, string, string];
const op = await startTestOperator({ namespaces: [ns], leaseNamespace: ns, leaseName: lease, identity });
process.on('SIGTERM', () => void op.stop());
process.exit(await op.done);
