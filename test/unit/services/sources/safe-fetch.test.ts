import { parseContentType } from '../../../../server/services/sources/safe-fetch';

describe('parseContentType', () => {
  it.each([
    ['text/csv', { contentType: 'text/csv', charset: null }],
    ['Text/CSV; Charset="UTF-8"', { contentType: 'text/csv', charset: 'utf-8' }],
    ['application/json;charset=utf-8;foo=bar', { contentType: 'application/json', charset: 'utf-8' }],
    ['image/svg+xml', { contentType: 'image/svg+xml', charset: null }],
    [undefined, { contentType: 'application/octet-stream', charset: null }],
    ['', { contentType: 'application/octet-stream', charset: null }],
    ['text', { contentType: 'application/octet-stream', charset: null }],
    ['text/html\u0000; charset=utf-8', { contentType: 'application/octet-stream', charset: 'utf-8' }],
    ['text/html; charset=utf-8 , x', { contentType: 'text/html', charset: null }],
  ])('when the header is %j, then it reads as %j', (header, expected) => {
    expect(parseContentType(header)).toEqual(expected);
  });
});
