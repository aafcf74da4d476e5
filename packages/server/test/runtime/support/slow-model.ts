/** MLPs with random weights whose runs take milliseconds or more, written for the runtime tests. */
import { writeFile } from 'node:fs/promises'
import { mlpModel, mulberry32 } from '../../../scripts/simplenet.js'

export interface MlpSizes {
  input: number
  hidden: number
  output: number
}

/** Writes an MLP of these sizes to `file` (weights uniform in ±0.01 from `seed`). */
export async function writeSlowMlp(file: string, sizes: MlpSizes, seed: number): Promise<string> {
  const next = mulberry32(seed)
  const uniform = (n: number) => Float32Array.from({ length: n }, () => (next() - 0.5) * 0.02)
  await writeFile(
    file,
    mlpModel({
      graphName: 'slow',
      docString: 'A model whose runs take long, for the runtime tests.',
      sizes,
      weights: {
        w1: uniform(sizes.input * sizes.hidden),
        b1: uniform(sizes.hidden),
        w2: uniform(sizes.hidden * sizes.output),
        b2: uniform(sizes.output),
      },
    }),
  )
  return file
}
