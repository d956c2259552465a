/**
 * MongoDB wire protocol framing: OP_MSG in both directions, plus the legacy OP_QUERY /
 * OP_REPLY pair, which drivers still use for the very first `hello` on a connection
 * (driver 6.x sends OP_QUERY until it knows the server's wire version).
 */
import { deserialize, serialize, type Document } from 'bson';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

const HEADER_SIZE = 16;
export const MAX_MESSAGE_SIZE = 48_000_000;
export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;

const FLAG_CHECKSUM_PRESENT = 1 << 0;
const FLAG_MORE_TO_COME = 1 << 1;
const FLAG_EXHAUST_ALLOWED = 1 << 16;
const KNOWN_FLAGS = FLAG_CHECKSUM_PRESENT | FLAG_MORE_TO_COME | FLAG_EXHAUST_ALLOWED;

/** Thrown for bytes that are not a valid message; the connection is then closed. */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

export interface CommandRequest {
  requestId: number;
  opCode: typeof OP_MSG | typeof OP_QUERY;
  /** The command document; kind-1 sections are merged in as array fields. */
  command: Document;
  /** Database the command runs against (`$db`, or the OP_QUERY namespace). */
  db: string;
  /** OP_MSG moreToCome: the client wants no reply (unacknowledged writes). */
  moreToCome: boolean;
}

const DESERIALIZE_OPTIONS = {} as const;

/**
 * Splits a byte stream into whole messages, in time linear in the bytes received: chunks
 * are only queued until the current message is complete, its length is read once (as soon
 * as 4 bytes are there), and a message spread over several chunks is copied exactly once.
 * A message that lies inside one chunk is returned as a view of it, without copying.
 */
export class MessageFramer {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Length of the message being received, once its 4-byte prefix has arrived. */
  private expected: number | undefined;
  /** Bytes copied to join chunks so far (a seam for the linear-time test). */
  bytesCopied = 0;

  push(chunk: Buffer): Buffer[] {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const out: Buffer[] = [];
    for (;;) {
      if (this.expected === undefined) {
        if (this.buffered < 4) break;
        const size = this.peekLength();
        if (size < HEADER_SIZE || size > MAX_MESSAGE_SIZE) throw new ProtocolError(`invalid message length ${size}`);
        this.expected = size;
      }
      if (this.buffered < this.expected) break;
      out.push(this.take(this.expected));
      this.expected = undefined;
    }
    return out;
  }

  /** The int32 length prefix, which may itself be split across chunks. */
  private peekLength(): number {
    const first = this.chunks[0] as Buffer;
    if (first.length >= 4) return first.readInt32LE(0);
    const prefix = Buffer.alloc(4);
    let filled = 0;
    for (const c of this.chunks) {
      filled += c.copy(prefix, filled, 0, Math.min(c.length, 4 - filled));
      if (filled === 4) break;
    }
    this.bytesCopied += 4;
    return prefix.readInt32LE(0);
  }

  /** Removes the first `size` buffered bytes (all present) and returns them as one buffer. */
  private take(size: number): Buffer {
    this.buffered -= size;
    const first = this.chunks[0] as Buffer;
    if (first.length >= size) {
      if (first.length === size) this.chunks.shift();
      else this.chunks[0] = first.subarray(size);
      return first.subarray(0, size);
    }
    const message = Buffer.allocUnsafe(size);
    let filled = 0;
    let used = 0;
    while (filled < size) {
      const c = this.chunks[used] as Buffer;
      const n = Math.min(c.length, size - filled);
      c.copy(message, filled, 0, n);
      filled += n;
      if (n === c.length) used += 1;
      else this.chunks[used] = c.subarray(n);
    }
    this.chunks.splice(0, used);
    this.bytesCopied += size;
    return message;
  }
}

export function parseMessage(message: Buffer): CommandRequest {
  const requestId = message.readInt32LE(4);
  const opCode = message.readInt32LE(12);
  if (opCode === OP_MSG) return parseOpMsg(message, requestId);
  if (opCode === OP_QUERY) return parseOpQuery(message, requestId);
  throw new ProtocolError(`unsupported opCode ${opCode}`);
}

function readBsonAt(buf: Buffer, offset: number, end: number): { doc: Document; next: number } {
  if (offset + 5 > end) throw new ProtocolError('truncated BSON document');
  const size = buf.readInt32LE(offset);
  if (size < 5 || offset + size > end) throw new ProtocolError('invalid BSON document length');
  try {
    return { doc: deserialize(buf.subarray(offset, offset + size), DESERIALIZE_OPTIONS), next: offset + size };
  } catch (err) {
    throw new ProtocolError(`invalid BSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function readCString(buf: Buffer, offset: number, end: number): { value: string; next: number } {
  const zero = buf.indexOf(0, offset);
  if (zero < 0 || zero >= end) throw new ProtocolError('unterminated cstring');
  return { value: buf.toString('utf8', offset, zero), next: zero + 1 };
}

function parseOpMsg(buf: Buffer, requestId: number): CommandRequest {
  if (buf.length < HEADER_SIZE + 5) throw new ProtocolError('OP_MSG too short');
  const flags = buf.readUInt32LE(HEADER_SIZE);
  if ((flags & 0xffff & ~KNOWN_FLAGS) !== 0) throw new ProtocolError(`unknown required OP_MSG flags ${flags}`);
  // The CRC-32C checksum is not verified: TCP on loopback already protects the bytes, and
  // Node has no built-in CRC-32C. We skip it so checksummed messages still parse.
  const end = flags & FLAG_CHECKSUM_PRESENT ? buf.length - 4 : buf.length;
  let offset = HEADER_SIZE + 4;
  let body: Document | null = null;
  const sequences: [string, Document[]][] = [];
  while (offset < end) {
    const kind = buf.readUInt8(offset);
    offset += 1;
    if (kind === 0) {
      if (body !== null) throw new ProtocolError('OP_MSG has more than one body section');
      const { doc, next } = readBsonAt(buf, offset, end);
      body = doc;
      offset = next;
    } else if (kind === 1) {
      if (offset + 4 > end) throw new ProtocolError('truncated document sequence');
      const size = buf.readInt32LE(offset);
      const seqEnd = offset + size;
      if (size < 5 || seqEnd > end) throw new ProtocolError('invalid document sequence length');
      const id = readCString(buf, offset + 4, seqEnd);
      const docs: Document[] = [];
      let pos = id.next;
      while (pos < seqEnd) {
        const { doc, next } = readBsonAt(buf, pos, seqEnd);
        docs.push(doc);
        pos = next;
      }
      sequences.push([id.value, docs]);
      offset = seqEnd;
    } else {
      throw new ProtocolError(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (body === null) throw new ProtocolError('OP_MSG has no body section');
  for (const [field, docs] of sequences) body[field] = docs;
  const db = typeof body.$db === 'string' ? body.$db : 'admin';
  return { requestId, opCode: OP_MSG, command: body, db, moreToCome: (flags & FLAG_MORE_TO_COME) !== 0 };
}

function parseOpQuery(buf: Buffer, requestId: number): CommandRequest {
  let offset = HEADER_SIZE + 4; // flags
  const ns = readCString(buf, offset, buf.length);
  offset = ns.next + 8; // numberToSkip, numberToReturn
  const { doc } = readBsonAt(buf, offset, buf.length);
  if (!ns.value.endsWith('.$cmd')) throw new ProtocolError(`legacy OP_QUERY on ${ns.value} is not supported`);
  // Old shells wrap the command as { $query: {...}, $readPreference: ... }.
  const command = doc.$query && typeof doc.$query === 'object' ? (doc.$query as Document) : doc;
  return { requestId, opCode: OP_QUERY, command, db: ns.value.slice(0, -'.$cmd'.length), moreToCome: false };
}

let nextResponseId = 1;

function header(length: number, responseTo: number, opCode: number): Buffer {
  const h = Buffer.alloc(HEADER_SIZE);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(nextResponseId++ & 0x7fffffff, 4);
  h.writeInt32LE(responseTo, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

const SERIALIZE_OPTIONS = { ignoreUndefined: true } as const;

export function encodeOpMsg(responseTo: number, reply: Document): Buffer {
  const body = serialize(reply, SERIALIZE_OPTIONS);
  const prefix = Buffer.alloc(5); // flagBits (0) + section kind 0
  return Buffer.concat([header(HEADER_SIZE + prefix.length + body.length, responseTo, OP_MSG), prefix, body]);
}

export function encodeOpReply(responseTo: number, reply: Document): Buffer {
  const body = serialize(reply, SERIALIZE_OPTIONS);
  const fields = Buffer.alloc(20); // responseFlags, cursorID (8), startingFrom, numberReturned
  fields.writeInt32LE(1, 16);
  return Buffer.concat([header(HEADER_SIZE + fields.length + body.length, responseTo, OP_REPLY), fields, body]);
}

export function encodeReply(request: CommandRequest, reply: Document): Buffer {
  return request.opCode === OP_QUERY ? encodeOpReply(request.requestId, reply) : encodeOpMsg(request.requestId, reply);
}
