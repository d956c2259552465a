import { safeNextPath } from '../../../server/middleware/auth';
import { createLogger } from '../../../server/logger';
import { Writable } from 'node:stream';

describe('safeNextPath', () => {
  it.each([
    ['/editor', '/editor'],
    ['/admin/users?page=2', '/admin/users?page=2'],
    ['//evil.example', undefined],
    ['https://evil.example/', undefined],
    ['/\\evil.example', undefined],
    ['/\tevil', undefined],
    ['editor', undefined],
    ['', undefined],
    [undefined, undefined],
    [['/editor'], undefined],
  ])('when next is %j, then the redirect target is %j', (value, expected) => {
    expect(safeNextPath(value)).toBe(expected);
  });
});

describe('logger redaction', () => {
  it.each([
    ['a form body', { body: { email: 'a@b.c', password: 'secret phrase here' } }],
    ['a request body', { req: { body: { password: 'secret phrase here' } } }],
    ['a bare field', { password: 'secret phrase here' }],
  ])('when %s with a password is logged, then the password is redacted', (_label, record) => {
    let out = '';
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        out += chunk.toString();
        done();
      },
    });
    createLogger('info', sink).info(record, 'form');
    expect(out).toContain('"form"');
    expect(out).not.toContain('secret phrase here');
    expect(out).toContain('[redacted]');
  });
});
