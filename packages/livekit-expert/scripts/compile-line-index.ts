import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';

const source = fileURLToPath(new URL('../wasm/line-index.wat', import.meta.url));

/** The WebAssembly binary of wasm/line-index.wat. */
export async function compileLineIndex(): Promise<Buffer> {
  const wabt = await wabtInit();
  const module = wabt.parseWat('line-index.wat', readFileSync(source, 'utf8'), { simd: true });
  try {
    module.validate();
    return Buffer.from(module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}
