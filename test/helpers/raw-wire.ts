/**
 * Speaking the wire protocol by hand, for tests that send what no driver would: a raw socket
 * to a server, OP_MSG frames, and the body of the next reply.
 */
import net from 'node:net';
import { deserialize, serialize, type Document } from 'bson';

/** A plain TCP connection to `mongodb://host:port`. */
export function connectRaw(uri: string): Promise<net.Socket> {
  const match = /^mongodb:\/\/([^:/]+):(\d+)/.exec(uri);
  if (!match) throw new Error(`cannot parse ${uri}`);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(match[2]), match[1] as string, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** An OP_MSG with a body and optional kind-1 document sequences. */
export function opMsg(requestId: number, body: Document, sequences: [string, Document[]][] = []): Buffer {
  const parts: Uint8Array[] = [Buffer.alloc(4)]; // flagBits = 0
  parts.push(Buffer.from([0]), serialize(body));
  for (const [id, docs] of sequences) {
    const payload = Buffer.concat([Buffer.from(`${id}\0`, 'utf8'), ...docs.map((d) => serialize(d))]);
    const size = Buffer.alloc(4);
    size.writeInt32LE(payload.length + 4);
    parts.push(Buffer.from([1]), size, payload);
  }
  const content = Buffer.concat(parts);
  const header = Buffer.alloc(16);
  header.writeInt32LE(16 + content.length, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(0, 8);
  header.writeInt32LE(2013, 12);
  return Buffer.concat([header, content]);
}

/** The body of the next reply on the socket; rejects after `timeoutMs` without one. */
export function readReply(socket: net.Socket, timeoutMs = 2000): Promise<Document> {
  return new Promise((resolve, reject) => {
    setTimeout(() => reject(new Error('no reply')), timeoutMs).unref();
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length < 4 || buffered.length < buffered.readInt32LE(0)) return;
      socket.off('data', onData);
      // header (16) + flagBits (4) + section kind (1)
      resolve(deserialize(buffered.subarray(21, buffered.readInt32LE(0))));
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}
