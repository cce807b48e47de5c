import ValidatorSelector from '@fastify/ajv-compiler';
import SerializerSelector from '@fastify/fast-json-stringify-compiler';

type Validate = ReturnType<ReturnType<ReturnType<typeof ValidatorSelector>>>;
type Serialize = ReturnType<ReturnType<ReturnType<typeof SerializerSelector>>>;

/**
 * Fastify's own schema compilers (Ajv for requests, fast-json-stringify for responses), but each route's
 * validator and serializer is compiled when the route is first called rather than when it is registered.
 * The platform has hundreds of operations and a server uses few of them between restarts: compiling all
 * at start kept ~12 MB of generated code on the heap of every server (bench/memory) and made every
 * test's app compile every schema. A schema that cannot compile fails its route's first request with
 * a 500 instead of the start; the fuzz suite (test/platform/fuzz.test.ts) calls every operation.
 */
export function lazySchemaCompilers() {
  const buildValidator = ValidatorSelector();
  const buildSerializer = SerializerSelector();
  return {
    buildValidator: (...factoryArgs: Parameters<typeof buildValidator>) => {
      const compile = buildValidator(...factoryArgs);
      return (route: Parameters<typeof compile>[0]): Validate => {
        let validate: Validate | undefined;
        const lazy = ((data: unknown) => (validate ??= compile(route))(data)) as Validate;
        // Fastify reads a failed validation's errors from the function, as Ajv leaves them there.
        Object.defineProperty(lazy, 'errors', { get: () => validate?.errors });
        return lazy;
      };
    },
    buildSerializer: (...factoryArgs: Parameters<typeof buildSerializer>) => {
      const compile = buildSerializer(...factoryArgs);
      return (route: Parameters<typeof compile>[0]): Serialize => {
        let serialize: Serialize | undefined;
        return (doc) => (serialize ??= compile(route))(doc);
      };
    },
  };
}
