import { fileURLToPath } from 'node:url'
import { seededRandom } from '../src/runtime/seeded-random.js'
import { DataType, writeModel } from './onnx-writer'

export const SIMPLENET_INPUT = 10
export const SIMPLENET_HIDDEN = 20
export const SIMPLENET_OUTPUT = 10
// Fixed so that regenerating the model is byte-identical.
export const SIMPLENET_SEED = 0x5eed_0001

export const SIMPLENET_MODEL_PATH = fileURLToPath(
  new URL('../models/simplenet/1/model.onnx', import.meta.url),
)

/** mulberry32, the generator seeded sampling uses: the weights are the same on every platform. */
export const mulberry32 = seededRandom

/** Row-major weights: w1 is [10, 20] and w2 is [20, 10], so the model computes x·W rather than x·Wᵀ. */
export interface SimplenetWeights {
  w1: Float32Array
  b1: Float32Array
  w2: Float32Array
  b2: Float32Array
}

export function simplenetWeights(seed: number = SIMPLENET_SEED): SimplenetWeights {
  const next = mulberry32(seed)
  const uniform = (n: number) => Float32Array.from({ length: n }, () => next() - 0.5)
  // Order matters: it fixes which PRNG draws land in which tensor.
  return {
    w1: uniform(SIMPLENET_INPUT * SIMPLENET_HIDDEN),
    b1: uniform(SIMPLENET_HIDDEN),
    w2: uniform(SIMPLENET_HIDDEN * SIMPLENET_OUTPUT),
    b2: uniform(SIMPLENET_OUTPUT),
  }
}

export interface MlpSpec {
  graphName: string
  docString: string
  sizes: { input: number; hidden: number; output: number }
  weights: SimplenetWeights
}

/** A two-layer MLP's ONNX bytes: y = Relu(x·W1 + b1)·W2 + b2, with a dynamic batch dimension. */
export function mlpModel({ graphName, docString, sizes, weights }: MlpSpec): Uint8Array {
  const F = DataType.FLOAT
  return writeModel({
    graphName,
    docString,
    inputs: [{ name: 'x', elemType: F, shape: ['batch', sizes.input] }],
    outputs: [{ name: 'y', elemType: F, shape: ['batch', sizes.output] }],
    initializers: [
      { name: 'W1', elemType: F, dims: [sizes.input, sizes.hidden], data: weights.w1 },
      { name: 'b1', elemType: F, dims: [sizes.hidden], data: weights.b1 },
      { name: 'W2', elemType: F, dims: [sizes.hidden, sizes.output], data: weights.w2 },
      { name: 'b2', elemType: F, dims: [sizes.output], data: weights.b2 },
    ],
    nodes: [
      { opType: 'MatMul', inputs: ['x', 'W1'], outputs: ['xW1'] },
      { opType: 'Add', inputs: ['xW1', 'b1'], outputs: ['z1'] },
      { opType: 'Relu', inputs: ['z1'], outputs: ['h'] },
      { opType: 'MatMul', inputs: ['h', 'W2'], outputs: ['hW2'] },
      { opType: 'Add', inputs: ['hW2', 'b2'], outputs: ['y'] },
    ],
  })
}

/** The ONNX bytes of models/simplenet/1/model.onnx: y = Relu(x·W1 + b1)·W2 + b2. */
export function simplenetModel(weights: SimplenetWeights = simplenetWeights()): Uint8Array {
  return mlpModel({
    graphName: 'simplenet',
    docString: 'simplenet: 10->20->10 MLP with ReLU; deterministic weights from scripts/simplenet.ts',
    sizes: { input: SIMPLENET_INPUT, hidden: SIMPLENET_HIDDEN, output: SIMPLENET_OUTPUT },
    weights,
  })
}

function dense(x: Float32Array, batch: number, w: Float32Array, b: Float32Array, nIn: number, nOut: number) {
  const out = new Float32Array(batch * nOut)
  for (let r = 0; r < batch; r++) {
    for (let j = 0; j < nOut; j++) {
      let sum = b[j] ?? 0
      for (let k = 0; k < nIn; k++) sum += (x[r * nIn + k] ?? 0) * (w[k * nOut + j] ?? 0)
      out[r * nOut + j] = sum
    }
  }
  return out
}

/** Pure-JS forward pass of simplenet for row-major x of shape [batch, 10]; returns [batch, 10]. */
export function simplenetReference(
  x: Float32Array,
  batch: number,
  weights: SimplenetWeights = simplenetWeights(),
): Float32Array {
  if (x.length !== batch * SIMPLENET_INPUT) {
    throw new Error(`expected ${batch * SIMPLENET_INPUT} values for batch ${batch}, got ${x.length}`)
  }
  const h = dense(x, batch, weights.w1, weights.b1, SIMPLENET_INPUT, SIMPLENET_HIDDEN).map((v) =>
    Math.max(v, 0),
  )
  return dense(h, batch, weights.w2, weights.b2, SIMPLENET_HIDDEN, SIMPLENET_OUTPUT)
}
