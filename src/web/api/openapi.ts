/**
 * Named wire types are picked from the generated OpenAPI types (generated/openapi.ts, npm run gen:api)
 * by path and method, so a server schema change shows up in the web typecheck instead of at run time:
 *   type CatalogEntry = Res<'/api/catalog/entries/{id}'>;
 *   type EntryInput = Body<'/api/catalog/entries', 'post'>;
 */
import type { paths } from './generated/openapi';

export type Path = keyof paths;
type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
/** The methods the path really has (the generated type lists the others as `?: never`). */
export type MethodOf<P extends Path> = {
  [M in HttpMethod]-?: [NonNullable<paths[P][M]>] extends [never] ? never : M;
}[HttpMethod];
type Op<P extends Path, M extends MethodOf<P>> = NonNullable<paths[P][M]>;
type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never;

/** The JSON body of the success response (200, 201 or 202). */
export type Res<P extends Path, M extends MethodOf<P> = 'get' & MethodOf<P>> = Op<P, M>['responses'] extends infer R
  ? R extends { 200: infer S }
    ? Json<S>
    : R extends { 201: infer S }
      ? Json<S>
      : R extends { 202: infer S }
        ? Json<S>
        : never
  : never;

/** The JSON request body. */
export type Body<P extends Path, M extends MethodOf<P>> = Json<NonNullable<Op<P, M>['requestBody']>>;

/** The query string's fields. */
export type QueryOf<P extends Path, M extends MethodOf<P> = 'get' & MethodOf<P>> = NonNullable<
  Op<P, M>['parameters']['query']
>;

/** The path's parameters ({id} and the like). */
export type PathParams<P extends Path, M extends MethodOf<P> = 'get' & MethodOf<P>> = NonNullable<
  Op<P, M>['parameters']['path']
>;

/** The element type of a list. */
export type Item<T> = T extends ReadonlyArray<infer E> ? E : never;

/**
 * A runtime list of every member of a server union, for selects and filters: a member the server adds
 * and the list lacks fails the typecheck (`missing` names it), one the server drops does too.
 *   export const KINDS = everyOf<Kind>()(['a', 'b']);
 */
export const everyOf =
  <T extends string>() =>
  <const L extends readonly T[]>(
    list: L & ([Exclude<T, L[number]>] extends [never] ? unknown : { missing: Exclude<T, L[number]> }),
  ): L =>
    list;
