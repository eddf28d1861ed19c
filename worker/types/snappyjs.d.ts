// snappyjs 0.7 ships no types. Block format (not framed): what Prometheus remote_write uses.
declare module 'snappyjs' {
  /** Throws if the stream is corrupt or claims more than `maxLength` bytes (checked before allocating). */
  export function uncompress(compressed: Uint8Array, maxLength?: number): Uint8Array;
  export function compress(uncompressed: Uint8Array): Uint8Array;
}
