/**
 * Small ONNX models written from code for tests, and a throwaway model repository to serve them from.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { DataType, writeModel } from '../../scripts/onnx-writer.js'

/** y = x * factor, float32 [N, 4]: tells versions apart by their output. */
export function scaleModel(factor: number): Uint8Array {
  return writeModel({
    graphName: `scale_${factor}`,
    inputs: [{ name: 'x', elemType: DataType.FLOAT, shape: ['n', 4] }],
    outputs: [{ name: 'y', elemType: DataType.FLOAT, shape: ['n', 4] }],
    initializers: [{ name: 'factor', elemType: DataType.FLOAT, dims: [], data: new Float32Array([factor]) }],
    nodes: [{ opType: 'Mul', inputs: ['x', 'factor'], outputs: ['y'] }],
  })
}

/** y = x for any element type and shape [N]: checks that values cross the wire unchanged. */
export function identityModel(elemType: DataType): Uint8Array {
  return writeModel({
    graphName: 'identity',
    inputs: [{ name: 'x', elemType, shape: ['n'] }],
    outputs: [{ name: 'y', elemType, shape: ['n'] }],
    nodes: [{ opType: 'Identity', inputs: ['x'], outputs: ['y'] }],
  })
}

export interface Repository {
  dir: string
  /** Writes `relativePath` (e.g. `scale/2/model.onnx`) into the repository. */
  add(relativePath: string, bytes: Uint8Array | string): Promise<void>
  remove(): Promise<void>
}

export async function tempRepository(): Promise<Repository> {
  const dir = await mkdtemp(join(tmpdir(), 'modelport-repo-'))
  return {
    dir,
    async add(relativePath, bytes) {
      const file = join(dir, relativePath)
      await mkdir(dirname(file), { recursive: true })
      await writeFile(file, bytes)
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  }
}
