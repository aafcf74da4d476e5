/**
 * A Llama-shaped decoder (RMSNorm, rotary positions, grouped-query attention with a KV cache, SwiGLU)
 * with seeded random weights, written as the ONNX graph Optimum exports: inputs `input_ids`,
 * `attention_mask`, `position_ids` and `past_key_values.N.key|value` [batch, kv_heads, past, head_dim];
 * outputs `logits` and `present.N.key|value`. Small shapes serve the tests; the real shapes of
 * SmolLM2-135M or Qwen2.5-0.5B serve the benchmark. `q8` writes every projection as
 * DynamicQuantizeLinear + MatMulInteger over int8 weights (standard ops, the pattern of a dynamic
 * int8 quantization).
 */
import { DataType, type InitializerSpec, type NodeSpec, writeModel } from './onnx-writer'
import { mulberry32 } from './simplenet'

export interface DecoderShape {
  /** `config.json` `model_type` (llama or qwen2). */
  modelType: 'llama' | 'qwen2'
  vocabSize: number
  hidden: number
  layers: number
  heads: number
  kvHeads: number
  intermediate: number
  maxPositions: number
  ropeTheta: number
  /** Qwen2 has biases on the q, k and v projections. */
  attentionBias: boolean
}

/** The tests' decoder: two layers, hidden 32, four query heads over two KV heads. */
export const TINY_DECODER: Omit<DecoderShape, 'vocabSize'> = {
  modelType: 'llama',
  hidden: 32,
  layers: 2,
  heads: 4,
  kvHeads: 2,
  intermediate: 64,
  maxPositions: 512,
  ropeTheta: 10000,
  attentionBias: false,
}

export const SMOLLM2_135M: DecoderShape = {
  modelType: 'llama',
  vocabSize: 49152,
  hidden: 576,
  layers: 30,
  heads: 9,
  kvHeads: 3,
  intermediate: 1536,
  maxPositions: 8192,
  ropeTheta: 100000,
  attentionBias: false,
}

export const QWEN25_05B: DecoderShape = {
  modelType: 'qwen2',
  vocabSize: 151936,
  hidden: 896,
  layers: 24,
  heads: 14,
  kvHeads: 2,
  intermediate: 4864,
  maxPositions: 32768,
  ropeTheta: 1000000,
  attentionBias: true,
}

export const RMS_EPSILON = 1e-6

export interface DecoderOptions {
  seed?: number
  dtype?: 'fp32' | 'q8'
  /** Rotary tables are written for this many positions (default the shape's `maxPositions`, at most 4096). */
  ropePositions?: number
}

/** The ONNX bytes of a decoder of `shape` with random weights drawn from `seed`. */
export function decoderModel(shape: DecoderShape, options: DecoderOptions = {}): Uint8Array {
  const next = mulberry32(options.seed ?? 0xdec0de)
  const F = DataType.FLOAT
  const I = DataType.INT64
  const { hidden: H, heads, kvHeads, layers } = shape
  const headDim = H / heads
  const group = heads / kvHeads
  const quantized = options.dtype === 'q8'
  const initializers: InitializerSpec[] = []
  const nodes: NodeSpec[] = []
  const uniform = (n: number, scale: number) => {
    const out = new Float32Array(n)
    for (let i = 0; i < n; i++) out[i] = (next() * 2 - 1) * scale
    return out
  }
  const weight = (name: string, dims: number[], data: Float32Array) =>
    initializers.push({ name, elemType: F, dims, data })
  const ints = (name: string, values: number[]) =>
    initializers.push({
      name,
      elemType: I,
      dims: [values.length],
      data: BigInt64Array.from(values.map(BigInt)),
    })
  const scalar = (name: string, value: number) =>
    initializers.push({ name, elemType: F, dims: [], data: Float32Array.from([value]) })
  const op = (opType: string, inputs: string[], output: string, attributes?: NodeSpec['attributes']) => {
    nodes.push({ opType, inputs, outputs: [output], ...(attributes && { attributes }) })
    return output
  }

  /** x·W for W [rows, cols]; in q8, W is int8 with one scale per column. */
  const project = (x: string, name: string, rows: number, cols: number) => {
    const values = uniform(rows * cols, 1 / Math.sqrt(rows))
    if (!quantized) {
      weight(name, [rows, cols], values)
      return op('MatMul', [x, name], `${name}.out`)
    }
    const scales = new Float32Array(cols)
    for (let c = 0; c < cols; c++) {
      let max = 0
      for (let r = 0; r < rows; r++) max = Math.max(max, Math.abs(values[r * cols + c] as number))
      scales[c] = max / 127 || 1
    }
    const q = new Int8Array(rows * cols)
    for (let i = 0; i < q.length; i++) q[i] = Math.round((values[i] as number) / (scales[i % cols] as number))
    initializers.push({ name: `${name}.q`, elemType: DataType.INT8, dims: [rows, cols], data: q })
    weight(`${name}.scale`, [cols], scales)
    initializers.push({ name: `${name}.zero`, elemType: DataType.INT8, dims: [], data: Int8Array.from([0]) })
    nodes.push({
      opType: 'DynamicQuantizeLinear',
      inputs: [x],
      outputs: [`${name}.xq`, `${name}.xs`, `${name}.xz`],
    })
    op('MatMulInteger', [`${name}.xq`, `${name}.q`, `${name}.xz`, `${name}.zero`], `${name}.int`)
    op('Cast', [`${name}.int`], `${name}.float`, { to: { i: F } })
    op('Mul', [`${name}.float`, `${name}.xs`], `${name}.scaled`)
    return op('Mul', [`${name}.scaled`, `${name}.scale`], `${name}.out`)
  }
  const rmsNorm = (x: string, name: string) => {
    weight(
      name,
      [H],
      Float32Array.from(uniform(H, 0.1), (v) => 1 + v),
    )
    const square = op('Mul', [x, x], `${name}.sq`)
    const mean = op('ReduceMean', [square], `${name}.mean`, { axes: { ints: [-1] }, keepdims: { i: 1 } })
    const root = op('Sqrt', [op('Add', [mean, 'rms_epsilon'], `${name}.eps`)], `${name}.root`)
    return op('Mul', [op('Div', [x, root], `${name}.unit`), name], `${name}.out`)
  }
  const rotate = (x: string, name: string) => {
    const first = op('Slice', [x, 'zero_1d', 'half_dim', 'axis_3'], `${name}.x1`)
    const second = op('Slice', [x, 'half_dim', 'head_dim', 'axis_3'], `${name}.x2`)
    const rotated = op('Concat', [op('Neg', [second], `${name}.neg`), first], `${name}.rot`, {
      axis: { i: 3 },
    })
    const cos = op('Mul', [x, 'cos'], `${name}.cos`)
    return op('Add', [cos, op('Mul', [rotated, 'sin'], `${name}.sin`)], `${name}.out`)
  }

  // Shared constants and the rotary tables.
  const positions = Math.min(options.ropePositions ?? shape.maxPositions, 4096)
  const cosTable = new Float32Array(positions * headDim)
  const sinTable = new Float32Array(positions * headDim)
  for (let p = 0; p < positions; p++) {
    for (let i = 0; i < headDim / 2; i++) {
      const angle = p * shape.ropeTheta ** (-(2 * i) / headDim)
      for (const j of [i, i + headDim / 2]) {
        cosTable[p * headDim + j] = Math.cos(angle)
        sinTable[p * headDim + j] = Math.sin(angle)
      }
    }
  }
  weight('cos_table', [positions, headDim], cosTable)
  weight('sin_table', [positions, headDim], sinTable)
  scalar('rms_epsilon', RMS_EPSILON)
  scalar('attention_scale', 1 / Math.sqrt(headDim))
  scalar('zero_f', 0)
  scalar('masked_f', -1e9)
  ints('zero_1d', [0])
  ints('half_dim', [headDim / 2])
  ints('head_dim', [headDim])
  ints('axis_3', [3])
  ints('axes_0', [0])
  ints('axes_1', [1])
  ints('axes_1_2', [1, 2])
  ints('axes_2', [2])
  ints('q_shape', [0, 0, heads, headDim])
  ints('kv_shape', [0, 0, kvHeads, headDim])
  ints('group_expand', [1, 1, group, 1, 1])
  ints('grouped_shape', [0, heads, -1, headDim])
  ints('merged_shape', [0, 0, H])
  initializers.push({ name: 'one_i', elemType: I, dims: [], data: BigInt64Array.from([1n]) })
  initializers.push({ name: 'zero_i', elemType: I, dims: [], data: BigInt64Array.from([0n]) })

  // Rotary cos/sin for each position: [batch, 1, sequence, head_dim].
  op('Unsqueeze', [op('Gather', ['cos_table', 'position_ids'], 'cos_rows'), 'axes_1'], 'cos')
  op('Unsqueeze', [op('Gather', ['sin_table', 'position_ids'], 'sin_rows'), 'axes_1'], 'sin')
  // Additive mask [batch, 1, sequence, total]: causal over absolute positions, and padding masked.
  nodes.push({
    opType: 'Shape',
    inputs: ['attention_mask'],
    outputs: ['total_1d'],
    attributes: { start: { i: 1 } },
  })
  nodes.push({
    opType: 'Shape',
    inputs: ['input_ids'],
    outputs: ['sequence_1d'],
    attributes: { start: { i: 1 } },
  })
  const total = op('Squeeze', ['total_1d', 'axes_0'], 'total')
  const past = op('Squeeze', [op('Sub', ['total_1d', 'sequence_1d'], 'past_1d'), 'axes_0'], 'past')
  const keyPositions = op('Range', ['zero_i', total, 'one_i'], 'key_positions')
  const queryPositions = op(
    'Unsqueeze',
    [op('Range', [past, total, 'one_i'], 'query_range'), 'axes_1'],
    'query_positions',
  )
  const causal = op('LessOrEqual', [keyPositions, queryPositions], 'causal')
  const present = op(
    'Unsqueeze',
    [op('Cast', ['attention_mask'], 'mask_bool', { to: { i: DataType.BOOL } }), 'axes_1_2'],
    'mask_4d',
  )
  op('Where', [op('And', [causal, present], 'allowed'), 'zero_f', 'masked_f'], 'attention_bias')

  weight('embed_tokens', [shape.vocabSize, H], uniform(shape.vocabSize * H, 1))
  let x = op('Gather', ['embed_tokens', 'input_ids'], 'embedded')
  for (let l = 0; l < layers; l++) {
    const p = `layers.${l}`
    const h = rmsNorm(x, `${p}.input_norm`)
    const heads4 = (name: string, width: number, shapeName: string) => {
      let projected = project(h, `${p}.${name}`, H, width)
      if (shape.attentionBias) {
        weight(`${p}.${name}.bias`, [width], uniform(width, 0.1))
        projected = op('Add', [projected, `${p}.${name}.bias`], `${p}.${name}.biased`)
      }
      const split = op('Reshape', [projected, shapeName], `${p}.${name}.split`)
      return op('Transpose', [split], `${p}.${name}.heads`, { perm: { ints: [0, 2, 1, 3] } })
    }
    const q = rotate(heads4('q_proj', H, 'q_shape'), `${p}.q_rope`)
    const k = rotate(heads4('k_proj', kvHeads * headDim, 'kv_shape'), `${p}.k_rope`)
    const v = heads4('v_proj', kvHeads * headDim, 'kv_shape')
    const keys = op('Concat', [`past_key_values.${l}.key`, k], `present.${l}.key`, { axis: { i: 2 } })
    const values = op('Concat', [`past_key_values.${l}.value`, v], `present.${l}.value`, { axis: { i: 2 } })
    const repeat = (t: string, name: string) =>
      group === 1
        ? t
        : op(
            'Reshape',
            [
              op(
                'Expand',
                [op('Unsqueeze', [t, 'axes_2'], `${name}.one`), 'group_expand'],
                `${name}.expanded`,
              ),
              'grouped_shape',
            ],
            `${name}.grouped`,
          )
    const keysT = op('Transpose', [repeat(keys, `${p}.keys`)], `${p}.keys_t`, {
      perm: { ints: [0, 1, 3, 2] },
    })
    const scores = op('Mul', [op('MatMul', [q, keysT], `${p}.qk`), 'attention_scale'], `${p}.scores_scaled`)
    const weights = op('Softmax', [op('Add', [scores, 'attention_bias'], `${p}.scores`)], `${p}.weights`, {
      axis: { i: -1 },
    })
    const attended = op('MatMul', [weights, repeat(values, `${p}.values`)], `${p}.attended`)
    const merged = op(
      'Reshape',
      [op('Transpose', [attended], `${p}.attended_t`, { perm: { ints: [0, 2, 1, 3] } }), 'merged_shape'],
      `${p}.merged`,
    )
    x = op('Add', [x, project(merged, `${p}.o_proj`, H, H)], `${p}.attention_out`)
    const m = rmsNorm(x, `${p}.post_norm`)
    const gate = project(m, `${p}.gate_proj`, H, shape.intermediate)
    const up = project(m, `${p}.up_proj`, H, shape.intermediate)
    const silu = op('Mul', [gate, op('Sigmoid', [gate], `${p}.gate_sigmoid`)], `${p}.silu`)
    const down = project(op('Mul', [silu, up], `${p}.gated`), `${p}.down_proj`, shape.intermediate, H)
    x = op('Add', [x, down], `${p}.out`)
  }
  const last = project(rmsNorm(x, 'final_norm'), 'lm_head', H, shape.vocabSize)
  op('Identity', [last], 'logits')

  const tokens = (name: string, length: string) => ({ name, elemType: I, shape: ['batch_size', length] })
  const cache = (name: string, length: string) => ({
    name,
    elemType: F,
    shape: ['batch_size', kvHeads, length, headDim],
  })
  const kvNames = Array.from({ length: layers }, (_, l) => [`${l}.key`, `${l}.value`]).flat()
  return writeModel({
    graphName: `decoder_${shape.modelType}_${H}x${layers}`,
    docString: 'A random-weight decoder in the Optimum layout, written by scripts/decoder-model.ts',
    inputs: [
      tokens('input_ids', 'sequence_length'),
      tokens('attention_mask', 'total_sequence_length'),
      tokens('position_ids', 'sequence_length'),
      ...kvNames.map((n) => cache(`past_key_values.${n}`, 'past_sequence_length')),
    ],
    outputs: [
      { name: 'logits', elemType: F, shape: ['batch_size', 'sequence_length', shape.vocabSize] },
      ...kvNames.map((n) => cache(`present.${n}`, 'total_sequence_length')),
    ],
    initializers,
    nodes,
  })
}
