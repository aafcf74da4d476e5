/**
 * A tiny BERT-shaped embeddings model and its WordPiece tokenizer, written from code with fixed
 * seeded weights, for the embeddings tests. Same signature as real sentence-transformers exports:
 * `input_ids`, `attention_mask`, `token_type_ids` [batch, sequence] int64 → `last_hidden_state`
 * [batch, sequence, hidden]. One layer: word + token-type + position embeddings, LayerNorm, then
 * each token mixed with the attention-masked mean of the sequence (so padding that is not masked
 * would change every output) through a dense Tanh layer.
 */
import { DataType, writeModel } from './onnx-writer'
import { mulberry32 } from './simplenet'

export const TINY_BERT_HIDDEN = 16
export const TINY_BERT_POSITIONS = 512
export const TINY_BERT_TYPES = 2
export const TINY_BERT_EPSILON = 1e-5
// Fixed so that regenerating gives the same bytes.
export const TINY_BERT_SEED = 0x5eed_0b17

const SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']
const WORDS = [
  '.',
  ',',
  '!',
  '?',
  "'",
  'the',
  'a',
  'an',
  'cat',
  'dog',
  'sat',
  'on',
  'mat',
  'ran',
  'in',
  'park',
  'is',
  'was',
  'happy',
  'sad',
  'quick',
  'brown',
  'fox',
  'jump',
  'over',
  'lazy',
  'hello',
  'world',
  'model',
  'port',
  'speech',
  'text',
  'and',
  'of',
  'to',
  'it',
  'embed',
  'token',
  'sun',
  'rain',
  'today',
  'we',
  'go',
  'out',
  'side',
  'red',
  'blue',
  'green',
  'car',
  'road',
  'fast',
  'slow',
  'very',
  'big',
  'small',
  'house',
  'tree',
  'bird',
  'sing',
  'read',
  'book',
]
const SUFFIXES = ['##s', '##ing', '##ed', '##ly', '##er', '##port', '##ness']

/** Token strings by id. */
export const TINY_BERT_VOCAB: readonly string[] = [...SPECIALS, ...WORDS, ...SUFFIXES]

/** Row-major weights; `dense` is [hidden, hidden] so the model computes x·W. */
export interface TinyBertWeights {
  words: Float32Array
  positions: Float32Array
  types: Float32Array
  gamma: Float32Array
  beta: Float32Array
  dense: Float32Array
  bias: Float32Array
}

export function tinyBertWeights(seed: number = TINY_BERT_SEED): TinyBertWeights {
  const next = mulberry32(seed)
  const uniform = (n: number, scale: number) =>
    Float32Array.from({ length: n }, () => (next() * 2 - 1) * scale)
  const H = TINY_BERT_HIDDEN
  // Order matters: it fixes which PRNG draws land in which tensor.
  return {
    words: uniform(TINY_BERT_VOCAB.length * H, 1),
    positions: uniform(TINY_BERT_POSITIONS * H, 0.5),
    types: uniform(TINY_BERT_TYPES * H, 0.5),
    gamma: Float32Array.from(uniform(H, 0.2), (v) => 1 + v),
    beta: uniform(H, 0.1),
    dense: uniform(H * H, 1 / Math.sqrt(H)),
    bias: uniform(H, 0.1),
  }
}

/** The ONNX bytes of the tiny BERT. */
export function tinyBertModel(weights: TinyBertWeights = tinyBertWeights()): Uint8Array {
  const F = DataType.FLOAT
  const I = DataType.INT64
  const H = TINY_BERT_HIDDEN
  const scalar = (name: string, value: bigint) => ({
    name,
    elemType: I,
    dims: [],
    data: BigInt64Array.from([value]),
  })
  const tokens = (name: string) => ({ name, elemType: I, shape: ['batch', 'sequence'] })
  return writeModel({
    graphName: 'tiny_bert',
    docString:
      'tiny-bert: a one-layer BERT-shaped embeddings model for tests; weights from scripts/tiny-bert.ts',
    inputs: [tokens('input_ids'), tokens('attention_mask'), tokens('token_type_ids')],
    outputs: [{ name: 'last_hidden_state', elemType: F, shape: ['batch', 'sequence', H] }],
    initializers: [
      { name: 'word_embeddings', elemType: F, dims: [TINY_BERT_VOCAB.length, H], data: weights.words },
      { name: 'position_embeddings', elemType: F, dims: [TINY_BERT_POSITIONS, H], data: weights.positions },
      { name: 'token_type_embeddings', elemType: F, dims: [TINY_BERT_TYPES, H], data: weights.types },
      { name: 'gamma', elemType: F, dims: [H], data: weights.gamma },
      { name: 'beta', elemType: F, dims: [H], data: weights.beta },
      { name: 'dense', elemType: F, dims: [H, H], data: weights.dense },
      { name: 'bias', elemType: F, dims: [H], data: weights.bias },
      scalar('zero', 0n),
      scalar('one', 1n),
      { name: 'last_axis', elemType: I, dims: [1], data: BigInt64Array.from([-1n]) },
      { name: 'sequence_axis', elemType: I, dims: [1], data: BigInt64Array.from([1n]) },
    ],
    nodes: [
      { opType: 'Gather', inputs: ['word_embeddings', 'input_ids'], outputs: ['words'] },
      { opType: 'Gather', inputs: ['token_type_embeddings', 'token_type_ids'], outputs: ['types'] },
      { opType: 'Shape', inputs: ['input_ids'], outputs: ['ids_shape'] },
      { opType: 'Gather', inputs: ['ids_shape', 'one'], outputs: ['length'] },
      { opType: 'Range', inputs: ['zero', 'length', 'one'], outputs: ['position_ids'] },
      { opType: 'Gather', inputs: ['position_embeddings', 'position_ids'], outputs: ['positions'] },
      { opType: 'Add', inputs: ['words', 'types'], outputs: ['words_types'] },
      { opType: 'Add', inputs: ['words_types', 'positions'], outputs: ['embedded'] },
      {
        opType: 'LayerNormalization',
        inputs: ['embedded', 'gamma', 'beta'],
        outputs: ['normed'],
        attributes: { axis: { i: -1 }, epsilon: { f: TINY_BERT_EPSILON } },
      },
      {
        opType: 'Cast',
        inputs: ['attention_mask'],
        outputs: ['mask'],
        attributes: { to: { i: DataType.FLOAT } },
      },
      { opType: 'Unsqueeze', inputs: ['mask', 'last_axis'], outputs: ['mask3'] },
      { opType: 'Mul', inputs: ['normed', 'mask3'], outputs: ['masked'] },
      {
        opType: 'ReduceSum',
        inputs: ['masked', 'sequence_axis'],
        outputs: ['summed'],
        attributes: { keepdims: { i: 1 } },
      },
      {
        opType: 'ReduceSum',
        inputs: ['mask3', 'sequence_axis'],
        outputs: ['count'],
        attributes: { keepdims: { i: 1 } },
      },
      { opType: 'Div', inputs: ['summed', 'count'], outputs: ['context'] },
      { opType: 'Add', inputs: ['normed', 'context'], outputs: ['mixed'] },
      { opType: 'MatMul', inputs: ['mixed', 'dense'], outputs: ['projected'] },
      { opType: 'Add', inputs: ['projected', 'bias'], outputs: ['biased'] },
      { opType: 'Tanh', inputs: ['biased'], outputs: ['last_hidden_state'] },
    ],
  })
}

/** A Hugging Face `tokenizer.json` for the vocabulary: BERT normalizer and pre-tokenizer, WordPiece, [CLS] A [SEP]. */
export function tinyBertTokenizer(): Record<string, unknown> {
  const id = (token: string) => TINY_BERT_VOCAB.indexOf(token)
  const special = (content: string) => ({
    id: id(content),
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  })
  const token = (name: string, typeId: number) => ({ SpecialToken: { id: name, type_id: typeId } })
  const sequence = (name: string, typeId: number) => ({ Sequence: { id: name, type_id: typeId } })
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIALS.map(special),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [token('[CLS]', 0), sequence('A', 0), token('[SEP]', 0)],
      pair: [token('[CLS]', 0), sequence('A', 0), token('[SEP]', 0), sequence('B', 1), token('[SEP]', 1)],
      special_tokens: Object.fromEntries(
        ['[CLS]', '[SEP]'].map((name) => [name, { id: name, ids: [id(name)], tokens: [name] }]),
      ),
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(TINY_BERT_VOCAB.map((token, index) => [token, index])),
    },
  }
}
