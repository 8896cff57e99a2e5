import type { FastifyInstance } from 'fastify';
import { HwError } from '../errors.js';

/** app.listen with the usual failures said in words: a port in use, an address not ours. */
export async function listenOrExplain(app: FastifyInstance, host: string, port: number): Promise<string> {
  try {
    return await app.listen({ host, port });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'EADDRINUSE') throw new HwError('HW_ERR_CONFIG', { field: '--port', expected: 'a free port (or 0 for any)', message: `port ${port} on ${host} is already in use`, cause: err });
    if (code === 'EADDRNOTAVAIL' || code === 'EACCES') {
      throw new HwError('HW_ERR_CONFIG', { field: '--host/--port', expected: 'an address of this machine and a port above 1023', message: `cannot listen on ${host}:${port} (${code})`, cause: err });
    }
    throw err;
  }
}
