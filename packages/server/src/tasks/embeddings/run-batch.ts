/** One model run over a batch of tokenized inputs: padded to a common length, masked, then pooled. */
import type { HostTensor, TensorMetadata } from '../../runtime/types.js'
import type { Plan } from './plan.js'
import { pool } from './pooling.js'
import type { Encoded } from './tokenize.js'

/** One vector per input, in batch order, before normalization. */
export async function runBatch(plan: Plan, batch: Encoded[]): Promise<Float32Array[]> {
  const length = plan.fixedLength ?? Math.max(...batch.map((e) => e.ids.length))
  const rows = batch.length
  const ids = new Array<number>(rows * length).fill(plan.tokenizer.padId)
  const mask = new Array<number>(rows * length).fill(0)
  const types = new Array<number>(rows * length).fill(0)
  for (const [row, encoding] of batch.entries()) {
    for (const [position, id] of encoding.ids.entries()) {
      ids[row * length + position] = id
      mask[row * length + position] = 1
      types[row * length + position] = encoding.typeIds[position] ?? 0
    }
  }
  const values: Record<string, number[]> = { input_ids: ids, attention_mask: mask, token_type_ids: types }
  const feeds: Record<string, HostTensor> = {}
  for (const declared of plan.model.inputs) {
    feeds[declared.name] = integers(declared, values[declared.name] as number[], [rows, length])
  }
  const outputs = await plan.model.run(feeds, [plan.output], { transfer: true })
  const hidden = outputs[plan.output]
  if (!hidden || !(hidden.data instanceof Float32Array))
    throw new Error(`Output ${plan.output} is not a float32 tensor.`)
  const data = hidden.data
  if (hidden.shape.length === 2) {
    const size = hidden.shape[1] as number
    return Array.from({ length: rows }, (_, row) => data.slice(row * size, (row + 1) * size))
  }
  const [, tokens, size] = hidden.shape as [number, number, number]
  return pool(data, [rows, tokens, size], mask, plan.settings.pooling)
}

function integers(declared: TensorMetadata, values: number[], shape: number[]): HostTensor {
  if (declared.datatype === 'INT32') return { datatype: 'INT32', shape, data: Int32Array.from(values) }
  return { datatype: 'INT64', shape, data: BigInt64Array.from(values, (v) => BigInt(v)) }
}
