import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { HwError } from '../errors.js';
import { createLogger, errFields, parseLogLevel } from './logger.js';

function capture(): { lines: string[]; write: (line: string) => void } {
  const lines: string[] = [];
  return { lines, write: (line) => lines.push(line) };
}

describe('the process logger', () => {
  it('writes one JSON object per line with the level by name and the child\'s component', () => {
    const out = capture();
    const log = createLogger({ level: 'info', format: 'json', base: { command: 'detector' } }, out);
    log.child({ component: 'kafka' }).warn({ partition: 3 }, 'rebalancing');
    log.debug('not shown at info');
    expect(out.lines).toHaveLength(1);
    expect(JSON.parse(out.lines[0]!)).toMatchObject({ level: 'warn', command: 'detector', component: 'kafka', partition: 3, msg: 'rebalancing' });
  });

  it('pretty format prints a readable line with the component before the message', () => {
    const out = capture();
    const stream = new Writable({ write: (chunk: Buffer, _enc, done) => { out.write(chunk.toString()); done(); } });
    createLogger({ level: 'info', format: 'pretty' }, stream).child({ component: 'operator' }).info('started leading');
    const text = out.lines.join('');
    expect(text).toMatch(/INFO.*operator: started leading/);
    expect(() => JSON.parse(text) as unknown).toThrow();
  });

  it('rejects an unknown level with HW_ERR_USAGE naming the flag', () => {
    expect(() => parseLogLevel('verbose')).toThrow(expect.objectContaining({ code: 'HW_ERR_USAGE', field: '--log-level' }));
  });

  it('logs a coded error by code and message, anything else as the error itself', () => {
    expect(errFields(new HwError('HW_ERR_KAFKA', { message: 'broker down' }))).toEqual({ code: 'HW_ERR_KAFKA', err: 'HW_ERR_KAFKA: broker down' });
    expect(errFields('boom')).toEqual({ err: 'boom' });
  });
});
