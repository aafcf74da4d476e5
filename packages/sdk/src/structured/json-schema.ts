/**
 * The TypeScript type a JSON Schema literal describes (`as const`), for the subset structured output
 * uses: type (or a list of types), properties, required, additionalProperties, items, enum, const, anyOf.
 */

export type JsonSchema =
  | boolean
  | {
      readonly type?: JsonType | readonly JsonType[]
      readonly properties?: { readonly [name: string]: JsonSchema }
      readonly required?: readonly string[]
      readonly additionalProperties?: JsonSchema
      readonly items?: JsonSchema
      readonly enum?: readonly unknown[]
      readonly const?: unknown
      readonly anyOf?: readonly JsonSchema[]
      readonly minLength?: number
      readonly maxLength?: number
      readonly minimum?: number
      readonly maximum?: number
      readonly exclusiveMinimum?: number
      readonly exclusiveMaximum?: number
      readonly minItems?: number
      readonly maxItems?: number
      readonly [keyword: string]: unknown
    }

export type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'null' | 'array' | 'object'

type Simplify<T> = { [K in keyof T]: T[K] } & {}

type RequiredNames<S> = S extends { readonly required: readonly (infer R)[] } ? R : never

type ObjectOf<S> = S extends { readonly properties: infer P }
  ? Simplify<
      { -readonly [K in keyof P & RequiredNames<S>]: FromSchema<P[K]> } & {
        -readonly [K in Exclude<keyof P, RequiredNames<S>>]?: FromSchema<P[K]>
      } & (S extends { readonly additionalProperties: false } ? unknown : { [name: string]: unknown })
    >
  : { [name: string]: unknown }

type OfType<S, T> = T extends 'string'
  ? string
  : T extends 'number' | 'integer'
    ? number
    : T extends 'boolean'
      ? boolean
      : T extends 'null'
        ? null
        : T extends 'array'
          ? S extends { readonly items: infer I }
            ? FromSchema<I>[]
            : unknown[]
          : T extends 'object'
            ? ObjectOf<S>
            : unknown

/** `FromSchema<typeof schema>`: the value a document matching `schema` is. */
export type FromSchema<S> = S extends true
  ? unknown
  : S extends false
    ? never
    : S extends { readonly const: infer C }
      ? C
      : S extends { readonly enum: readonly (infer E)[] }
        ? E
        : S extends { readonly anyOf: readonly (infer A)[] }
          ? A extends unknown
            ? FromSchema<A>
            : never
          : S extends { readonly type: readonly (infer T)[] }
            ? T extends unknown
              ? OfType<S, T>
              : never
            : S extends { readonly type: infer T }
              ? OfType<S, T>
              : S extends { readonly properties: unknown }
                ? ObjectOf<S>
                : unknown
