import { frameRecord, scanRecords } from '../../../../server/db/embedded/persistence/record-framing';
import { DataDirCorruptError } from '../../../../server/db/embedded/persistence';

const record = (text: string): Buffer => frameRecord([Buffer.from(text)]);

describe('record framing', () => {
  it('when records are framed and scanned, then the same payloads come back with their offsets', () => {
    const file = Buffer.concat([record('one'), record('two'), frameRecord([Buffer.from('th'), Buffer.from('ree')])]);
    const scan = scanRecords(file, 'f');
    expect(scan.torn).toBeNull();
    expect(scan.records.map((r) => [r.offset, r.payload.toString()])).toEqual([
      [0, 'one'],
      [11, 'two'],
      [22, 'three'],
    ]);
  });

  it('when the header says length and crc32, then they match the payload', () => {
    const framed = record('hello');
    expect(framed.readUInt32LE(0)).toBe(5);
    expect(framed.readUInt32LE(4)).toBe(0x3610a686); // crc32("hello")
  });

  it.each([
    ['short header', 3],
    ['short payload', 10],
  ])('when the file ends with a %s, then it is reported as a torn tail after the last good record', (reason, keep) => {
    const good = record('good');
    const file = Buffer.concat([good, record('partial').subarray(0, keep)]);
    expect(scanRecords(file, 'f')).toMatchObject({
      records: [{ offset: 0 }],
      torn: { validEnd: good.length, droppedBytes: keep, reason },
    });
  });

  it('when only the final record has a bad checksum, then it is a torn tail', () => {
    const last = record('last');
    last.writeUInt8(last.readUInt8(last.length - 1) ^ 0xff, last.length - 1);
    const file = Buffer.concat([record('good'), last]);
    expect(scanRecords(file, 'f').torn).toMatchObject({ reason: 'bad checksum', validEnd: 12 });
  });

  it('when a bad checksum is followed by more data, then scanning throws DataDirCorruptError at that record', () => {
    const bad = record('bad');
    bad.writeUInt8(bad.readUInt8(bad.length - 1) ^ 0xff, bad.length - 1);
    const file = Buffer.concat([record('good'), bad, record('after')]);
    expect(() => scanRecords(file, 'journal-x.log')).toThrow(DataDirCorruptError);
    expect(() => scanRecords(file, 'journal-x.log')).toThrow(/journal-x\.log at byte 12/);
  });

  it('when a zero length header is followed by non-zero bytes, then scanning throws DataDirCorruptError', () => {
    const file = Buffer.concat([record('good'), Buffer.alloc(8), record('after')]);
    expect(() => scanRecords(file, 'f')).toThrow(/zero length/);
  });

  it('when the file is empty, then there are no records and nothing torn', () => {
    expect(scanRecords(Buffer.alloc(0), 'f')).toEqual({ records: [], torn: null });
  });
});
