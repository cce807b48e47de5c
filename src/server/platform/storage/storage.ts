import type { Readable } from 'node:stream';

/**
 * Where resource file contents live. The database keeps only metadata and the key; a blob is
 * named by its content, so it is never overwritten with something else.
 */
export interface StoredObject {
  key: string;
  size: number;
  sha256: string;
  /** GB/T 32905 SM3, kept beside SHA-256 for the domestic-crypto (国密) checks auditors run. */
  sm3: string;
}

export interface PutOptions {
  /** Larger uploads are aborted mid-stream and leave nothing behind. */
  maxBytes: number;
}

export interface FileStorage {
  put(source: AsyncIterable<Buffer> | Readable, opts: PutOptions): Promise<StoredObject>;
  /** Opens the blob; rejects before any byte is sent when it is missing. */
  get(key: string): Promise<Readable>;
  remove(key: string): Promise<void>;
}

export class FileTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`The file is larger than ${maxBytes} bytes`);
    this.name = 'FileTooLargeError';
  }
}

export class BlobMissingError extends Error {
  constructor(readonly key: string) {
    super(`Stored file ${key} is missing`);
    this.name = 'BlobMissingError';
  }
}
