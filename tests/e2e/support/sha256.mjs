// The hash @smithy/signature-v4 asks for (its `sha256` option), from node:crypto: SHA-256, or
// HMAC-SHA256 when given a key. What @aws-crypto/sha256-js would give, without installing it.
import { createHash, createHmac } from 'node:crypto';

export class Sha256 {
  constructor(secret) { this.hash = secret ? createHmac('sha256', secret) : createHash('sha256'); }
  update(data) { this.hash.update(data); }
  async digest() { return new Uint8Array(this.hash.digest()); }
}
