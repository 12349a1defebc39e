import { Builder, type Offset } from 'flatbuffers';
import { Binary as FbBinary } from 'apache-arrow/fb/binary';
import { Block } from 'apache-arrow/fb/block';
import { Bool as FbBool } from 'apache-arrow/fb/bool';
import { Buffer as FbBuffer } from 'apache-arrow/fb/buffer';
import { Endianness } from 'apache-arrow/fb/endianness';
import { Field as FbField } from 'apache-arrow/fb/field';
import { FieldNode } from 'apache-arrow/fb/field-node';
import { FloatingPoint } from 'apache-arrow/fb/floating-point';
import { Footer } from 'apache-arrow/fb/footer';
import { KeyValue } from 'apache-arrow/fb/key-value';
import { Message } from 'apache-arrow/fb/message';
import { MessageHeader } from 'apache-arrow/fb/message-header';
import { MetadataVersion } from 'apache-arrow/fb/metadata-version';
import { Precision } from 'apache-arrow/fb/precision';
import { RecordBatch as FbRecordBatch } from 'apache-arrow/fb/record-batch';
import { Schema as FbSchema } from 'apache-arrow/fb/schema';
import { TimeUnit } from 'apache-arrow/fb/time-unit';
import { Timestamp as FbTimestamp } from 'apache-arrow/fb/timestamp';
import { Type } from 'apache-arrow/fb/type';
import { Utf8 as FbUtf8 } from 'apache-arrow/fb/utf8';
import { frameLength, type Field, type Frame } from './frame';

/**
 * Encodes frames the way grafana-plugin-sdk-go's `data.UnmarshalArrowFrame` reads them: one Arrow
 * IPC *file* per frame, `Timestamp(ns)` times, plain `Utf8` strings (never dictionaries), labels
 * and config as field metadata, name/refId/meta as schema metadata. One wrong detail here fails a
 * whole QueryData response in Grafana, so the Go conformance harness decodes what this writes (and
 * the unit tests read it back with apache-arrow).
 *
 * Written straight from the columns with the Arrow format's own flatbuffers tables: apache-arrow's
 * Table and IPC writer cost ~0.1 ms of fixed work per frame (visitors, the schema built twice),
 * which for a dashboard's many small series frames was most of the backend's own time per query.
 */

const NS_PER_MS = 1_000_000n;
const TWO_32 = 2 ** 32;
/** Up to here the high word, (v / 2^32) * 1e6 + carry, stays below 2^31 (year 2262, like int64 ns). */
const MAX_SPLIT_MS = 9_000_000_000_000;
const MAGIC = Buffer.from('ARROW1\0\0', 'latin1'); // the 6-byte magic, padded to 8 at the start
const CONTINUATION = 0xffffffff;

/** Epoch milliseconds (possibly fractional) to epoch nanoseconds, exact for integer millis. */
export function millisToNanos(ms: number): bigint {
  const whole = Math.trunc(ms);
  return BigInt(whole) * NS_PER_MS + BigInt(Math.round((ms - whole) * 1e6));
}

const pad8 = (n: number) => (n + 7) & ~7;

/** One builder for every frame (encoding is synchronous): its buffer grows once and is reused. */
const sharedBuilder = new Builder(4096);

/** One column's buffers as the Arrow columnar format lays them out. */
interface Column {
  field: Field;
  nullCount: number;
  /** validity (empty when nothing is null), then offsets and/or data */
  buffers: BodyBytes[];
}

const EMPTY = new Uint8Array(0);

function validityOf(values: readonly unknown[]): { nullCount: number; bitmap: Uint8Array } {
  let nullCount = 0;
  for (const v of values) {
    if (v === null || v === undefined) {
      nullCount++;
    }
  }
  if (nullCount === 0) {
    return { nullCount, bitmap: EMPTY };
  }
  const bitmap = new Uint8Array(Math.ceil(values.length / 8));
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== null && values[i] !== undefined) {
      bitmap[i >> 3] |= 1 << (i & 7);
    }
  }
  return { nullCount, bitmap };
}

const bytesOf = (array: ArrayBufferView) => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);

/**
 * Past this many characters a column is written string by string into one buffer of its exact
 * size, not joined first: the joined text would be one more copy of a large answer in memory.
 */
const JOIN_MAX_CHARS = 1024 * 1024;

/** Offsets and UTF-8 bytes of a Utf8 or Binary column, written directly. */
/**
 * A large text column's UTF-8 bytes, written straight into the encoded frame: encoded apart
 * first, they would be one more copy of a large answer beside the frame that takes them.
 */
interface WrittenLater {
  length: number;
  writeTo(out: Buffer, at: number): void;
}
type BodyBytes = Uint8Array | WrittenLater;

function variableWidth(texts: string[]): BodyBytes[] {
  let total = 0;
  for (let i = 0; i < texts.length && total <= JOIN_MAX_CHARS; i++) {
    total += texts[i].length;
  }
  return total > JOIN_MAX_CHARS ? writtenOneByOne(texts) : joinedThenEncoded(texts);
}

function writtenOneByOne(texts: string[]): BodyBytes[] {
  const offsets = new Int32Array(texts.length + 1);
  let at = 0;
  for (let i = 0; i < texts.length; i++) {
    at += Buffer.byteLength(texts[i], 'utf8');
    offsets[i + 1] = at;
  }
  const data: WrittenLater = {
    length: at,
    writeTo(out, start) {
      for (let i = 0; i < texts.length; i++) {
        out.write(texts[i], start + offsets[i], 'utf8'); // each on its own: a lone surrogate stays U+FFFD
      }
    },
  };
  return [bytesOf(offsets), data];
}

function joinedThenEncoded(texts: string[]): Uint8Array[] {
  const offsets = new Int32Array(texts.length + 1);
  const joined = Buffer.from(texts.join(''), 'utf8');
  let chars = 0;
  for (let i = 0; i < texts.length; i++) {
    chars += texts[i].length;
    offsets[i + 1] = chars;
  }
  if (joined.length === chars) {
    return [bytesOf(offsets), joined]; // all ASCII: character offsets are byte offsets
  }
  // Encoded one by one: a lone surrogate at a string's end must not pair with the next string's.
  const parts = texts.map((t) => Buffer.from(t, 'utf8'));
  let at = 0;
  parts.forEach((bytes, i) => {
    at += bytes.length;
    offsets[i + 1] = at;
  });
  return [bytesOf(offsets), Buffer.concat(parts, at)];
}

function column(field: Field): Column {
  const values = field.values;
  const length = values.length;
  const { nullCount, bitmap } = validityOf(values);
  switch (field.type) {
    case 'time': {
      const ns = new BigInt64Array(length);
      const words = new Uint32Array(ns.buffer); // little-endian halves of each int64
      for (let i = 0; i < length; i++) {
        const v = values[i];
        if (typeof v !== 'number') {
          continue;
        }
        if (Number.isInteger(v) && v >= 0 && v < MAX_SPLIT_MS) {
          // Whole non-negative milliseconds (the common case) without BigInt: ns = v * 1e6 as
          // two exact 32-bit halves.
          const low = v % TWO_32;
          const lowNs = low * 1e6; // < 2^52: exact
          const lowWord = lowNs % TWO_32;
          words[2 * i] = lowWord;
          words[2 * i + 1] = ((v - low) / TWO_32) * 1e6 + (lowNs - lowWord) / TWO_32;
        } else {
          ns[i] = millisToNanos(v);
        }
      }
      return { field, nullCount, buffers: [bitmap, bytesOf(ns)] };
    }
    case 'number': {
      const data = new Float64Array(length);
      for (let i = 0; i < length; i++) {
        const v = values[i];
        data[i] = typeof v === 'number' ? v : Number.NaN;
      }
      return { field, nullCount, buffers: [bitmap, bytesOf(data)] };
    }
    case 'boolean': {
      const bits = new Uint8Array(Math.ceil(length / 8));
      for (let i = 0; i < length; i++) {
        if (values[i]) {
          bits[i >> 3] |= 1 << (i & 7);
        }
      }
      return { field, nullCount, buffers: [bitmap, bits] };
    }
    case 'json':
    case 'string': {
      const text = field.type === 'json' ? JSON.stringify : String;
      const texts = values.map((v) => (v === null || v === undefined ? '' : text(v)));
      return { field, nullCount, buffers: [bitmap, ...variableWidth(texts)] };
    }
  }
}

/** Strings as UTF-8 bytes, encoded once for both copies of the schema. */
type Utf8Bytes = Uint8Array;
const utf8 = (text: string): Utf8Bytes => Buffer.from(text, 'utf8');
const KEYS = {
  name: utf8('name'),
  refId: utf8('refId'),
  meta: utf8('meta'),
  labels: utf8('labels'),
  config: utf8('config'),
};

function keyValues(builder: Builder, entries: Array<[Utf8Bytes, Utf8Bytes]>): Offset[] {
  return entries.map(([key, value]) =>
    KeyValue.createKeyValue(builder, builder.createString(key), builder.createString(value))
  );
}

function fieldMetadata(field: Field): Array<[Utf8Bytes, Utf8Bytes]> {
  const metadata: Array<[Utf8Bytes, Utf8Bytes]> = [];
  if (field.labels && Object.keys(field.labels).length > 0) {
    metadata.push([KEYS.labels, utf8(JSON.stringify(field.labels))]);
  }
  if (field.config && Object.keys(field.config).length > 0) {
    metadata.push([KEYS.config, utf8(JSON.stringify(field.config))]);
  }
  return metadata;
}

function fieldType(builder: Builder, field: Field): [Type, Offset] {
  switch (field.type) {
    case 'time':
      FbTimestamp.startTimestamp(builder);
      FbTimestamp.addUnit(builder, TimeUnit.NANOSECOND);
      return [Type.Timestamp, FbTimestamp.endTimestamp(builder)];
    case 'number':
      return [Type.FloatingPoint, FloatingPoint.createFloatingPoint(builder, Precision.DOUBLE)];
    case 'boolean':
      FbBool.startBool(builder);
      return [Type.Bool, FbBool.endBool(builder)];
    case 'json':
      FbBinary.startBinary(builder);
      return [Type.Binary, FbBinary.endBinary(builder)];
    case 'string':
      FbUtf8.startUtf8(builder);
      return [Type.Utf8, FbUtf8.endUtf8(builder)];
  }
}

/** Serialised schema metadata and field metadata, made once and written into both schema copies. */
interface SchemaParts {
  metadata: Array<[Utf8Bytes, Utf8Bytes]>;
  fields: Array<{ name: Utf8Bytes; nullable: boolean; field: Field; metadata: Array<[Utf8Bytes, Utf8Bytes]> }>;
}

function writeSchema(builder: Builder, parts: SchemaParts): Offset {
  const fields = parts.fields.map((f) => {
    const name = builder.createString(f.name);
    const [typeType, type] = fieldType(builder, f.field);
    const children = FbField.createChildrenVector(builder, []);
    const metadata = f.metadata.length
      ? FbField.createCustomMetadataVector(builder, keyValues(builder, f.metadata))
      : 0;
    FbField.startField(builder);
    FbField.addName(builder, name);
    FbField.addNullable(builder, f.nullable);
    FbField.addTypeType(builder, typeType);
    FbField.addType(builder, type);
    FbField.addChildren(builder, children);
    if (metadata) {
      FbField.addCustomMetadata(builder, metadata);
    }
    return FbField.endField(builder);
  });
  const fieldsVector = FbSchema.createFieldsVector(builder, fields);
  const metadata = FbSchema.createCustomMetadataVector(builder, keyValues(builder, parts.metadata));
  FbSchema.startSchema(builder);
  FbSchema.addEndianness(builder, Endianness.Little);
  FbSchema.addFields(builder, fieldsVector);
  FbSchema.addCustomMetadata(builder, metadata);
  return FbSchema.endSchema(builder);
}

function message(builder: Builder, headerType: MessageHeader, header: Offset, bodyLength: number): Uint8Array {
  Message.startMessage(builder);
  Message.addVersion(builder, MetadataVersion.V5);
  Message.addHeaderType(builder, headerType);
  Message.addHeader(builder, header);
  Message.addBodyLength(builder, BigInt(bodyLength));
  builder.finish(Message.endMessage(builder));
  return builder.asUint8Array().slice(); // a copy: the builder is cleared and reused next
}

/** An encapsulated IPC message's prefix: continuation marker and padded metadata length. */
function encapsulated(metadata: Uint8Array): { prefix: Buffer; metadataLength: number } {
  const metadataLength = pad8(8 + metadata.length); // prefix + flatbuffer, to an 8-byte boundary
  const prefix = Buffer.alloc(8);
  prefix.writeUInt32LE(CONTINUATION, 0);
  prefix.writeInt32LE(metadataLength - 8, 4);
  return { prefix, metadataLength };
}

/** Encodes one frame as one Arrow IPC file. */
export function encodeFrame(frame: Frame, refId = frame.refId ?? ''): Buffer {
  const length = frameLength(frame);
  const columns = frame.fields.map((field) => {
    if (field.values.length !== length) {
      throw new Error(
        `frame ${frame.name ?? ''}: field ${field.name} has ${field.values.length} values, expected ${length}`
      );
    }
    return column(field);
  });
  const schemaMetadata: Array<[Utf8Bytes, Utf8Bytes]> = [
    [KEYS.name, utf8(frame.name ?? '')],
    [KEYS.refId, utf8(refId)],
  ];
  if (frame.meta) {
    schemaMetadata.push([KEYS.meta, utf8(JSON.stringify(frame.meta))]);
  }
  const parts: SchemaParts = {
    metadata: schemaMetadata,
    fields: columns.map((c) => ({
      name: utf8(c.field.name),
      nullable: c.field.nullable === true || c.nullCount > 0,
      field: c.field,
      metadata: fieldMetadata(c.field),
    })),
  };

  // The record batch body: every buffer at an 8-byte aligned offset.
  const buffers: Array<{ offset: number; bytes: BodyBytes }> = [];
  let bodyLength = 0;
  for (const c of columns) {
    for (const bytes of c.buffers) {
      buffers.push({ offset: bodyLength, bytes });
      bodyLength += pad8(bytes.length);
    }
  }

  const builder = sharedBuilder;
  builder.clear();
  const schemaMessage = message(builder, MessageHeader.Schema, writeSchema(builder, parts), 0);
  const schema = encapsulated(schemaMessage);

  builder.clear();
  FbRecordBatch.startNodesVector(builder, columns.length);
  for (let i = columns.length - 1; i >= 0; i--) {
    FieldNode.createFieldNode(builder, BigInt(length), BigInt(columns[i].nullCount));
  }
  const nodes = builder.endVector();
  FbRecordBatch.startBuffersVector(builder, buffers.length);
  for (let i = buffers.length - 1; i >= 0; i--) {
    FbBuffer.createBuffer(builder, BigInt(buffers[i].offset), BigInt(buffers[i].bytes.length));
  }
  const bufferVector = builder.endVector();
  FbRecordBatch.startRecordBatch(builder);
  FbRecordBatch.addLength(builder, BigInt(length));
  FbRecordBatch.addNodes(builder, nodes);
  FbRecordBatch.addBuffers(builder, bufferVector);
  const batchMessage = message(builder, MessageHeader.RecordBatch, FbRecordBatch.endRecordBatch(builder), bodyLength);
  const batch = encapsulated(batchMessage);

  const batchOffset = MAGIC.length + schema.metadataLength;
  builder.clear();
  const footerSchema = writeSchema(builder, parts);
  Footer.startDictionariesVector(builder, 0);
  const dictionaries = builder.endVector();
  Footer.startRecordBatchesVector(builder, 1);
  Block.createBlock(builder, BigInt(batchOffset), batch.metadataLength, BigInt(bodyLength));
  const blocks = builder.endVector();
  Footer.startFooter(builder);
  Footer.addVersion(builder, MetadataVersion.V5);
  Footer.addSchema(builder, footerSchema);
  Footer.addDictionaries(builder, dictionaries);
  Footer.addRecordBatches(builder, blocks);
  builder.finish(Footer.endFooter(builder));
  const footer = builder.asUint8Array();

  const total = batchOffset + batch.metadataLength + bodyLength + footer.length + 4 + 6;
  // Not zeroed up front (a large frame is megabytes): each write zeroes its own padding.
  const out = Buffer.allocUnsafe(total);
  const put = (at: number, bytes: Uint8Array, end = at + bytes.length) => {
    out.set(bytes, at);
    out.fill(0, at + bytes.length, end);
  };
  put(0, MAGIC);
  put(MAGIC.length, schema.prefix);
  put(MAGIC.length + 8, schemaMessage, batchOffset);
  put(batchOffset, batch.prefix);
  const bodyStart = batchOffset + batch.metadataLength;
  put(batchOffset + 8, batchMessage, bodyStart);
  for (const { offset, bytes } of buffers) {
    const at = bodyStart + offset;
    if (bytes instanceof Uint8Array) {
      put(at, bytes, at + pad8(bytes.length));
    } else {
      bytes.writeTo(out, at);
      out.fill(0, at + bytes.length, at + pad8(bytes.length));
    }
  }
  const footerStart = bodyStart + bodyLength;
  put(footerStart, footer);
  out.writeInt32LE(footer.length, footerStart + footer.length);
  out.write('ARROW1', footerStart + footer.length + 4, 'latin1');
  return out;
}
