import { DOMParser, type Element } from '@xmldom/xmldom';
import { parse as parseYaml } from 'yaml';
import { badRequest } from '../../platform/errors';
import { HTTP_METHODS, type Operation } from './schemas';

/**
 * R-23 (Art 12 "服务接口… 描述及调用方式"): the operations an upstream's own description offers, as a
 * starting point for the provider's registration. From OpenAPI 3 every path and method; response
 * fields are proposed where a property of the success response has a data item's field name. From a
 * WSDL every SOAP operation of its bindings, posted to the service address with its SOAPAction.
 */

const invalid = (message: string, messageZh: string) => badRequest('GATEWAY_SPEC_INVALID', message, messageZh);

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function operationsFromOpenApi(text: string, fieldNames: readonly string[]): Operation[] {
  let doc: unknown;
  try {
    doc = text.trimStart().startsWith('{') ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
  } catch {
    throw invalid('The description is neither JSON nor YAML', '接口描述不是有效的 JSON 或 YAML');
  }
  if (!isObj(doc) || typeof doc.openapi !== 'string' || !doc.openapi.startsWith('3.') || !isObj(doc.paths))
    throw invalid(
      'Not an OpenAPI 3 document (no "openapi: 3.x" and "paths")',
      '不是 OpenAPI 3 接口描述（缺少 openapi 3.x 或 paths）',
    );
  const fields = new Map(fieldNames.map((f) => [f.toLowerCase(), f]));
  const ops: Operation[] = [];
  const ids = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!isObj(item) || !path.startsWith('/')) continue;
    for (const method of HTTP_METHODS) {
      const op = item[method.toLowerCase()];
      if (!isObj(op)) continue;
      const id = uniqueId(ids, typeof op.operationId === 'string' ? op.operationId : `${method.toLowerCase()}${path}`);
      const { format, schema } = successResponse(op);
      ops.push({
        id,
        method,
        path: path.replace(/[^A-Za-z0-9_.~%/{}-]/g, encodeURIComponent),
        summary: String(op.summary ?? op.description ?? '').slice(0, 200),
        responseFormat: format,
        fields: format === 'json' ? proposeFields(doc, schema, fields) : [],
      });
    }
  }
  if (!ops.length) throw invalid('The description offers no operation', '接口描述中没有任何操作');
  return ops;
}

/** Operation ids as the registration accepts them: letters first, then word characters, unique. */
function uniqueId(taken: Set<string>, wanted: string): string {
  let base = wanted.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^[^A-Za-z]+/, '');
  base = (base || 'op').slice(0, 90);
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
  taken.add(id);
  return id;
}

function successResponse(op: Json): { format: 'json' | 'xml'; schema: unknown } {
  const responses = isObj(op.responses) ? op.responses : {};
  const ok = responses['200'] ?? responses['201'] ?? responses.default;
  const content = isObj(ok) && isObj(ok.content) ? ok.content : {};
  const types = Object.keys(content);
  const json = types.find((t) => /json/i.test(t));
  if (json) return { format: 'json', schema: (content[json] as Json | undefined)?.schema };
  if (types.some((t) => /xml/i.test(t))) return { format: 'xml', schema: undefined };
  return { format: 'json', schema: undefined };
}

/** JSONPaths of the response schema's properties named like a data item (depth and $ref hops bounded). */
function proposeFields(doc: Json, schema: unknown, fields: Map<string, string>): Operation['fields'] {
  const out: Operation['fields'] = [];
  const walk = (s: unknown, path: string, depth: number) => {
    if (depth > 8 || out.length >= 500) return;
    const resolved = deref(doc, s);
    if (!isObj(resolved)) return;
    if (resolved.type === 'array' || resolved.items) return walk(resolved.items, `${path}[*]`, depth + 1);
    const props = isObj(resolved.properties) ? resolved.properties : {};
    for (const [name, sub] of Object.entries(props)) {
      const seg = /^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `['${name.replace(/['\\]/g, '\\$&')}']`;
      const field = fields.get(name.toLowerCase());
      if (field) out.push({ path: `${path}${seg}`, field });
      else walk(sub, `${path}${seg}`, depth + 1);
    }
  };
  walk(schema, '$', 0);
  return out;
}

function deref(doc: Json, s: unknown, hops = 0): unknown {
  if (!isObj(s) || typeof s.$ref !== 'string' || hops > 10) return s;
  const parts = s.$ref.replace(/^#\//, '').split('/');
  let at: unknown = doc;
  for (const p of parts) at = isObj(at) ? at[p.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  return deref(doc, at, hops + 1);
}

const WSDL = 'http://schemas.xmlsoap.org/wsdl/';
const SOAP11 = 'http://schemas.xmlsoap.org/wsdl/soap/';
const SOAP12 = 'http://schemas.xmlsoap.org/wsdl/soap12/';

/** SOAP operations of a WSDL 1.1 document: one per binding operation, posted to the service's address path. */
export function operationsFromWsdl(text: string): Operation[] {
  let failed = false;
  const doc = new DOMParser({ onError: (level) => void (level !== 'warning' && (failed = true)) }).parseFromString(
    text,
    'text/xml',
  );
  if (failed || doc.documentElement?.namespaceURI !== WSDL || doc.documentElement.localName !== 'definitions')
    throw invalid('Not a WSDL 1.1 document', '不是有效的 WSDL 1.1 接口描述');
  const targetNs = doc.documentElement.getAttribute('targetNamespace') ?? '';
  const address = [...byName(doc, SOAP11, 'address'), ...byName(doc, SOAP12, 'address')][0]?.getAttribute('location');
  let path = '/';
  try {
    if (address) path = new URL(address).pathname;
  } catch {
    /* a relative or odd location: the provider sets the path */
  }
  const ids = new Set<string>();
  const ops: Operation[] = [];
  for (const binding of byName(doc, WSDL, 'binding'))
    for (const op of byName(binding, WSDL, 'operation')) {
      const name = op.getAttribute('name') ?? '';
      const soap = [...byName(op, SOAP11, 'operation'), ...byName(op, SOAP12, 'operation')][0];
      if (!name || !soap || ops.some((o) => o.summary === name)) continue;
      ops.push({
        id: uniqueId(ids, name),
        method: 'POST',
        path,
        summary: name,
        responseFormat: 'xml',
        soapAction: soap.getAttribute('soapAction') ?? '',
        namespaces: targetNs ? { ns: targetNs, soap: 'http://schemas.xmlsoap.org/soap/envelope/' } : undefined,
        fields: [],
      });
    }
  if (!ops.length) throw invalid('The WSDL binds no SOAP operation', 'WSDL 中没有 SOAP 操作');
  return ops;
}

const byName = (node: { getElementsByTagNameNS(ns: string, n: string): ArrayLike<Element> }, ns: string, n: string) =>
  Array.from(node.getElementsByTagNameNS(ns, n)) as Element[];
