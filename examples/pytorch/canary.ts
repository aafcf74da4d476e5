/**
 * The retrained version as a canary, judged on live feedback. With version 1 served and version 2
 * exported beside it (see index.ts, retrain.py), and live rows from live_data.py:
 *
 *   npx tsx --conditions=source examples/pytorch/canary.ts /tmp/mlp-live.json
 *
 * It sends 30% of unpinned requests to version 2, calls the model once per live row, sends each
 * row's true class (the index of its largest target) as feedback for the request that answered it,
 * reads each version's live accuracy, and promotes version 2 if it is more accurate, else rolls it back.
 */
import { readFile } from 'node:fs/promises'
import { createModelport } from '@modelport/sdk'
import {
  modelStatistics,
  promoteModelRollout,
  rollbackModelRollout,
  sendFeedback,
  setModelRollout,
} from '@modelport/sdk/admin'
import { createModels } from './generated/models.js'

interface Live {
  features: number[][]
  targets: number[][]
}

const file = process.argv[2]
if (!file) {
  console.error('Usage: canary.ts <live.json written by live_data.py>')
  process.exit(2)
}
const live = JSON.parse(await readFile(file, 'utf8')) as Live
const mp = createModelport({
  baseUrl: process.env.MODELPORT_URL ?? 'http://localhost:8080',
  apiKey: process.env.MODELPORT_API_KEY,
})
const models = createModels(mp)
const argmax = (values: number[]) =>
  values.reduce((best, v, i) => (v > (values[best] as number) ? i : best), 0)

await setModelRollout(mp, 'mlp', { stable: '1', canary: { version: '2', weight: 0.3 } })

// Answers now; the truth comes later, named by the request id the server gave each answer.
const answered: { id: string; label: number }[] = []
for (const [row, features] of live.features.entries()) {
  const { response } = await models.mlp({ features: Float32Array.from(features) }).withResponse()
  answered.push({ id: response.headers.get('x-request-id') ?? '', label: argmax(live.targets[row] ?? []) })
}
for (const { id, label } of answered) await sendFeedback(mp, 'mlp', { id, label })

const { model_stats } = await modelStatistics(mp, { model: 'mlp' })
const accuracy = (version: string) => model_stats.find((s) => s.version === version)?.quality?.accuracy ?? 0
for (const stats of model_stats)
  console.log(
    `version ${stats.version}: accuracy ${(stats.quality?.accuracy ?? 0).toFixed(3)} over ${stats.quality?.labels ?? 0} labelled rows`,
  )
if (accuracy('2') > accuracy('1')) {
  const { stable } = await promoteModelRollout(mp, 'mlp')
  console.log(`promoted: version ${stable} is stable`)
} else {
  await rollbackModelRollout(mp, 'mlp')
  console.log('rolled back: version 1 stays stable')
}
