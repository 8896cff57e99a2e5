import { leaseConflict, type LeaseRecord, type LeaseStore } from './leader.js';
import { collectionPath, isStatus, objectPath, RESOURCES, type KubeRequester } from './kube.js';

interface Lease {
  apiVersion: 'coordination.k8s.io/v1';
  kind: 'Lease';
  metadata: { name: string; namespace: string; resourceVersion?: string; labels?: Record<string, string> };
  spec: Partial<LeaseRecord>;
}

/** A coordination.k8s.io/v1 Lease as the elector's store; 409 Conflict becomes HW_ERR_LEASE_CONFLICT. */
export class KubeLeaseStore implements LeaseStore {
  constructor(private readonly kube: KubeRequester, private readonly namespace: string, private readonly name: string) {}

  async get(signal?: AbortSignal): Promise<{ record: LeaseRecord; version: string } | undefined> {
    try {
      const lease = await this.kube.request<Lease>('GET', objectPath(RESOURCES.leases, this.namespace, this.name), signal ? { signal } : {});
      const s = lease.spec;
      return {
        record: {
          holderIdentity: s.holderIdentity ?? '',
          leaseDurationSeconds: s.leaseDurationSeconds ?? 15,
          acquireTime: s.acquireTime ?? '',
          renewTime: s.renewTime ?? '',
          leaseTransitions: s.leaseTransitions ?? 0,
        },
        version: lease.metadata.resourceVersion ?? '',
      };
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  async create(record: LeaseRecord, signal?: AbortSignal): Promise<void> {
    await this.write('POST', collectionPath(RESOURCES.leases, this.namespace), this.lease(record), signal);
  }

  async update(record: LeaseRecord, version: string, signal?: AbortSignal): Promise<void> {
    await this.write('PUT', objectPath(RESOURCES.leases, this.namespace, this.name), this.lease(record, version), signal);
  }

  private lease(record: LeaseRecord, resourceVersion?: string): Lease {
    const spec: Partial<LeaseRecord> = { ...record };
    if (!spec.acquireTime) delete spec.acquireTime;
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.name, namespace: this.namespace, ...(resourceVersion ? { resourceVersion } : {}), labels: { 'app.kubernetes.io/name': 'herdwatch', 'app.kubernetes.io/component': 'operator' } },
      spec,
    };
  }

  private async write(method: 'POST' | 'PUT', path: string, body: Lease, signal?: AbortSignal): Promise<void> {
    try {
      await this.kube.request(method, path, { body, ...(signal ? { signal } : {}) });
    } catch (err) {
      if (isStatus(err, 409)) throw leaseConflict();
      throw err;
    }
  }
}
