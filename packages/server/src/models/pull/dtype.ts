/**
 * `--dtype`: which of the variants Optimum and transformers.js export to pull. Hub repositories name
 * them by convention (`onnx/model.onnx`, `onnx/model_fp16.onnx`, `onnx/model_quantized.onnx`,
 * `onnx/model_q4.onnx`); the first name a repository has is taken.
 */
import { PullError } from './pull-error.js'

export const DTYPES = ['fp32', 'fp16', 'q8', 'q4'] as const
export type Dtype = (typeof DTYPES)[number]

export const DTYPE_FILES: Record<Dtype, string[]> = {
  fp32: ['onnx/model.onnx', 'model.onnx'],
  fp16: ['onnx/model_fp16.onnx', 'model_fp16.onnx'],
  q8: ['onnx/model_quantized.onnx', 'onnx/model_int8.onnx', 'onnx/model_uint8.onnx', 'model_quantized.onnx'],
  q4: ['onnx/model_q4.onnx', 'onnx/model_q4f16.onnx', 'model_q4.onnx'],
}

export function parseDtype(text: string | undefined): Dtype | undefined {
  if (text === undefined) return undefined
  if (!(DTYPES as readonly string[]).includes(text))
    throw new PullError(`--dtype takes ${DTYPES.join(', ')}, not '${text.slice(0, 40)}'.`)
  return text as Dtype
}
