// The quick start of the README: run simplenet, a built-in model, from the SDK.
import { createModelport } from '@modelport/sdk'

const mp = createModelport({ baseUrl: process.env.MODELPORT_URL ?? 'http://localhost:8080' })

// Shapes and datatypes come from the model's metadata: simplenet takes x [-1, 10] FP32.
const x = new Float32Array([0.5, -1, 2, 0.25, 3, -0.75, 1.5, 0, -2, 4])
const { outputs } = await mp.infer('simplenet', { inputs: { x } })
const y = outputs.y
if (!y) throw new Error('simplenet returned no y')
console.log(y.datatype, y.shape, Array.from(y.data as Float32Array, (v) => v.toFixed(4)).join(' '))
