import { LINE_INDEX_WASM_BASE64 } from './line-index-wasm.js';

interface LineIndexExports {
  scan(start: number, end: number, out: number, max: number): number;
  shapeHash(start: number, end: number): number;
  lines: { value: number };
  resume: { value: number };
}

/** The part of the WebAssembly JS API used here (the DOM lib that declares it is not loaded). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
}
const wasm = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

/** (line start, newline) pairs one `scan` call may write. */
const MAX_PAIRS = 8192;
/** Lines one 64-byte block of the .wat's scan can end: it stops while fewer pairs are free. */
const BLOCK_LINES = 64;
const PAGE = 65_536;
/** memory[0, 512) holds the byte tables of the .wat. */
const TABLE_BYTES = 512;

let compiled: object | undefined;
/** Every line index by its memory, so a buffer in one is hashed where it lies. */
const byMemory = new WeakMap<ArrayBuffer, LineIndex>();
/** Where lines from ordinary buffers are copied to be hashed. */
let scratch: { index: LineIndex; buffer: Buffer } | undefined;
const SCRATCH_BYTES = 64 * 1024;

/**
 * The shape of a log line as a 53-bit number (wasm/line-index.wat `shapeHash`): bytes hashed in
 * order, except that every token (letters, digits, `_ - . :`) holding a digit or starting like a
 * LiveKit id (RM_, PA_, SCL_...) counts as `#`. Lines that differ only in ids, numbers and times
 * share a shape. Bytes inside a line index's memory are hashed in place, others are copied.
 */
export function shapeHash(buf: Buffer, start: number, end: number): number {
  const owner = byMemory.get(buf.buffer as ArrayBuffer);
  if (owner) return owner.shapeHashAt(buf.byteOffset + start, buf.byteOffset + end);
  const length = end - start;
  if (length > SCRATCH_BYTES) {
    const index = new LineIndex(length);
    const copy = index.buffer(length);
    buf.copy(copy, 0, start, end);
    return index.shapeHashAt(copy.byteOffset, copy.byteOffset + length);
  }
  if (!scratch) {
    const index = new LineIndex(SCRATCH_BYTES);
    scratch = { index, buffer: index.buffer(SCRATCH_BYTES) };
  }
  buf.copy(scratch.buffer, 0, start, end);
  const base = scratch.buffer.byteOffset;
  return scratch.index.shapeHashAt(base, base + length);
}

/**
 * The WebAssembly line index (wasm/line-index.wat) with its own memory: `buffer()` hands out
 * views of that memory to read the log into, and `scan` walks a range of it, giving JavaScript
 * only the lines that are not routine JSON records.
 */
export class LineIndex {
  readonly #memory: { buffer: ArrayBuffer };
  readonly #exports: LineIndexExports;
  readonly #pairs: Int32Array;
  readonly #pairsOffset: number;
  #allocated = 0;

  /** `bufferBytes`: room for every buffer `buffer()` will hand out. */
  constructor(bufferBytes: number) {
    compiled ??= new wasm.Module(Buffer.from(LINE_INDEX_WASM_BASE64, 'base64'));
    this.#allocated = TABLE_BYTES;
    this.#pairsOffset = Math.ceil((TABLE_BYTES + bufferBytes) / 8) * 8;
    const bytes = this.#pairsOffset + MAX_PAIRS * 8;
    this.#memory = new wasm.Memory({ initial: Math.ceil(bytes / PAGE) });
    this.#exports = new wasm.Instance(compiled, { env: { memory: this.#memory } })
      .exports as unknown as LineIndexExports;
    this.#pairs = new Int32Array(this.#memory.buffer, this.#pairsOffset, MAX_PAIRS * 2);
    byMemory.set(this.#memory.buffer, this);
  }

  /** shapeHash of memory[start, end) (absolute offsets). */
  shapeHashAt(start: number, end: number): number {
    return this.#exports.shapeHash(start, end);
  }

  /** A buffer of `length` bytes inside the index's memory. */
  buffer(length: number): Buffer {
    if (this.#allocated + length > this.#pairsOffset)
      throw new RangeError('line index memory full');
    const view = Buffer.from(this.#memory.buffer, this.#allocated, length);
    this.#allocated += length;
    return view;
  }

  /**
   * Walks the lines ending in `buf[from, length)` (`buf` from `buffer()`, `from` a line start):
   * calls `visit(start, newline)` (offsets in `buf`) for each line that is not routine JSON.
   * Returns the number of lines ended and where the first unfinished line starts.
   */
  scan(
    buf: Buffer,
    from: number,
    length: number,
    visit: (start: number, newline: number) => void,
  ): { lines: number; resume: number } {
    const base = buf.byteOffset;
    const pairs = this.#pairs;
    const { scan, lines, resume } = this.#exports;
    let start = base + from;
    let total = 0;
    for (;;) {
      const count = scan(start, base + length, this.#pairsOffset, MAX_PAIRS);
      total += lines.value;
      for (let k = 0; k < count * 2; k += 2) {
        visit((pairs[k] as number) - base, (pairs[k + 1] as number) - base);
      }
      start = resume.value;
      // Fewer pairs than could fit: the whole range was scanned.
      if (count <= MAX_PAIRS - BLOCK_LINES) return { lines: total, resume: start - base };
    }
  }
}
