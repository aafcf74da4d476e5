/**
 * Writes a chat model folder in the layout Optimum and transformers.js use (`onnx/model.onnx` or
 * `onnx/model_quantized.onnx`, `config.json`, `generation_config.json`, `tokenizer.json`,
 * `tokenizer_config.json` with a ChatML `chat_template`), with a random-weight decoder.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { byteBpeTokenizer, CHATML_SPECIALS, CHATML_TEMPLATE } from './byte-bpe'
import { type DecoderShape, decoderModel, RMS_EPSILON, TINY_DECODER } from './decoder-model'

export interface ChatFolderOptions {
  /** Default: the tests' tiny decoder over the small byte-level BPE vocabulary. */
  shape?: DecoderShape
  dtype?: 'fp32' | 'q8'
  seed?: number
  /** `generation_config.json` `eos_token_id` (default `<|im_end|>`). */
  eosTokenId?: number | number[]
}

/** The tiny decoder's shape with the test tokenizer's vocabulary size. */
export function tinyChatShape(): DecoderShape {
  return { ...TINY_DECODER, vocabSize: byteBpeTokenizer().vocabSize }
}

export function onnxFileName(dtype: 'fp32' | 'q8'): string {
  return dtype === 'q8' ? 'model_quantized.onnx' : 'model.onnx'
}

/** Writes the folder and returns the model file's path. */
export function writeChatModelFolder(dir: string, options: ChatFolderOptions = {}): string {
  const shape = options.shape ?? tinyChatShape()
  const dtype = options.dtype ?? 'fp32'
  const [endOfText, imStart, imEnd] = [0, 1, 2]
  const eos = options.eosTokenId ?? imEnd
  mkdirSync(join(dir, 'onnx'), { recursive: true })
  const file = join(dir, 'onnx', onnxFileName(dtype))
  writeFileSync(file, decoderModel(shape, { seed: options.seed, dtype, ropePositions: 4096 }))
  const { tokenizer, vocabSize } = byteBpeTokenizer()
  // A real-shaped vocabulary is larger than the test tokenizer's: ids past it are never produced
  // by the tokenizer, and decode as nothing.
  const json = (name: string, value: unknown) =>
    writeFileSync(join(dir, name), `${JSON.stringify(value, null, 2)}\n`)
  json('config.json', {
    architectures: [shape.modelType === 'qwen2' ? 'Qwen2ForCausalLM' : 'LlamaForCausalLM'],
    model_type: shape.modelType,
    vocab_size: shape.vocabSize,
    hidden_size: shape.hidden,
    intermediate_size: shape.intermediate,
    num_hidden_layers: shape.layers,
    num_attention_heads: shape.heads,
    num_key_value_heads: shape.kvHeads,
    head_dim: shape.hidden / shape.heads,
    max_position_embeddings: Math.min(shape.maxPositions, 4096),
    rms_norm_eps: RMS_EPSILON,
    rope_theta: shape.ropeTheta,
    tie_word_embeddings: false,
    bos_token_id: imStart,
    eos_token_id: imEnd,
    pad_token_id: endOfText,
    torch_dtype: 'float32',
    use_cache: true,
    ...(vocabSize !== shape.vocabSize && { tokenizer_vocab_size: vocabSize }),
  })
  json('generation_config.json', { bos_token_id: imStart, eos_token_id: eos, pad_token_id: endOfText })
  json('tokenizer.json', tokenizer)
  json('tokenizer_config.json', {
    add_prefix_space: false,
    bos_token: CHATML_SPECIALS[imStart],
    eos_token: CHATML_SPECIALS[imEnd],
    pad_token: CHATML_SPECIALS[endOfText],
    unk_token: CHATML_SPECIALS[endOfText],
    additional_special_tokens: [CHATML_SPECIALS[imStart], CHATML_SPECIALS[imEnd]],
    chat_template: CHATML_TEMPLATE,
    clean_up_tokenization_spaces: false,
    model_max_length: 4096,
    tokenizer_class: 'GPT2Tokenizer',
  })
  return file
}
