import { describe, expect, it } from 'vitest';
import { hasCode } from '../errors.js';
import { isStatus, kubeError } from './kube.js';

describe('Kubernetes API errors', () => {
  it('carry HW_ERR_KUBE_API and the server\'s status, matched by code and status, not by class', () => {
    const err = kubeError(409, 'PATCH /apis/apps/v1/namespaces/shop/deployments/x: 409 Conflict: the object has been modified');
    expect(err).toMatchObject({ code: 'HW_ERR_KUBE_API', upstreamStatus: 409, status: 502 });
    expect(isStatus(err, 409)).toBe(true);
    expect(isStatus(err, 404)).toBe(false);
    // What crosses a worker or a JSON boundary keeps only its fields; matching still works.
    const copy = JSON.parse(JSON.stringify({ ...err.toJSON(), upstreamStatus: err.upstreamStatus })) as unknown;
    expect(hasCode(copy, 'HW_ERR_KUBE_API')).toBe(true);
    expect(isStatus(copy, 409)).toBe(true);
    expect(isStatus(new Error('409'), 409)).toBe(false);
  });
});
