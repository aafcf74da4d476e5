/**
 * `@modelport/sdk/codegen`: typed functions for the models a running server has deployed. Node-free;
 * the `modelport-gen-client` command wraps it with arguments and a file.
 */
import { type ClientOptions, createModelport, NotFoundError } from '../index.js'
import { type DeployedModel, type RenderOptions, renderModels } from './render.js'

export { camelCase, type DeployedModel, type RenderOptions, renderModels, shapeType } from './render.js'

export interface FetchedModels {
  models: DeployedModel[]
  /** Models listed without tensor metadata (remote routes, for example), with why. */
  skipped: { id: string; reason: string }[]
}

/** Reads `GET /v1/models` and each model's `GET /v2/models/{model}`. */
export async function fetchDeployedModels(options: ClientOptions): Promise<FetchedModels> {
  const client = createModelport(options)
  const { data } = await client.models.list()
  const result: FetchedModels = { models: [], skipped: [] }
  const answers = await Promise.all(
    data.map(async (model): Promise<DeployedModel | FetchedModels['skipped'][number]> => {
      try {
        return { model, metadata: await client.models.metadata(model.id) }
      } catch (error) {
        // A model served by remote providers has no tensors; anything else is a real failure.
        if (error instanceof NotFoundError) return { id: model.id, reason: error.message }
        throw error
      }
    }),
  )
  for (const answer of answers)
    'metadata' in answer ? result.models.push(answer) : result.skipped.push(answer)
  return result
}

/** The source of a typed models module for the server at `options.baseUrl`. */
export async function generateModels(
  options: ClientOptions & Omit<RenderOptions, 'source'>,
): Promise<{ source: string; skipped: FetchedModels['skipped'] }> {
  const { models, skipped } = await fetchDeployedModels(options)
  const source = renderModels(models, { source: options.baseUrl, sdkImport: options.sdkImport })
  return { source, skipped }
}
