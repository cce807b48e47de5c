import fc from 'fast-check';

/** The parts of a JSON Schema (as /api/openapi.json carries them) the fuzzer reads. */
export interface Schema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  nullable?: boolean;
}

/** Strings that break naive code: injections, traversal, control and wide characters, huge. */
const NASTY = [
  '',
  ' ',
  "'; drop table app_user; --",
  '../../../../etc/passwd',
  '%00',
  '\u0000',
  '<script>alert(1)</script>',
  '上饶市𠮷\u200b',
  '\ud800',
  '9'.repeat(400),
  'x'.repeat(70_000),
  '-1',
  '1e309',
  'NaN',
  '{"$gt":""}',
  '2026-02-30',
  '00000000-0000-0000-0000-000000000000',
];
const nasty = fc.constantFrom(...NASTY);

const FORMATS: Record<string, fc.Arbitrary<string>> = {
  uuid: fc.uuid(),
  'date-time': fc
    .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
    .map((d) => d.toISOString()),
  date: fc
    .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10)),
  email: fc.emailAddress(),
  uri: fc.webUrl(),
};

/**
 * Values the schema allows (as far as a generator can tell: patterns are honoured by trying a few
 * strings from them), with `ids` offered for uuid strings so that requests reach real rows.
 */
export function validValue(s: Schema | undefined, ids: string[], depth = 0): fc.Arbitrary<unknown> {
  if (!s || depth > 6) return fc.constant(null);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((a) => validValue(a, ids, depth + 1)));
  if (s.allOf?.length) return validValue(Object.assign({}, ...s.allOf) as Schema, ids, depth + 1);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  const base = ((): fc.Arbitrary<unknown> => {
    switch (type ?? '') {
      case 'string': {
        if (s.format === 'uuid' && ids.length) return fc.oneof(fc.constantFrom(...ids), fc.uuid());
        if (s.format && FORMATS[s.format]) return FORMATS[s.format]!;
        if (s.pattern) return fc.stringMatching(new RegExp(s.pattern)).filter((x) => x.length <= (s.maxLength ?? 1000));
        return fc.string({ unit: 'grapheme', minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 40, 60) });
      }
      case 'integer':
        return fc.integer({ min: s.minimum ?? -1000, max: s.maximum ?? 100_000 });
      case 'number':
        return fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true });
      case 'boolean':
        return fc.boolean();
      case 'array':
        return fc.array(validValue(s.items, ids, depth + 1), {
          minLength: s.minItems ?? 0,
          maxLength: Math.min(s.maxItems ?? 3, 3),
        });
      case 'object': {
        const props = s.properties ?? {};
        const required = new Set(s.required ?? []);
        const record: Record<string, fc.Arbitrary<unknown>> = {};
        for (const [k, v] of Object.entries(props)) record[k] = validValue(v, ids, depth + 1);
        return fc.record(record, { requiredKeys: [...required].filter((k) => k in props) });
      }
      default:
        return fc.constant(null);
    }
  })();
  return s.nullable || (Array.isArray(s.type) && s.type.includes('null')) ? fc.option(base, { nil: null }) : base;
}

/** Anything at all, for a field that expects something else. */
const anything: fc.Arbitrary<unknown> = fc.oneof(
  nasty,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(nasty, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), nasty, { maxKeys: 3 }),
);

/** One field of a valid object broken: wrong type, a nasty string, dropped, or an unknown field added. */
export function malformedValue(s: Schema | undefined, ids: string[]): fc.Arbitrary<unknown> {
  const valid = validValue(s, ids);
  if (s?.type !== 'object' || !s.properties || !Object.keys(s.properties).length) return fc.oneof(anything, valid);
  const keys = Object.keys(s.properties);
  return fc.tuple(valid, fc.constantFrom(...keys), anything, fc.nat(3)).map(([v, key, bad, how]) => {
    const o = { ...(v as Record<string, unknown>) };
    if (how === 0) delete o[key];
    else if (how === 1) o.__unknown = bad;
    else o[key] = bad;
    return o;
  });
}

/** A path or query parameter's text: valid, or anything at all. */
export function paramText(s: Schema | undefined, ids: string[]): fc.Arbitrary<string> {
  return fc
    .oneof({ weight: 3, arbitrary: validValue(s, ids) }, { weight: 1, arbitrary: anything })
    .map((v) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? '')));
}
