import { describe, expect, it } from 'vitest';
import { compileJsonProjection, jsonPathProblem, type ProjectedField } from './response-projection';
import { compileXmlProjection, xpathProblem, XmlProjectionError, type XmlProjectedField } from './xml-projection';

type Mask = (text: string) => string;
const star: Mask = (s) => s.slice(0, 1) + '*'.repeat(s.length - 1);
const last4: Mask = (s) => '*'.repeat(Math.max(0, s.length - 4)) + s.slice(-4);
/** Not idempotent, unlike the two above: shows how often a mask was applied. */
const tag: Mask = (s) => `#${s}`;

const field = (path: string, mask: Mask | null = null): ProjectedField => ({ path, field: path, mask });
const project = (doc: unknown, ...fields: ProjectedField[]) => compileJsonProjection(fields)(doc);

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object') {
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
    Object.freeze(v);
  }
  return v;
}

const response = () => ({
  code: 0,
  msg: 'ok',
  total: 3,
  data: [
    { person: { name: '张三', idCard: '110101199003071234', address: '北京' }, seq: 1 },
    { person: { name: '李四', idCard: '110101198512120021' }, seq: 2 },
    { seq: 3 },
  ],
});

describe('JSON projection', () => {
  it('keeps only mapped values of nested objects, dropping every other field', () => {
    const doc = { code: 0, data: { person: { name: '张三', idCard: '110101199003071234' }, extra: { a: 1 } } };
    expect(project(doc, field('$.data.person.name'), field('$.code'))).toEqual({
      value: { code: 0, data: { person: { name: '张三' } } },
      rows: 1,
    });
  });

  it('merges paths with shared prefixes over arrays of objects, keeping rows aligned', () => {
    const result = project(
      response(),
      field('$.data[*].person.name'),
      field('$.data[*].person.idCard', star),
      field('$.total'),
    );
    expect(result).toEqual({
      value: {
        total: 3,
        data: [
          { person: { name: '张三', idCard: '1*****************' } },
          { person: { name: '李四', idCard: '1*****************' } },
          {},
        ],
      },
      rows: 2,
    });
  });

  it('masks scalar array elements and counts each as a row', () => {
    const doc = { phones: ['13812345678', 13900001111, true, null], owner: 'x' };
    expect(project(doc, field('$.phones[*]', last4))).toEqual({
      value: { phones: ['*******5678', '*******1111', 'true', null] },
      rows: 4,
    });
  });

  it('keeps only element N for [N], as a one-element array', () => {
    expect(project(response(), field('$.data[1].person.name'))).toEqual({
      value: { data: [{ person: { name: '李四' } }] },
      rows: 1,
    });
    expect(project(response(), field('$.data[7].person.name'))).toEqual({ value: {}, rows: 0 });
    expect(project(response(), field('$.data[0].seq'), field('$.data[2].seq'))).toEqual({
      value: { data: [{ seq: 1 }, { seq: 3 }] },
      rows: 1,
    });
  });

  it('adds what [N] maps to what [*] keeps of element N', () => {
    expect(project(response(), field('$.data[*].seq'), field('$.data[0].person.idCard', star))).toEqual({
      value: { data: [{ seq: 1, person: { idCard: '1*****************' } }, { seq: 2 }, { seq: 3 }] },
      rows: 3,
    });
  });

  it('reads bracket names with quotes and escapes, and Chinese keys', () => {
    const doc = {
      结果: { 人员: [{ 姓名: '王五', 证件号码: '110101' }] },
      "it's": { 'a.b': 1, 'back\\slash': 2, c: 3 },
    };
    expect(
      project(doc, field('$.结果.人员[*].姓名'), field("$['it\\'s']['a.b']"), field("$['it\\'s']['back\\\\slash']")),
    ).toEqual({ value: { 结果: { 人员: [{ 姓名: '王五' }] }, "it's": { 'a.b': 1, 'back\\slash': 2 } }, rows: 1 });
  });

  it('masks an object or array at a masked path as its JSON text, and copies it whole unmasked', () => {
    const doc = { person: { name: '张三', tags: ['a'] }, list: [1, 2] };
    const shown: Mask = (s) => `masked(${s})`;
    expect(project(doc, field('$.person', shown), field('$.list', star))).toEqual({
      value: { person: 'masked({"name":"张三","tags":["a"]})', list: '[****' },
      rows: 1,
    });
    expect(project(doc, field('$.person'))).toEqual({ value: { person: { name: '张三', tags: ['a'] } }, rows: 1 });
  });

  it('masks deeper mapped fields inside a value that is copied whole', () => {
    const doc = { person: { name: '张三', idCard: '110101199003071234', kids: [{ idCard: '110101201001010011' }] } };
    expect(
      project(doc, field('$.person'), field('$.person.idCard', last4), field('$.person.kids[*].idCard', star)),
    ).toEqual({
      value: { person: { name: '张三', idCard: '**************1234', kids: [{ idCard: '1*****************' }] } },
      rows: 1,
    });
  });

  it('lets a masked mapping win over an unmasked one at the same path, and applies two masks in turn', () => {
    const doc = { id: '110101199003071234' };
    expect(project(doc, field('$.id'), field('$.id', last4)).value).toEqual({ id: '**************1234' });
    expect(project(doc, field('$.id', last4), field('$.id', star)).value).toEqual({ id: '******************' });
    const list = { a: [{ x: 'v' }, { x: 'w' }] };
    expect(project(list, field('$.a[*].x', tag), field('$.a[0].x', tag), field('$.a[0].x', tag))).toEqual({
      value: { a: [{ x: '#v' }, { x: '#w' }] },
      rows: 2,
    });
  });

  it('keeps null values as null, masked or not', () => {
    const doc = { a: null, b: null, list: [{ x: null }, { x: 'abc' }] };
    expect(project(doc, field('$.a'), field('$.b', star), field('$.list[*].x', star))).toEqual({
      value: { a: null, b: null, list: [{ x: null }, { x: 'a**' }] },
      rows: 2,
    });
  });

  it('leaves missing paths and type mismatches out of the output', () => {
    const doc = { data: [{ name: 'a' }], obj: { name: 'b' }, text: 'c', items: [1, 'x', [2], { name: 'd' }] };
    expect(
      project(
        doc,
        field('$.nothing.here'),
        field('$.data.name'),
        field('$.obj[*].name'),
        field('$.obj[0]'),
        field('$.text.length'),
        field('$.items[*].name'),
      ),
    ).toEqual({ value: { items: [null, null, [], { name: 'd' }] }, rows: 1 });
    expect(project([1, 2], field('$.a'))).toEqual({ value: [], rows: 0 });
    expect(project('text', field('$.a'))).toEqual({ value: null, rows: 0 });
  });

  it('maps "$" alone to the whole document', () => {
    expect(project({ a: 1 }, field('$'))).toEqual({ value: { a: 1 }, rows: 1 });
    expect(project({ a: 1 }, field('$', star))).toEqual({ value: '{******', rows: 1 });
  });

  it('counts rows as the most matches of any one mapped path', () => {
    const doc = {
      total: 20,
      data: Array.from({ length: 20 }, (_, i) => ({ name: `n${i}`, sub: i < 5 ? [1, 2, 3] : [] })),
    };
    expect(project(doc, field('$.data[*].name'), field('$.total')).rows).toBe(20);
    expect(project(doc, field('$.data[*].sub[*]'), field('$.total')).rows).toBe(15);
    expect(project(doc, field('$.total')).rows).toBe(1);
    expect(project(doc, field('$.missing')).rows).toBe(0);
    expect(project(doc, field('$.data[*].name'), field('$.data[*].name', star)).rows).toBe(20);
  });

  it('copies "__proto__" and "constructor" as own data and never reads inherited properties', () => {
    const doc = JSON.parse('{"__proto__": {"x": 1, "y": 2}, "constructor": {"k": 1}, "w": {"__proto__": {"p": 1}}}');
    const out = project(doc, field("$['__proto__'].x"), field('$.constructor.k'), field('$.w'), field('$.w.q', star))
      .value as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__', 'constructor', 'w']);
    expect(JSON.stringify(out)).toBe('{"__proto__":{"x":1},"constructor":{"k":1},"w":{"__proto__":{"p":1}}}');
    expect(Object.getPrototypeOf(out.w)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(({} as Record<string, unknown>).p).toBeUndefined();
    expect(project({}, field('$.constructor'), field('$.toString'), field("$['__proto__']"))).toEqual({
      value: {},
      rows: 0,
    });
  });

  it('does not mutate the input document', () => {
    const doc = deepFreeze(response());
    const before = JSON.stringify(doc);
    const result = project(
      doc,
      field('$.data[*].person'),
      field('$.data[*].person.idCard', star),
      field('$.msg', star),
    );
    expect(JSON.stringify(doc)).toBe(before);
    expect(result.value).toEqual({
      msg: 'o*',
      data: [
        { person: { name: '张三', idCard: '1*****************', address: '北京' } },
        { person: { name: '李四', idCard: '1*****************' } },
        {},
      ],
    });
  });

  it('projects a 5 MB response of 20,000 rows, each row cut and masked', () => {
    const data = Array.from({ length: 20_000 }, (_, i) => ({
      name: `张${i}`,
      idCard: `1101011990${String(i).padStart(8, '0')}`,
      phone: '13812345678',
      address: '北京市东城区某某街道某某小区 1 号楼 2 单元 301 室'.repeat(2),
      remark: 'x'.repeat(80),
    }));
    const text = JSON.stringify({ code: 0, total: data.length, data });
    expect(text.length).toBeGreaterThan(4_500_000);
    const run = compileJsonProjection([
      field('$.data[*].name'),
      field('$.data[*].idCard', star),
      field('$.data[*].phone', last4),
      field('$.total'),
    ]);
    const out = run(JSON.parse(text) as unknown);
    expect(out.rows).toBe(20_000);
    const rows = (out.value as { data: Array<Record<string, string>> }).data;
    expect(rows).toHaveLength(20_000);
    expect(rows[19_999]).toEqual({ name: '张19999', idCard: star(data[19_999]!.idCard), phone: last4('13812345678') });
  });

  it('accepts the supported subset', () => {
    for (const p of [
      '$',
      '$.a',
      '$.data[*].person.idCard',
      '$[0]',
      "$['a b']['it\\'s']",
      '$.结果.人员[12].姓名',
      '$.$x._y-z',
    ])
      expect(jsonPathProblem(p), p).toBeNull();
  });

  it('rejects paths outside the subset with a message', () => {
    expect(jsonPathProblem('data.x')).toBe('A path starts with "$" (the whole document), as in "$.data[*].name"');
    expect(jsonPathProblem('$..x')).toBe('Recursive descent ("..") is not supported (position 1)');
    expect(jsonPathProblem('$.a[')).toBe('Unclosed "[" at position 3');
    expect(jsonPathProblem('$.a[?(@.x)]')).toBe('Filter expressions ("[?(...)]") are not supported (position 3)');
    expect(jsonPathProblem('$.*')).toBe('".*" is not supported; use "[*]" for the elements of an array (position 1)');
    expect(jsonPathProblem('$.a[-1]')).toBe('Negative indexes are not supported (position 3)');
    expect(jsonPathProblem('$.a[0:2]')).toBe('Expected "]" at position 5');
    expect(jsonPathProblem("$['a")).toBe('Unterminated quoted name starting at position 2');
    expect(jsonPathProblem("$['a\\n']")).toBe("Unsupported escape at position 4; only \\' and \\\\ are allowed");
    expect(jsonPathProblem('$.1a')).toBe('Expected a name after "." at position 1; write other keys as [\'key\']');
    expect(jsonPathProblem('$["a"]')).toBe('Expected "*", an index or a quoted name after "[" at position 1');
    expect(jsonPathProblem('$a')).toBe('Expected "." or "[" at position 1');
    expect(() => compileJsonProjection([{ path: '$..x', field: 'name', mask: null }])).toThrow(
      'Invalid JSONPath "$..x" for field name: Recursive descent ("..") is not supported (position 1)',
    );
  });
});

const SOAP = 'http://schemas.xmlsoap.org/soap/envelope/';
// The consumer's prefixes need not be the document's: XPath matches by namespace URI.
const namespaces = { soap: SOAP, p: 'urn:gov:person' };
const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';
const ENVELOPE = `<soap:Envelope xmlns:soap="${SOAP}" xmlns:ns="urn:gov:person">`;
const envelope = `${DECLARATION}
${ENVELOPE}
  <soap:Header><ns:trace>abc</ns:trace></soap:Header>
  <soap:Body>
    <ns:QueryResponse requestId="r-1">
      <ns:total>2</ns:total>
      <ns:person id="110101199003071234" kind="resident"><ns:name>张三</ns:name><ns:idCard type="01">110101199003071234</ns:idCard><!-- note --></ns:person>
      <ns:person id="110101198512120021" kind="resident">
        <ns:name>李四</ns:name>
        <ns:idCard type="01">110101198512120021</ns:idCard>
      </ns:person>
    </ns:QueryResponse>
  </soap:Body>
</soap:Envelope>`;

const xfield = (xpath: string, mask: Mask | null = null): XmlProjectedField => ({ xpath, field: xpath, mask });
const projectXml = (xml: string, ...fields: XmlProjectedField[]) => compileXmlProjection(fields, namespaces)(xml);
const body = (inner: string) =>
  `${DECLARATION}${ENVELOPE}<soap:Body><ns:QueryResponse>${inner}</ns:QueryResponse></soap:Body></soap:Envelope>`;

describe('XML projection', () => {
  it('keeps a selected element and its ancestors, dropping every other node and attribute', () => {
    expect(projectXml(envelope, xfield('/soap:Envelope/soap:Body/p:QueryResponse/p:person/p:name'))).toEqual({
      xml: body('<ns:person><ns:name>张三</ns:name></ns:person><ns:person><ns:name>李四</ns:name></ns:person>'),
      rows: 2,
    });
  });

  it('keeps selected elements whole, masking deeper selected ones and dropping their other attributes', () => {
    const first = projectXml(envelope, xfield('//p:person[1]'), xfield('//p:person/p:idCard', star));
    expect(first).toEqual({
      xml: body(
        '<ns:person id="110101199003071234" kind="resident"><ns:name>张三</ns:name>' +
          '<ns:idCard>1*****************</ns:idCard><!-- note --></ns:person>' +
          '<ns:person><ns:idCard>1*****************</ns:idCard></ns:person>',
      ),
      rows: 2,
    });
  });

  it('lets a masked selection win over an unmasked one, also for attributes inside a kept element', () => {
    expect(
      projectXml(envelope, xfield('//p:person[2]'), xfield('//p:person/@id', last4), xfield('//p:name', star)),
    ).toEqual({
      xml: body(
        '<ns:person id="**************1234"><ns:name>张*</ns:name></ns:person>' +
          '<ns:person id="**************0021" kind="resident">\n        <ns:name>李*</ns:name>\n' +
          '        <ns:idCard type="01">110101198512120021</ns:idCard>\n      </ns:person>',
      ),
      rows: 2,
    });
    const total = projectXml(envelope, xfield('//p:total', tag), xfield('//p:total'), xfield('//p:total', star));
    expect(total.xml).toBe(body('<ns:total>#*</ns:total>'));
  });

  it('keeps default namespace declarations on the path', () => {
    const xml = '<r xmlns="urn:x" a="1"><v>1</v><w>2</w></r>';
    expect(compileXmlProjection([xfield('//d:v')], { d: 'urn:x' })(xml)).toEqual({
      xml: '<r xmlns="urn:x"><v>1</v></r>',
      rows: 1,
    });
  });

  it('keeps and masks selected attributes', () => {
    expect(projectXml(envelope, xfield('//p:person/@id', last4), xfield('//p:idCard/@type'))).toEqual({
      xml: body(
        '<ns:person id="**************1234"><ns:idCard type="01"/></ns:person>' +
          '<ns:person id="**************0021"><ns:idCard type="01"/></ns:person>',
      ),
      rows: 2,
    });
  });

  it('replaces a masked element content by the masked text', () => {
    expect(projectXml(envelope, xfield('//p:person[1]', star)).xml).toBe(
      body(`<ns:person>张${'*'.repeat(19)}</ns:person>`),
    );
  });

  it('keeps only the root element when nothing matches, and no declaration the input lacks', () => {
    expect(projectXml(envelope, xfield('//p:nothing'))).toEqual({
      xml: `${DECLARATION}${ENVELOPE.replace('>', '/>')}`,
      rows: 0,
    });
    expect(projectXml('<r a="1"><x>1</x></r>', xfield('//x'))).toEqual({ xml: '<r><x>1</x></r>', rows: 1 });
  });

  it('throws XmlProjectionError on a body that is not well-formed XML', () => {
    for (const bad of ['<a><b></a>', '', '{"a": 1}', '<a>&nbsp;</a>', '<a/><b/>'])
      expect(() => projectXml(bad, xfield('//a')), bad).toThrow(XmlProjectionError);
    expect(() => projectXml('<a><b></a>', xfield('//a'))).toThrow(
      'The response is not well-formed XML: Opening and ending tag mismatch: "b" != "a"',
    );
  });

  it('never expands external entities and drops the DOCTYPE', () => {
    const dtd = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>';
    // An error instance: the message must equal this one, not merely contain it.
    expect(() => projectXml(`${dtd}<x><y>&e;</y></x>`, xfield('//y'))).toThrow(
      new XmlProjectionError('The response is not well-formed XML: entity not found:&e;'),
    );
    expect(() => projectXml(`${dtd}<x><y a="&e;"/></x>`, xfield('//y'))).toThrow(XmlProjectionError);
    expect(projectXml(`${dtd}<x><y>safe</y></x>`, xfield('//y'))).toEqual({ xml: '<x><y>safe</y></x>', rows: 1 });
  });

  it('projects 6,000 rows (xpath alone took tens of seconds to order xmldom nodes; see the shim)', () => {
    const rows = Array.from({ length: 6000 }, (_, i) => `<ns:person id="${i}"><ns:name>n${i}</ns:name></ns:person>`);
    const run = compileXmlProjection([xfield('//p:person/p:name', star)], namespaces);
    const result = run(body(rows.join('\n')));
    expect(result.rows).toBe(6000);
    expect(result.xml).toBe(
      body(rows.map((_, i) => `<ns:person><ns:name>n${'*'.repeat(String(i).length)}</ns:name></ns:person>`).join('')),
    );
  });

  it('accepts valid XPaths and rejects bad syntax, undeclared prefixes and non-node results', () => {
    for (const e of ['//p:person/@id', 'child::soap:Body', "//p:name[text()='a:b']", '//p:姓名', '/'])
      expect(xpathProblem(e, namespaces), e).toBeNull();
    expect(xpathProblem('//p:person[', namespaces)).toBe('Invalid XPath "//p:person[": XPath parse error');
    expect(xpathProblem('//x:person', namespaces)).toBe('Namespace prefix "x" is not declared');
    expect(xpathProblem('//p:person/@q:id', namespaces)).toBe('Namespace prefix "q" is not declared');
    expect(xpathProblem('//constructor:x', namespaces)).toBe('Namespace prefix "constructor" is not declared');
    expect(xpathProblem('count(//p:person)', namespaces)).toBe(
      '"count(//p:person)" must select elements or attributes, not compute a number',
    );
    expect(xpathProblem('foo()', namespaces)).toBe('Invalid XPath "foo()": Unknown function foo');
    expect(xpathProblem(' ', namespaces)).toBe('An XPath is required');
    expect(() => compileXmlProjection([{ xpath: '//x:a', field: 'name', mask: null }], namespaces)).toThrow(
      'Invalid XPath for field name: Namespace prefix "x" is not declared',
    );
  });
});
