/** Type helpers that read an operation's body, answer and query from the generated contract. */

/** The JSON answer of an operation's 200. */
export type Json<Op> = Op extends { responses: { 200: { content: { 'application/json': infer T } } } }
  ? T
  : never
/** The JSON request body of an operation. */
export type Body<Op> = Op extends { requestBody: { content: { 'application/json': infer T } } } ? T : never
/** The query parameters of an operation. */
export type Query<Op> = Op extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never
