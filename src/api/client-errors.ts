import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { HwError, type ErrorCode } from '../errors.js';

/** Node's parser and timer errors → the code a client sees; anything else is a malformed request. */
const BY_NODE_CODE: Readonly<Record<string, { code: ErrorCode; expected: string }>> = {
  ERR_HTTP_REQUEST_TIMEOUT: { code: 'HW_ERR_REQUEST_TIMEOUT', expected: 'the whole request (headers and body) within the request timeout' },
  HPE_HEADER_OVERFLOW: { code: 'HW_ERR_HEADERS_TOO_LARGE', expected: 'request headers of at most 16 KiB' },
};

/**
 * Answers what Node's HTTP server refuses before fastify sees a request (a stalled body, huge
 * headers, bytes that are not HTTP) with the same coded JSON as every other error, then closes
 * the connection: the request never reached a route, so there is nothing else to answer.
 */
export function answerClientError(err: Error & { code?: string }, socket: Socket): void {
  // A reset connection has no one left to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const known = BY_NODE_CODE[err.code ?? ''];
  const hw = known
    ? new HwError(known.code, { expected: known.expected })
    : new HwError('HW_ERR_BAD_REQUEST', { expected: 'an HTTP/1.1 request', message: 'the request could not be parsed' });
  const body = JSON.stringify({ code: hw.code, message: hw.message, expected: hw.expected });
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${hw.status} ${STATUS_CODES[hw.status] ?? ''}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy();
}
