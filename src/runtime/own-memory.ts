/**
 * `bytes` itself when it spans all of its memory, else a copy that does: what can move between threads
 * (`postMessage` with a transfer list moves the whole ArrayBuffer). A view into shared memory (a pooled slab, a
 * partly filled read buffer, a slice of a larger array) would take other bytes along, and Node's pool cannot move
 * at all (it is copied whole instead). `Buffer.from(buffer)` is no such copy: a small one comes from the pool
 * again.
 */
export function ownMemory(bytes: Buffer): Buffer;
export function ownMemory(bytes: Uint8Array): Uint8Array;
export function ownMemory(bytes: Uint8Array): Uint8Array {
  if (bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength) return bytes;
  const copy = new Uint8Array(bytes);
  return Buffer.isBuffer(bytes) ? Buffer.from(copy.buffer, 0, copy.length) : copy;
}
