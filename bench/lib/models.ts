/**
 * Models the suite generates: a weights-bound MLP (512 → 16384 → 512, 64 MiB of FP32 weights), written
 * with the server's ONNX writer into a temporary model repository. Its weights are twice this machine's
 * 32 MiB L3 cache, so one row per run streams them all from memory (measured: ~250 rows/s alone,
 * ~2,500 rows/s in runs of 64); a 6 MB MLP stayed in cache and gained little from batching.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { mlpModel, mulberry32 } from '../../packages/server/scripts/simplenet.ts'

export const MLP_IN = 512
export const MLP_HIDDEN = 16384
export const MLP_OUT = 512

/** The MLP's ONNX bytes: y = Relu(x·W1 + b1)·W2 + b2, seeded weights. */
export function weightsBoundModel(): Uint8Array {
  const next = mulberry32(0x6d6c70)
  const uniform = (n: number) => {
    const out = new Float32Array(n)
    for (let i = 0; i < n; i++) out[i] = (next() - 0.5) * 0.02
    return out
  }
  return mlpModel({
    graphName: 'mlp',
    docString: 'A weights-bound MLP for benchmarks: 512 -> 16384 -> 512 with ReLU.',
    sizes: { input: MLP_IN, hidden: MLP_HIDDEN, output: MLP_OUT },
    // Drawn in this order (W1, b1, W2, b2), so the weights stay what earlier runs measured.
    weights: {
      w1: uniform(MLP_IN * MLP_HIDDEN),
      b1: uniform(MLP_HIDDEN),
      w2: uniform(MLP_HIDDEN * MLP_OUT),
      b2: uniform(MLP_OUT),
    },
  })
}

/** Bytes of weights in the MLP. */
export const MLP_WEIGHT_BYTES = 4 * (MLP_IN * MLP_HIDDEN + MLP_HIDDEN + MLP_HIDDEN * MLP_OUT + MLP_OUT)

/**
 * Two model repositories: `on` serves the MLP with default settings (batching on, as its first
 * dimensions are dynamic); `off` serves the MLP and simplenet with `batching: false`.
 */
export async function benchRepositories(
  simplenetFile: string,
): Promise<{ on: string; off: string; remove(): Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'modelport-bench-'))
  const mlp = weightsBoundModel()
  const simplenet = await readFile(simplenetFile)
  const add = async (path: string, bytes: Uint8Array | string) => {
    await mkdir(join(root, path, '..'), { recursive: true })
    await writeFile(join(root, path), bytes)
  }
  await add('on/mlp/1/model.onnx', mlp)
  await add('off/mlp/1/model.onnx', mlp)
  await add('off/mlp/model.json', JSON.stringify({ batching: false }))
  await add('off/simplenet/1/model.onnx', simplenet)
  await add('off/simplenet/model.json', JSON.stringify({ batching: false }))
  return {
    on: join(root, 'on'),
    off: join(root, 'off'),
    remove: () => rm(root, { recursive: true, force: true }),
  }
}
