/**
 * MessageFramer: correctness over every way a stream can be cut, and linear cost for large
 * messages (a 40 MB insert arrives as hundreds of socket chunks).
 */
import fc from 'fast-check';
import { MessageFramer, ProtocolError } from '../../../server/db/embedded/wire-protocol';

/** A frame the framer accepts: int32 length, then filler bytes (the framer does not parse). */
function frame(size: number, fill: number): Buffer {
  const buf = Buffer.alloc(size, fill);
  buf.writeInt32LE(size, 0);
  return buf;
}

function feed(framer: MessageFramer, stream: Buffer, cuts: number[]): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (const cut of [...cuts, stream.length]) {
    out.push(...framer.push(stream.subarray(start, cut)));
    start = cut;
  }
  return out;
}

test('when a 40 MB message arrives in 64 KiB chunks, then it is copied once: bytes copied stay within 2x its size', () => {
  const size = 40 * 1024 * 1024;
  const message = frame(size, 0x61);
  message[size - 1] = 0x7a;
  const framer = new MessageFramer();
  const concat = jest.spyOn(Buffer, 'concat');
  const out: Buffer[] = [];
  const chunk = 64 * 1024;
  let pushes = 0;
  for (let start = 0; start < size; start += chunk) {
    out.push(...framer.push(message.subarray(start, start + chunk)));
    pushes += 1;
  }
  const concatCalls = concat.mock.calls.length;
  concat.mockRestore();
  expect(pushes).toBe(640);
  expect(out).toHaveLength(1);
  expect((out[0] as Buffer).equals(message)).toBe(true);
  expect(framer.bytesCopied).toBeLessThanOrEqual(2 * size);
  expect(framer.bytesCopied).toBe(size);
  expect(concatCalls).toBe(0);
});

test('when a message lies inside one chunk, then it is returned without copying', () => {
  const a = frame(100, 1);
  const b = frame(50, 2);
  const framer = new MessageFramer();
  const out = framer.push(Buffer.concat([a, b]));
  expect(out.map((m) => m.equals(a) || m.equals(b))).toEqual([true, true]);
  expect(out.map((m) => m.length)).toEqual([100, 50]);
  expect(framer.bytesCopied).toBe(0);
});

test('when several messages and the start of another arrive in one chunk, then the whole ones come out and the rest waits', () => {
  const msgs = [frame(16, 1), frame(40, 2), frame(17, 3), frame(30, 4)];
  const stream = Buffer.concat(msgs);
  const framer = new MessageFramer();
  const first = framer.push(stream.subarray(0, 16 + 40 + 17 + 10));
  expect(first.map((m) => m.length)).toEqual([16, 40, 17]);
  expect(framer.push(stream.subarray(83, 90))).toEqual([]);
  const last = framer.push(stream.subarray(90));
  expect(last).toHaveLength(1);
  expect((last[0] as Buffer).equals(msgs[3] as Buffer)).toBe(true);
});

test('when the length prefix itself is split across chunks, then it is read correctly', () => {
  const msg = frame(300, 9);
  const framer = new MessageFramer();
  expect(framer.push(msg.subarray(0, 1))).toEqual([]);
  expect(framer.push(msg.subarray(1, 2))).toEqual([]);
  expect(framer.push(msg.subarray(2, 3))).toEqual([]);
  expect(framer.push(msg.subarray(3, 200))).toEqual([]);
  const out = framer.push(msg.subarray(200));
  expect(out).toHaveLength(1);
  expect((out[0] as Buffer).equals(msg)).toBe(true);
});

test('when the stream arrives one byte at a time, then every message comes out whole and in order', () => {
  const msgs = [frame(20, 1), frame(16, 2), frame(33, 3)];
  const stream = Buffer.concat(msgs);
  const framer = new MessageFramer();
  const out = feed(framer, stream, Array.from({ length: stream.length - 1 }, (_, i) => i + 1));
  expect(out.map((m) => m.toString('hex'))).toEqual(msgs.map((m) => m.toString('hex')));
});

test('when empty chunks arrive, then nothing comes out and nothing breaks', () => {
  const msg = frame(16, 5);
  const framer = new MessageFramer();
  expect(framer.push(Buffer.alloc(0))).toEqual([]);
  expect(framer.push(msg.subarray(0, 8))).toEqual([]);
  expect(framer.push(Buffer.alloc(0))).toEqual([]);
  expect(framer.push(msg.subarray(8)).map((m) => m.length)).toEqual([16]);
});

test('when a length prefix split over chunks is impossible, then the framer throws as soon as it is complete', () => {
  const bad = Buffer.alloc(4);
  bad.writeInt32LE(-1, 0);
  const framer = new MessageFramer();
  expect(framer.push(bad.subarray(0, 2))).toEqual([]);
  expect(() => framer.push(bad.subarray(2))).toThrow(ProtocolError);
});

test('when a length prefix is larger than the maximum message size, then the framer throws before the body arrives', () => {
  const big = Buffer.alloc(8);
  big.writeInt32LE(48_000_001, 0);
  expect(() => new MessageFramer().push(big)).toThrow(new ProtocolError('invalid message length 48000001'));
});

test('when a stream of messages is cut at arbitrary points, then the framer yields exactly those messages', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 16, max: 300 }), { minLength: 1, maxLength: 8 }),
      fc.array(fc.nat(), { maxLength: 20 }),
      (sizes, rawCuts) => {
        const msgs = sizes.map((size, i) => frame(size, i + 1));
        const stream = Buffer.concat(msgs);
        const cuts = [...new Set(rawCuts.map((c) => c % stream.length))].sort((x, y) => x - y);
        const framer = new MessageFramer();
        const out = feed(framer, stream, cuts);
        expect(out.map((m) => m.toString('hex'))).toEqual(msgs.map((m) => m.toString('hex')));
        expect(framer.bytesCopied).toBeLessThanOrEqual(2 * stream.length);
      },
    ),
  );
});
