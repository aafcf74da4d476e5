/**
 * The tiny BERT computed in plain loops, independently of ONNX Runtime and of the server's pooling: the
 * reference the local embeddings are checked against.
 */
import { Tokenizer } from '@huggingface/tokenizers'
import {
  TINY_BERT_EPSILON,
  TINY_BERT_HIDDEN,
  TINY_BERT_VOCAB,
  tinyBertTokenizer,
  tinyBertWeights,
} from '../../../scripts/tiny-bert.js'

const H = TINY_BERT_HIDDEN
const weights = tinyBertWeights()
const tokenizer = new Tokenizer(tinyBertTokenizer(), {})
const CLS = TINY_BERT_VOCAB.indexOf('[CLS]')
const SEP = TINY_BERT_VOCAB.indexOf('[SEP]')

/** [CLS] text [SEP], the text cut so that the whole is at most `maxLength` ids. */
export function referenceIds(text: string, maxLength = 512): number[] {
  const ids = tokenizer.encode(text, { add_special_tokens: false }).ids
  return [CLS, ...ids.slice(0, maxLength - 2), SEP]
}

/** last_hidden_state of one unpadded sequence: [length][H]. */
export function referenceHidden(ids: number[]): number[][] {
  const normed = ids.map((id, position) => {
    const x = Array.from({ length: H }, (_, i) => {
      const word = weights.words[id * H + i] as number
      const type = weights.types[i] as number // token type 0
      const place = weights.positions[position * H + i] as number
      return word + type + place
    })
    const mean = x.reduce((a, b) => a + b, 0) / H
    const variance = x.reduce((a, b) => a + (b - mean) ** 2, 0) / H
    return x.map(
      (v, i) =>
        ((v - mean) / Math.sqrt(variance + TINY_BERT_EPSILON)) * (weights.gamma[i] as number) +
        (weights.beta[i] as number),
    )
  })
  const context = Array.from(
    { length: H },
    (_, i) => normed.reduce((a, row) => a + (row[i] as number), 0) / ids.length,
  )
  return normed.map((row) =>
    Array.from({ length: H }, (_, j) => {
      let sum = weights.bias[j] as number
      for (let k = 0; k < H; k++)
        sum += ((row[k] as number) + (context[k] as number)) * (weights.dense[k * H + j] as number)
      return Math.tanh(sum)
    }),
  )
}

export function referenceEmbedding(
  text: string,
  options: { pooling?: 'mean' | 'cls'; maxLength?: number; normalize?: boolean; dimensions?: number } = {},
): number[] {
  const hidden = referenceHidden(referenceIds(text, options.maxLength))
  let vector =
    options.pooling === 'cls'
      ? (hidden[0] as number[])
      : Array.from(
          { length: H },
          (_, i) => hidden.reduce((a, row) => a + (row[i] as number), 0) / hidden.length,
        )
  const unit = (v: number[]) => {
    const norm = Math.sqrt(v.reduce((a, b) => a + b * b, 0))
    return v.map((x) => x / norm)
  }
  if (options.normalize !== false) vector = unit(vector)
  if (options.dimensions !== undefined) {
    vector = vector.slice(0, options.dimensions)
    if (options.normalize !== false) vector = unit(vector)
  }
  return vector
}
