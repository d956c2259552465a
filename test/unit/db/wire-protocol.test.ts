import { deserialize, serialize, type Document } from 'bson';
import {
  MessageFramer,
  OP_MSG,
  OP_QUERY,
  ProtocolError,
  encodeOpMsg,
  encodeOpReply,
  parseMessage,
} from '../../../server/db/embedded/wire-protocol';

function header(length: number, requestId: number, opCode: number): Buffer {
  const h = Buffer.alloc(16);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(requestId, 4);
  h.writeInt32LE(opCode, 12);
  return h;
}

function opMsg(flags: number, body: Document, sequences: [string, Document[]][] = [], checksum = false): Buffer {
  const flagBuf = Buffer.alloc(4);
  flagBuf.writeUInt32LE(flags);
  const parts: Uint8Array[] = [flagBuf, Buffer.from([0]), serialize(body)];
  for (const [id, docs] of sequences) {
    const payload = Buffer.concat([Buffer.from(`${id}\0`), ...docs.map((d) => serialize(d))]);
    const size = Buffer.alloc(4);
    size.writeInt32LE(payload.length + 4);
    parts.push(Buffer.from([1]), size, payload);
  }
  if (checksum) parts.push(Buffer.alloc(4));
  const content = Buffer.concat(parts);
  return Buffer.concat([header(16 + content.length, 42, OP_MSG), content]);
}

test('when an OP_MSG has document sequences, then they become array fields of the command', () => {
  const req = parseMessage(opMsg(0, { insert: 'c', $db: 'd' }, [['documents', [{ a: 1 }, { a: 2 }]]]));
  expect(req).toMatchObject({ requestId: 42, opCode: OP_MSG, db: 'd', moreToCome: false });
  expect(req.command).toEqual({ insert: 'c', $db: 'd', documents: [{ a: 1 }, { a: 2 }] });
});

test('when the checksum flag is set, then the trailing 4 bytes are not read as a section', () => {
  const req = parseMessage(opMsg(1, { ping: 1, $db: 'admin' }, [], true));
  expect(req.command).toEqual({ ping: 1, $db: 'admin' });
});

test('when moreToCome is set, then the request says no reply is wanted', () => {
  expect(parseMessage(opMsg(2, { insert: 'c', $db: 'd' })).moreToCome).toBe(true);
});

test('when a required unknown flag bit is set, then parsing fails with a protocol error', () => {
  expect(() => parseMessage(opMsg(1 << 3, { ping: 1 }))).toThrow(ProtocolError);
});

test('when a legacy OP_QUERY hello arrives, then it parses as a command on that database', () => {
  const flags = Buffer.alloc(4);
  const ns = Buffer.from('admin.$cmd\0');
  const skipReturn = Buffer.alloc(8);
  const body = serialize({ isMaster: 1, client: { driver: { name: 'x' } } });
  const content = Buffer.concat([flags, ns, skipReturn, body]);
  const req = parseMessage(Buffer.concat([header(16 + content.length, 3, OP_QUERY), content]));
  expect(req).toMatchObject({ opCode: OP_QUERY, db: 'admin', command: { isMaster: 1 } });
});

test('when bytes arrive split across chunks, then the framer yields whole messages only', () => {
  const a = opMsg(0, { ping: 1, $db: 'admin' });
  const b = opMsg(0, { hello: 1, $db: 'admin' });
  const all = Buffer.concat([a, b]);
  const framer = new MessageFramer();
  expect(framer.push(all.subarray(0, 10))).toEqual([]);
  const out = [...framer.push(all.subarray(10, a.length + 5)), ...framer.push(all.subarray(a.length + 5))];
  expect(out.map((m) => parseMessage(m).command)).toEqual([{ ping: 1, $db: 'admin' }, { hello: 1, $db: 'admin' }]);
});

test('when a length prefix is impossible, then the framer throws', () => {
  const bad = Buffer.alloc(8);
  bad.writeInt32LE(3, 0);
  expect(() => new MessageFramer().push(bad)).toThrow(ProtocolError);
});

test('when replies are encoded, then OP_MSG and OP_REPLY carry the document and responseTo', () => {
  const msg = encodeOpMsg(42, { ok: 1 });
  expect(msg.readInt32LE(0)).toBe(msg.length);
  expect(msg.readInt32LE(8)).toBe(42);
  expect(msg.readInt32LE(12)).toBe(OP_MSG);
  expect(deserialize(msg.subarray(21))).toEqual({ ok: 1 });
  const reply = encodeOpReply(7, { ok: 1 });
  expect(reply.readInt32LE(8)).toBe(7);
  expect(reply.readInt32LE(12)).toBe(1);
  expect(reply.readInt32LE(32)).toBe(1); // numberReturned
  expect(deserialize(reply.subarray(36))).toEqual({ ok: 1 });
});
