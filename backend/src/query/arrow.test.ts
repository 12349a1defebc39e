import { tableFromIPC, Type } from 'apache-arrow';
import fc from 'fast-check';
import { encodeFrame, millisToNanos } from './arrow';

/** The latest time int64 nanoseconds can hold, in milliseconds. */
const INT64_NS_MAX_MS = 9_223_372_036_854;

describe('Arrow frame encoding', () => {
  const frame = {
    name: 'search',
    refId: 'A',
    meta: { type: 'timeseries-multi', typeVersion: [0, 1] as [number, number] },
    fields: [
      { name: 'Time', type: 'time' as const, values: [1_764_000_000_000, 1_764_000_005_000.5] },
      {
        name: 'Value',
        type: 'number' as const,
        values: [1.5, null],
        labels: { operation: 'search' },
        config: { displayNameFromDS: 'search' },
      },
      { name: 'Agent', type: 'string' as const, values: ['coding', 'coding'] },
      { name: 'Ok', type: 'boolean' as const, values: [true, false] },
    ],
  };

  it('writes the IPC file format (ARROW1 magic at both ends)', () => {
    const bytes = encodeFrame(frame);
    const magic = new TextDecoder().decode(bytes.slice(0, 6));
    const tail = new TextDecoder().decode(bytes.slice(bytes.length - 6));
    expect([magic, tail]).toEqual(['ARROW1', 'ARROW1']);
  });

  it('uses Timestamp(ns), Float64, plain Utf8 and Bool, with nullability from the values', () => {
    const table = tableFromIPC(encodeFrame(frame));
    const [time, value, agent, ok] = table.schema.fields;
    expect(time.type.typeId).toBe(Type.Timestamp);
    expect((time.type as any).unit).toBe(3); // TimeUnit.NANOSECOND
    expect(value.type.typeId).toBe(Type.Float);
    expect(value.nullable).toBe(true);
    expect(agent.type.typeId).toBe(Type.Utf8); // never Dictionary
    expect(agent.nullable).toBe(false);
    expect(ok.type.typeId).toBe(Type.Bool);
    // The raw column holds epoch nanoseconds (apache-arrow's get() would convert them to millis).
    expect(Array.from(table.getChild('Time')!.data[0].values as BigInt64Array)).toEqual([
      1_764_000_000_000_000_000n,
      1_764_000_005_000_500_000n,
    ]);
    expect(table.getChild('Value')!.get(1)).toBeNull();
  });

  it('carries name, refId and meta on the schema, labels and config on fields', () => {
    const table = tableFromIPC(encodeFrame(frame));
    expect(table.schema.metadata.get('name')).toBe('search');
    expect(table.schema.metadata.get('refId')).toBe('A');
    expect(JSON.parse(table.schema.metadata.get('meta')!)).toEqual(frame.meta);
    const value = table.schema.fields[1];
    expect(JSON.parse(value.metadata.get('labels')!)).toEqual({ operation: 'search' });
    expect(JSON.parse(value.metadata.get('config')!)).toEqual({ displayNameFromDS: 'search' });
  });

  it('keeps non-ASCII strings and nulls intact in the direct Utf8 encoding', () => {
    const table = tableFromIPC(
      encodeFrame({ fields: [{ name: 's', type: 'string', values: ['größe', null, 'ok', '记忆'] }] })
    );
    expect(table.getChild('s')!.toArray()).toEqual(['größe', null, 'ok', '记忆']);
    expect(table.schema.fields[0].nullable).toBe(true);
  });

  it('keeps each string apart when one ends and the next begins with half of a surrogate pair', () => {
    const table = tableFromIPC(
      encodeFrame({ fields: [{ name: 's', type: 'string', values: ['a\uD83D', '\uDE00b', 'é'] }] })
    );
    expect(table.getChild('s')!.toArray()).toEqual(['a\uFFFD', '\uFFFDb', 'é']);
  });

  it('writes a column of over 1 MiB of text string by string, with the same bytes as a small one', () => {
    const long = 'x'.repeat(300 * 1024);
    const values = [long, 'größe', long, 'a\uD83D', '\uDE00b', long, null, '记忆', long];
    const table = tableFromIPC(encodeFrame({ fields: [{ name: 's', type: 'string', values }] }));
    expect(table.getChild('s')!.toArray()).toEqual([
      long,
      'größe',
      long,
      'a\uFFFD',
      '\uFFFDb',
      long,
      null,
      '记忆',
      long,
    ]);
  });

  it('pads a large text column written in place, so the columns after it read back whole', () => {
    const long = 'y'.repeat(1024 * 1024 + 3); // odd length: the next buffer starts after padding
    const table = tableFromIPC(
      encodeFrame({
        fields: [
          { name: 's', type: 'string', values: [long, 'é'] },
          { name: 'v', type: 'number', values: [1.5, 2.5] },
        ],
      })
    );
    expect(table.getChild('s')!.toArray()).toEqual([long, 'é']);
    expect(Array.from(table.getChild('v')!.toArray() as Float64Array)).toEqual([1.5, 2.5]);
  });

  it('writes a valid empty frame', () => {
    const table = tableFromIPC(encodeFrame({ refId: 'B', fields: [] }));
    expect(table.numRows).toBe(0);
    expect(table.schema.metadata.get('refId')).toBe('B');
  });

  it('refuses fields of unequal length instead of writing a frame Grafana cannot read', () => {
    expect(() =>
      encodeFrame({
        fields: [
          { name: 'a', type: 'number', values: [1] },
          { name: 'b', type: 'number', values: [] },
        ],
      })
    ).toThrow(/has 0 values, expected 1/);
  });

  it('keeps a field declared nullable nullable when none of its values is null', () => {
    const table = tableFromIPC(
      encodeFrame({ fields: [{ name: 'p99', type: 'number', nullable: true, values: [0.1, 0.2] }] })
    );
    expect(table.schema.fields[0].nullable).toBe(true);
  });

  it('converts milliseconds to nanoseconds exactly, keeping sub-millisecond parts', () => {
    expect(millisToNanos(1_764_000_000_123)).toBe(1_764_000_000_123_000_000n);
    expect(millisToNanos(1.5)).toBe(1_500_000n);
  });

  it('writes whole-millisecond times exactly without BigInt arithmetic, at every magnitude', () => {
    const edges = [
      0,
      1,
      2 ** 32 - 1,
      2 ** 32,
      2 ** 32 + 1,
      1_764_000_000_123,
      8_999_999_999_999,
      9_000_000_000_000,
      -1,
    ];
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: INT64_NS_MAX_MS }), { maxLength: 20 }), (random) => {
        const times = [...edges, ...random];
        const table = tableFromIPC(encodeFrame({ fields: [{ name: 'Time', type: 'time', values: times }] }));
        const written = Array.from(table.getChild('Time')!.data[0].values as BigInt64Array);
        expect(written).toEqual(times.map((t) => BigInt(t) * 1_000_000n));
      })
    );
  });
});
