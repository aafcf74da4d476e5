/**
 * Rule 5: every target of an embeddings route gives vectors in the same space, so a fallback never
 * mixes spaces. A target's space is its `space`, or else its model id's last path segment, lower-cased
 * (`sentence-transformers/all-MiniLM-L6-v2` and a local `all-minilm-l6-v2` agree). Its dimensions are
 * its `dimensions`, else the route's, else what the local model reports. Targets whose spaces or known
 * dimensions differ are refused at start-up.
 */
import type { LocalEmbeddings } from '../core/local-embeddings.js'
import type { Issues } from './config-fields.js'
import type { TargetConfig } from './config-types.js'

export function spaceOf(target: TargetConfig): string {
  return target.space ?? (target.model.split('/').pop() ?? target.model).toLowerCase()
}

/** Checks an embeddings route's targets; returns the dimensions they all give, when known. */
export function checkVectorSpace(
  path: string,
  targets: readonly TargetConfig[],
  declaredDimensions: number | undefined,
  local: LocalEmbeddings | undefined,
  issues: Issues,
): number | undefined {
  let first: { space: string; dimensions?: number; index: number } | undefined
  let dimensions: number | undefined
  targets.forEach((target, index) => {
    const at = `${path}.targets[${index}]`
    const declared = target.dimensions ?? declaredDimensions
    let reported: number | undefined
    if (target.provider === 'local') {
      if (!local) {
        issues.push(`${at}.provider: this server has no local embeddings models to serve 'local' targets`)
        return
      }
      if (!local.has(target.model)) {
        issues.push(`${at}.model: no local embeddings model '${target.model}' in the model repository`)
        return
      }
      reported = local.dimensions(target.model)
      if (declared !== undefined && reported !== undefined && declared !== reported) {
        issues.push(
          `${at}.dimensions: declared ${declared} but local model '${target.model}' gives ${reported}`,
        )
        return
      }
    }
    const space = spaceOf(target)
    const size = declared ?? reported
    if (!first) {
      first = { space, dimensions: size, index }
      dimensions = size
      return
    }
    if (space !== first.space) {
      issues.push(
        `${at}: vector space '${space}' differs from '${first.space}' (targets[${first.index}]); every target of an embeddings route must give the same vectors (same model, same dimensions). If both are the same model under different names, give both the same 'space'`,
      )
    } else if (size !== undefined && dimensions !== undefined && size !== dimensions) {
      issues.push(`${at}: gives ${size} dimensions where targets[${first.index}] gives ${dimensions}`)
    }
    dimensions ??= size
  })
  return dimensions
}
