/** How to feed one embeddings model: which output holds the vectors, and how long inputs may be. */
import { unavailable } from '../../core/errors.js'
import type { EmbeddingsSettings } from '../../models/embeddings-settings.js'
import type { LoadedModel } from '../../runtime/types.js'
import type { EmbeddingsTokenizer } from './tokenize.js'

/** BERT's limit, for models and tokenizers that state none. */
const DEFAULT_MAX_LENGTH = 512
/** Outputs that hold token vectors, in order of preference; a rank-2 output is taken as already pooled. */
const OUTPUTS = ['last_hidden_state', 'token_embeddings', 'sentence_embedding', 'pooler_output']
const INPUTS = ['input_ids', 'attention_mask', 'token_type_ids']

export interface Plan {
  settings: EmbeddingsSettings
  tokenizer: EmbeddingsTokenizer
  model: LoadedModel
  output: string
  /** Most tokens per input, special tokens included. */
  maxLength: number
  /** A fixed sequence length the model's inputs demand, if any. */
  fixedLength: number | undefined
}

/** The plan for a loaded model; 503 when its signature is not a text embeddings model's. */
export function planFor(
  name: string,
  settings: EmbeddingsSettings,
  model: LoadedModel,
  tokenizer: EmbeddingsTokenizer,
): Plan {
  const names = model.inputs.map((i) => i.name)
  const output = outputOf(model)
  if (!names.includes('input_ids') || names.some((n) => !INPUTS.includes(n)) || !output) {
    throw unavailable(
      'model_signature_mismatch',
      `Model '${name}' does not look like a text embeddings model: it needs input_ids (and optionally attention_mask, token_type_ids) and a last_hidden_state output; it has inputs ${names.join(', ')}.`,
    )
  }
  const declaredLength = model.inputs.find((i) => i.name === 'input_ids')?.shape[1]
  const fixedLength = declaredLength !== undefined && declaredLength > 0 ? declaredLength : undefined
  const limit = settings.maxLength ?? tokenizer.maxLength ?? fixedLength ?? DEFAULT_MAX_LENGTH
  return {
    settings,
    tokenizer,
    model,
    output: output.name,
    maxLength: fixedLength === undefined ? limit : Math.min(limit, fixedLength),
    fixedLength,
  }
}

function outputOf(model: LoadedModel) {
  return OUTPUTS.map((o) => model.outputs.find((d) => d.name === o)).find(Boolean) ?? model.outputs[0]
}

/** The vector size the model's output declares, if it is fixed. */
export function declaredSize(model: LoadedModel): number | undefined {
  const size = outputOf(model)?.shape.at(-1)
  return size !== undefined && size > 0 ? size : undefined
}
