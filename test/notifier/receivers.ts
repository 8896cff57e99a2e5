import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/**
 * Test receivers: a recording Slack (incoming webhooks, chat.postMessage, chat.update), a
 * Standard Webhooks receiver that verifies every signature with the `standardwebhooks`
 * library, and a faulty proxy in front of a real service. Each can be told to fail.
 */
export type Fault = 'ok' | 429 | 500 | 503 | 410 | 'timeout';
export type FaultPlan = (req: { path: string; n: number }) => Fault;
export const noFaults: FaultPlan = () => 'ok';

/** Random failures: `rate` of requests fail with 429 (Retry-After 1), 500 or a timeout. */
export function randomFaults(rate: number, random: () => number = Math.random): FaultPlan {
  return () => {
    const r = random();
    if (r >= rate) return 'ok';
    const k = r / rate;
    return k < 0.4 ? 429 : k < 0.8 ? 500 : 'timeout';
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Applies a fault; returns true when the request was answered (failed) here. */
function applyFault(f: Fault, res: ServerResponse): boolean {
  if (f === 'ok') return false;
  if (f === 'timeout') return true; // never answer: the client's timeout fires
  res.writeHead(f, f === 429 || f === 503 ? { 'retry-after': '1' } : {}).end(f === 410 ? 'gone' : 'failing on purpose');
  return true;
}

async function listen(server: Server, port = 0): Promise<string> {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export interface SlackRecord {
  readonly via: 'webhook' | 'postMessage' | 'update';
  readonly channel?: string;
  readonly ts: string;
  readonly thread_ts?: string;
  readonly text: string;
  readonly blocks: { type: string; block_id?: string; text?: { text: string }; fields?: { text: string }[]; elements?: { url?: string; text?: unknown }[] }[];
}

export class SlackReceiver {
  readonly records: SlackRecord[] = [];
  faults: FaultPlan = noFaults;
  url = '';
  private n = 0;
  private seq = 0;
  private readonly server = createServer((req, res) => void this.handle(req, res));

  async start(): Promise<this> {
    this.url = await listen(this.server);
    return this;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = (req.url ?? '/').split('?')[0]!;
    if (applyFault(this.faults({ path, n: ++this.n }), res)) return;
    const body = (req.headers['content-type'] ?? '').includes('json') ? JSON.parse(raw) as Record<string, unknown> : Object.fromEntries(new URLSearchParams(raw));
    const blocks = typeof body.blocks === 'string' ? JSON.parse(body.blocks) : body.blocks ?? [];
    const ts = `1700000000.${String(++this.seq).padStart(6, '0')}`;
    if (path.startsWith('/hook/')) {
      this.records.push({ via: 'webhook', ts, text: String(body.text ?? ''), blocks });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    const channel = String(body.channel ?? '');
    if (path === '/api/chat.postMessage') {
      this.records.push({ via: 'postMessage', channel, ts, ...(body.thread_ts ? { thread_ts: String(body.thread_ts) } : {}), text: String(body.text ?? ''), blocks });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, channel: 'C0TRENDING', ts }));
      return;
    }
    if (path === '/api/chat.update') {
      this.records.push({ via: 'update', channel, ts: String(body.ts), text: String(body.text ?? ''), blocks });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, channel, ts: body.ts }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: 'unknown_method' }));
  }

  stop(): Promise<void> {
    return close(this.server);
  }
}

export interface WebhookRecord {
  readonly id: string;
  readonly payload: { type: string; data: Record<string, unknown> };
}

export class WebhookReceiver {
  readonly records: WebhookRecord[] = [];
  readonly rejected: string[] = [];
  faults: FaultPlan = noFaults;
  url = '';
  private n = 0;
  private readonly verifier: Webhook;
  private readonly server = createServer((req, res) => void this.handle(req, res));

  /** Verifies with one secret, as a receiver does while the sender signs with old and new during a rotation. */
  constructor(secret: string) {
    this.verifier = new Webhook(secret);
  }

  /** Requests received, answered or not. */
  get requests(): number {
    return this.n;
  }

  async start(): Promise<this> {
    this.url = `${await listen(this.server)}/hook`;
    return this;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    if (applyFault(this.faults({ path: req.url ?? '/', n: ++this.n }), res)) return;
    try {
      const payload = this.verifier.verify(raw, req.headers as Record<string, string>) as WebhookRecord['payload'];
      this.records.push({ id: String(req.headers['webhook-id']), payload });
      res.writeHead(204).end();
    } catch (err) {
      this.rejected.push((err as Error).message);
      res.writeHead(400).end('bad signature');
    }
  }

  stop(): Promise<void> {
    return close(this.server);
  }
}

/** A proxy that fails on purpose and otherwise forwards to a real service, recording what the service accepted. */
export class FaultyProxy {
  readonly accepted: { path: string; body: string }[] = [];
  faults: FaultPlan = noFaults;
  url = '';
  private n = 0;
  private readonly server = createServer((req, res) => void this.handle(req, res));

  constructor(private readonly upstream: string) {}

  async start(): Promise<this> {
    this.url = await listen(this.server);
    return this;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = req.url ?? '/';
    if (applyFault(this.faults({ path, n: ++this.n }), res)) return;
    const up = new URL(path, this.upstream);
    const fwd = httpRequest(up, { method: req.method, headers: { 'content-type': req.headers['content-type'] ?? 'application/json' } }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => {
        if ((r.statusCode ?? 500) < 300) this.accepted.push({ path, body: raw });
        res.writeHead(r.statusCode ?? 502, { 'content-type': r.headers['content-type'] ?? 'text/plain' }).end(Buffer.concat(chunks));
      });
    });
    fwd.on('error', () => res.writeHead(502).end());
    fwd.end(raw);
  }

  stop(): Promise<void> {
    return close(this.server);
  }
}

/** Receives Alertmanager's own webhook notifications (what routing and grouping sent onward). */
export class AlertmanagerWebhookSink {
  readonly notifications: { status: string; groupLabels: Record<string, string>; alerts: { status: string; labels: Record<string, string> }[] }[] = [];
  private readonly server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      this.notifications.push(JSON.parse(raw));
      res.writeHead(200).end();
    });
  });

  async start(port: number): Promise<this> {
    await listen(this.server, port);
    return this;
  }

  stop(): Promise<void> {
    return close(this.server);
  }
}

export interface MailpitMessage {
  readonly ID: string;
  readonly MessageID: string;
  readonly Subject: string;
  readonly To: { Address: string }[];
}

/** Every message Mailpit holds (its API pages by 1,000 at most). */
export async function mailpitMessages(base: string): Promise<MailpitMessage[]> {
  const out: MailpitMessage[] = [];
  for (let start = 0; ; start += 500) {
    const r = await fetch(`${base}/api/v1/messages?start=${start}&limit=500`);
    const page = await r.json() as { messages: MailpitMessage[]; total: number };
    out.push(...page.messages);
    if (page.messages.length < 500) return out;
  }
}

export async function mailpitClear(base: string): Promise<void> {
  await fetch(`${base}/api/v1/messages`, { method: 'DELETE' });
}
