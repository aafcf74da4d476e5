/**
 * ONNX Runtime for Node behind the `LoadedModel` interface. This folder is the only importer of
 * onnxruntime-node.
 */
import * as ort from 'onnxruntime-node'
import { badRequest } from '../../errors.js'
import { withBatching } from '../batcher.js'
import { type RuntimeSettings, resolveBatching } from '../settings.js'
import type { Datatype, HostTensor, LoadedModel, ModelLoader, RunTimes, TensorMetadata } from '../types.js'

const toDatatype: Record<string, Datatype> = {
  bool: 'BOOL',
  uint8: 'UINT8',
  uint16: 'UINT16',
  uint32: 'UINT32',
  uint64: 'UINT64',
  int8: 'INT8',
  int16: 'INT16',
  int32: 'INT32',
  int64: 'INT64',
  float16: 'FP16',
  float32: 'FP32',
  float64: 'FP64',
  string: 'BYTES',
  bfloat16: 'BF16',
}

const toOrtType = Object.fromEntries(Object.entries(toDatatype).map(([ort, oip]) => [oip, ort])) as Record<
  Datatype,
  ort.Tensor.Type
>

/** Session settings; `batching` is applied by `onnxLoader`, not here. */
export type OnnxOptions = Omit<RuntimeSettings, 'batching'>

function describeValue(meta: ort.InferenceSession.ValueMetadata): TensorMetadata {
  if (!meta.isTensor) {
    throw new Error(`'${meta.name}' is not a tensor; only tensor inputs and outputs can be served.`)
  }
  const datatype = toDatatype[meta.type]
  if (!datatype) throw new Error(`'${meta.name}' has element type ${meta.type}, which cannot be served.`)
  // Symbolic and unknown dimensions arrive as strings; the protocol writes them as -1.
  return {
    name: meta.name,
    datatype,
    shape: meta.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : -1)),
  }
}

function toHost(tensor: ort.Tensor): HostTensor {
  const datatype = toDatatype[tensor.type]
  if (!datatype) throw new Error(`The model produced a ${tensor.type} tensor, which cannot be served.`)
  return { datatype, shape: [...tensor.dims], data: tensor.data as HostTensor['data'] }
}

/** Loads an ONNX file into a session and describes its signature. */
export async function loadOnnxModel(file: string, options: OnnxOptions = {}): Promise<LoadedModel> {
  // One intra-op thread without spinning by default: with more, idle workers spin on the core that
  // serves HTTP, and runs got 2-4x slower whenever the other core was busy.
  const spinning = options.spinning ? '1' : '0'
  const session = await ort.InferenceSession.create(file, {
    intraOpNumThreads: options.intraOpThreads ?? 1,
    interOpNumThreads: options.interOpThreads ?? 1,
    executionMode: (options.interOpThreads ?? 1) > 1 ? 'parallel' : 'sequential',
    graphOptimizationLevel: options.optimization ?? 'all',
    extra: { session: { intra_op: { allow_spinning: spinning }, inter_op: { allow_spinning: spinning } } },
  })
  const inputs = session.inputMetadata.map(describeValue)
  const outputs = session.outputMetadata.map(describeValue)
  // One object rewritten by every run, so measuring allocates nothing.
  const lastRun: RunTimes = { inputMs: 0, inferMs: 0, outputMs: 0 }
  return {
    platform: 'onnx_onnxv1',
    inputs,
    outputs,
    lastRun,
    async run(feeds, wanted) {
      const started = performance.now()
      const ortFeeds: Record<string, ort.Tensor> = {}
      for (const [name, t] of Object.entries(feeds)) {
        ortFeeds[name] = new ort.Tensor(
          toOrtType[t.datatype] as ort.Tensor.Type,
          t.data as ort.Tensor.DataType,
          t.shape,
        )
      }
      let results: ort.InferenceSession.ReturnType
      const prepared = performance.now()
      try {
        results = await session.run(ortFeeds, wanted)
      } catch (error) {
        // Inputs that pass the declared signature can still be wrong for the graph (mismatched dynamic
        // dimensions); ONNX Runtime reports those as INVALID_ARGUMENT, and the caller can fix them.
        const message = (error as Error).message ?? ''
        if (/INVALID_ARGUMENT/.test(message)) {
          throw badRequest(
            'invalid_input',
            `The model cannot run on these inputs: ${message.replace(/^\[ONNXRuntimeError\][^:]*:[^:]*:\s*/, '')}`,
          )
        }
        throw error
      }
      const executed = performance.now()
      const out: Record<string, HostTensor> = {}
      for (const name of wanted) {
        const tensor = results[name]
        if (tensor) out[name] = toHost(tensor)
      }
      lastRun.inputMs = prepared - started
      lastRun.inferMs = executed - prepared
      lastRun.outputMs = performance.now() - executed
      return out
    },
    dispose: () => session.release(),
  }
}

/**
 * A `ModelLoader` for ONNX files: `defaults` overridden by each model's settings, and a dynamic batcher
 * in front (a queue of one request at a time for models that do not batch).
 */
export function onnxLoader(
  defaults: RuntimeSettings = {},
  /** Told of every run (rows batched, compute time), for metrics. */
  onRun?: (model: { name: string; version: string }, run: { rows: number; ms: number }) => void,
): ModelLoader {
  return async (file, { name, version, settings }) => {
    const merged = { ...defaults, ...settings }
    const model = await loadOnnxModel(file, merged)
    const observe = onRun && { onRun: (run: { rows: number; ms: number }) => onRun({ name, version }, run) }
    return withBatching(model, resolveBatching(merged, model.inputs, model.outputs), observe)
  }
}
