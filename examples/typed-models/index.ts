/**
 * Typed functions for the models a server has deployed. With `pnpm start` running, from the repository
 * root, write them (again, whenever the deployed models change), then call them:
 *
 *   npx tsx --conditions=source packages/sdk/bin/modelport-gen-client.js \
 *     --url http://localhost:8080 --out examples/typed-models/generated/models.ts
 *   pnpm -F @modelport/examples run example typed-models
 */
import { createModelport } from '@modelport/sdk'
import { createModels } from './generated/models.js'

const models = createModels(
  createModelport({ baseUrl: process.env.MODELPORT_URL ?? 'http://localhost:8080' }),
)

// x is FP32 [-1, 10]: ten values make one row. `models.simplenet({ x: ['a'] })` would not compile.
const x = new Float32Array([0.5, -1, 2, 0.25, 3, -0.75, 1.5, 0, -2, 4])
const { y } = await models.simplenet({ x })

// y: Tensor<'FP32', [number, 10]>, so y.data is a Float32Array and y.shape[1] is the literal 10.
const width: 10 = y.shape[1]
console.log(`simplenet y ${y.datatype} [${y.shape.join(', ')}] width ${width}`)
console.log(Array.from(y.data, (value) => value.toFixed(4)).join(' '))
