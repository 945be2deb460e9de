// MD5OfMessageAttributes as SQS documents it, written here from the documentation so that the
// tests check rekey's digest against an implementation that is not rekey's: for each attribute
// in name order, the name, the type and the value, each a 4-byte big-endian length and its
// UTF-8 (or binary) bytes, the value preceded by one byte (1 for String and Number, 2 for Binary).
import { createHash } from 'node:crypto';

function lengthPrefixed(bytes) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

// attributes: { name: { DataType, StringValue } | { DataType, BinaryValue: Buffer | Uint8Array | base64 string } }
export function md5OfMessageAttributes(attributes) {
  const parts = [];
  for (const name of Object.keys(attributes).sort()) {
    const { DataType, StringValue, BinaryValue } = attributes[name];
    parts.push(lengthPrefixed(Buffer.from(name, 'utf8')), lengthPrefixed(Buffer.from(DataType, 'utf8')));
    if (DataType.startsWith('Binary')) {
      const bytes = typeof BinaryValue === 'string' ? Buffer.from(BinaryValue, 'base64') : Buffer.from(BinaryValue);
      parts.push(Buffer.from([2]), lengthPrefixed(bytes));
    } else {
      parts.push(Buffer.from([1]), lengthPrefixed(Buffer.from(StringValue, 'utf8')));
    }
  }
  return createHash('md5').update(Buffer.concat(parts)).digest('hex');
}
