// Writes the tiny BERT embeddings model into a model repository folder, ready to serve:
//   tsx scripts/generate-tiny-bert.ts models/tiny-bert
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tinyBertModel, tinyBertTokenizer } from './tiny-bert'

const dir = process.argv[2]
if (!dir) {
  console.error('Usage: tsx scripts/generate-tiny-bert.ts <model folder, e.g. models/tiny-bert>')
  process.exit(2)
}
mkdirSync(dir, { recursive: true })
writeFileSync(join(dir, 'model.onnx'), tinyBertModel())
writeFileSync(join(dir, 'tokenizer.json'), `${JSON.stringify(tinyBertTokenizer(), null, 2)}\n`)
writeFileSync(
  join(dir, 'model.json'),
  `${JSON.stringify({ task: 'embeddings', pooling: 'mean' }, null, 2)}\n`,
)
console.log(`wrote ${dir}/model.onnx, tokenizer.json and model.json`)
