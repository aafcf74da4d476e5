/**
 * A model trained in PyTorch, called as a typed function. From the repository root:
 *
 *   /usr/bin/python3 examples/pytorch/train.py --repository models --expected /tmp/mlp-v1.json
 *   MODELPORT_MODELS=models pnpm start          # serves models/mlp/1/model.onnx
 *   npx tsx --conditions=source packages/sdk/bin/modelport-gen-client.js \
 *     --url http://localhost:8080 --out examples/pytorch/generated/models.ts
 *   pnpm -F @modelport/examples run example pytorch /tmp/mlp-v1.json
 *
 * It sends the inputs the training script wrote and compares the served outputs with PyTorch's own.
 */
import { readFile } from 'node:fs/promises'
import { createModelport } from '@modelport/sdk'
import { createModels } from './generated/models.js'

interface Expected {
  features: number[][]
  prediction: number[][]
}

const file = process.argv[2]
if (!file) {
  console.error('Usage: pytorch <expected.json written by train.py or retrain.py>')
  process.exit(2)
}
const expected = JSON.parse(await readFile(file, 'utf8')) as Expected
const models = createModels(
  createModelport({ baseUrl: process.env.MODELPORT_URL ?? 'http://localhost:8080' }),
)

// features is FP32 [-1, 10]: a flat Float32Array of 10 values per row; the batch size is worked out.
const features = Float32Array.from(expected.features.flat())
const { prediction } = await models
  .mlp({ features })
  .withResponse()
  .then(({ data, response }) => {
    console.log(`mlp version ${response.headers.get('x-modelport-model-version') ?? '?'}`)
    return data
  })

// prediction: Tensor<'FP32', [number, 10]>, so the row width is the literal 10.
const width: 10 = prediction.shape[1]
let maxDiff = 0
prediction.data.forEach((value, index) => {
  const want = expected.prediction[Math.floor(index / width)]?.[index % width] as number
  maxDiff = Math.max(maxDiff, Math.abs(value - want))
})
console.log(
  `rows ${prediction.shape[0]} width ${width} max abs diff from PyTorch ${maxDiff.toExponential(2)}`,
)
