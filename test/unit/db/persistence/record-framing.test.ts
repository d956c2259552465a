import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { DataDirCorruptError } from '../../../../server/db/embedded/persistence';
import { frameRecord, scanRecordFile, type ScanResult } from '../../../../server/db/embedded/persistence/record-framing';
import { makeTempDir, removeDir } from '../../../helpers/persistence-fixtures';

const record = (text: string): Buffer => frameRecord([Buffer.from(text)]);

describe('record framing', () => {
  let dir: string;
  beforeEach(() => {
    dir = makeTempDir('ecart-framing-');
  });
  afterEach(() => removeDir(dir));

  /** Writes `content` to a file and streams it back, keeping copies of the payloads. */
  async function scan(
    content: Buffer,
    chunkBytes?: number,
    name = 'f',
  ): Promise<ScanResult & { payloads: [number, string][] }> {
    const file = path.join(dir, 'records');
    writeFileSync(file, content);
    const payloads: [number, string][] = [];
    const result = await scanRecordFile(file, name, (payload, offset) => payloads.push([offset, payload.toString()]), chunkBytes);
    return { ...result, payloads };
  }

  // 8 is the smallest chunk (one header), 13 splits records at odd places, the default reads the file at once.
  it.each([
    ['8 bytes', 8],
    ['13 bytes', 13],
    ['the default size', undefined],
  ])(
    'when records are framed and scanned with a read chunk of %s, then the same payloads come back with their offsets',
    async (_, chunkBytes) => {
      const content = Buffer.concat([record('one'), record('two'), frameRecord([Buffer.from('th'), Buffer.from('ree')])]);
      const result = await scan(content, chunkBytes);
      expect(result.torn).toBeNull();
      expect(result).toMatchObject({ size: content.length, records: 3 });
      expect(result.payloads).toEqual([
        [0, 'one'],
        [11, 'two'],
        [22, 'three'],
      ]);
    },
  );

  it('when a record is larger than the read chunk, then it is still read whole, and the records after it too', async () => {
    const big = 'x'.repeat(1000);
    const result = await scan(Buffer.concat([record('a'), record(big), record('b')]), 16);
    expect(result.payloads.map(([, text]) => text)).toEqual(['a', big, 'b']);
  });

  it('when the header says length and crc32, then they match the payload', () => {
    const framed = record('hello');
    expect(framed.readUInt32LE(0)).toBe(5);
    expect(framed.readUInt32LE(4)).toBe(0x3610a686); // crc32("hello")
  });

  it.each([
    ['short header', 3],
    ['short payload', 10],
  ])('when the file ends with a %s, then it is reported as a torn tail after the last good record', async (reason, keep) => {
    const good = record('good');
    const result = await scan(Buffer.concat([good, record('partial').subarray(0, keep)]), 8);
    expect(result.payloads).toEqual([[0, 'good']]);
    expect(result.torn).toEqual({ validEnd: good.length, droppedBytes: keep, reason });
  });

  it('when only the final record has a bad checksum, then it is a torn tail', async () => {
    const last = record('last');
    last.writeUInt8(last.readUInt8(last.length - 1) ^ 0xff, last.length - 1);
    const result = await scan(Buffer.concat([record('good'), last]));
    expect(result.torn).toMatchObject({ reason: 'bad checksum', validEnd: 12 });
  });

  it('when a bad checksum is followed only by zeros spanning several chunks, then it is a torn tail', async () => {
    const last = record('last');
    last.writeUInt8(last.readUInt8(last.length - 1) ^ 0xff, last.length - 1);
    const result = await scan(Buffer.concat([record('good'), last, Buffer.alloc(100)]), 16);
    expect(result.torn).toMatchObject({ reason: 'bad checksum', validEnd: 12, droppedBytes: last.length + 100 });
  });

  it('when a bad checksum is followed by more data, then scanning throws DataDirCorruptError at that record', async () => {
    const bad = record('bad');
    bad.writeUInt8(bad.readUInt8(bad.length - 1) ^ 0xff, bad.length - 1);
    const content = Buffer.concat([record('good'), bad, record('after')]);
    await expect(scan(content, 8, 'journal-x.log')).rejects.toThrow(DataDirCorruptError);
    await expect(scan(content, 8, 'journal-x.log')).rejects.toThrow(/journal-x\.log at byte 12/);
  });

  it('when a zero length header is followed by non-zero bytes, then scanning throws DataDirCorruptError', async () => {
    const content = Buffer.concat([record('good'), Buffer.alloc(8), record('after')]);
    await expect(scan(content, 8)).rejects.toThrow(/zero length/);
  });

  it('when the file is empty, then there are no records and nothing torn', async () => {
    expect(await scan(Buffer.alloc(0))).toEqual({ size: 0, records: 0, torn: null, payloads: [] });
  });

  it('when the consumer throws, then the scan stops with that error', async () => {
    const file = path.join(dir, 'records');
    writeFileSync(file, Buffer.concat([record('one'), record('two')]));
    const seen: string[] = [];
    await expect(
      scanRecordFile(file, 'f', (payload) => {
        seen.push(payload.toString());
        throw new Error('sink refused');
      }),
    ).rejects.toThrow('sink refused');
    expect(seen).toEqual(['one']);
  });
});
