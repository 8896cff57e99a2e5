import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { HwError, isHwError } from '../errors.js';
import type { AddressGuard } from './ssrf.js';
import { DeliveryFailure, failureForStatus } from './channels/types.js';

export interface PostOptions {
  readonly headers?: Record<string, string>;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Checks the connected address (webhooks); none for trusted install-level URLs. */
  readonly guard?: AddressGuard;
  /** Keep-alive agents per protocol, shared by a channel. */
  readonly agents?: { http: http.Agent; https: https.Agent };
}

export interface PostResult {
  readonly status: number;
  readonly body: string;
}

export function keepAliveAgents(): { http: http.Agent; https: https.Agent } {
  return { http: new http.Agent({ keepAlive: true, maxSockets: 16 }), https: new https.Agent({ keepAlive: true, maxSockets: 16 }) };
}

/**
 * POSTs a body and maps the answer: 2xx resolves, anything else throws a DeliveryFailure
 * (429/503 carry Retry-After, 410 disables). Timeouts and connection errors are retryable;
 * a refused destination is permanent. No redirects are followed (a redirect could lead
 * past the SSRF guard).
 */
export function post(url: string, body: string, o: PostOptions): Promise<PostResult> {
  return new Promise((resolve, reject) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      reject(new DeliveryFailure('permanent', `URL is invalid: ${url.slice(0, 80)}`));
      return;
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      reject(new DeliveryFailure('permanent', `URL scheme ${u.protocol} is not http(s)`));
      return;
    }
    // An IP literal never goes through `lookup`: check it here.
    const literal = u.hostname.replace(/^\[|\]$/g, '');
    if (o.guard && isIP(literal) && o.guard.refuses(literal)) {
      reject(new DeliveryFailure('permanent', new HwError('HW_ERR_DESTINATION_BLOCKED', { field: u.hostname, message: `webhook destination ${literal} is a private, loopback or link-local address` }).message));
      return;
    }
    const mod = u.protocol === 'https:' ? https : http;
    const req = mod.request(u, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'herdwatch-notifier', ...o.headers },
      timeout: o.timeoutMs,
      ...(o.agents ? { agent: u.protocol === 'https:' ? o.agents.https : o.agents.http } : {}),
      ...(o.guard ? { lookup: o.guard.lookup as never } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
    }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= 64 * 1024) chunks.push(c);
      });
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const text = Buffer.concat(chunks).toString('utf8');
        if (status >= 200 && status < 300) resolve({ status, body: text });
        else {
          const ra = res.headers['retry-after'];
          reject(failureForStatus(status, text.slice(0, 200) || (res.statusMessage ?? ''), Array.isArray(ra) ? ra[0] : ra));
        }
      });
      res.on('error', (err) => reject(new DeliveryFailure('retry', `response failed: ${err.message}`)));
    });
    req.on('timeout', () => req.destroy(new DeliveryFailure('retry', `no answer within ${o.timeoutMs} ms`)));
    req.on('error', (err) => {
      if (isHwError(err)) reject(new DeliveryFailure('permanent', err.message));
      else if ((err as { code?: string }).code === 'HW_DELIVERY_FAILED') reject(err);
      else reject(new DeliveryFailure('retry', `${(err as { code?: string }).code ?? 'error'}: ${err.message}`));
    });
    req.end(body);
  });
}
