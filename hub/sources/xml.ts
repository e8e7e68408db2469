/**
 * A careful, small, non-validating XML reader: enough for CAP messages and nothing more.
 * Elements, attributes, namespaces (default and prefixed), character and the five predefined
 * entity references, CDATA, comments and processing instructions. Refuses DOCTYPE (so no
 * entity expansion or external entities can be smuggled in), mismatched or unclosed tags,
 * undeclared prefixes, duplicate attributes, and anything after the root element.
 */

export interface XmlElement {
  /** Local name, without prefix. */
  name: string;
  /** Namespace URI ('' when none). */
  ns: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Concatenated character data directly inside this element. */
  text: string;
}

export class XmlError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
    this.name = 'XmlError';
  }
}

const MAX_DEPTH = 64;
const NAME = /[A-Za-z_\u00C0-\uFFFF][\w.\-\u00B7\u00C0-\uFFFF]*(?::[A-Za-z_\u00C0-\uFFFF][\w.\-\u00B7\u00C0-\uFFFF]*)?/y;
const XML_NS = 'http://www.w3.org/XML/1998/namespace';

export function parseXml(input: string): XmlElement {
  const src = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  let i = 0;

  const fail = (msg: string): never => {
    const upto = src.slice(0, i);
    const line = upto.split('\n').length;
    throw new XmlError(`${msg} (line ${line})`, i);
  };

  const decode = (raw: string): string =>
    raw.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z]+);|&/g, (m, ref: string | undefined) => {
      if (!ref) return fail('bare & in text; write &amp;');
      switch (ref) {
        case 'lt': return '<';
        case 'gt': return '>';
        case 'amp': return '&';
        case 'quot': return '"';
        case 'apos': return "'";
        default: {
          if (ref[0] !== '#') return fail(`undefined entity &${ref};`);
          const cp = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
          if (!(cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff))) {
            return fail(`invalid character reference ${m}`);
          }
          return String.fromCodePoint(cp);
        }
      }
    });

  const skipSpace = () => { while (i < src.length && /\s/.test(src[i]!)) i++; };

  const readName = (): string => {
    NAME.lastIndex = i;
    const m = NAME.exec(src);
    if (!m) return fail('expected a name');
    i += m[0].length;
    return m[0];
  };

  /** Comments, processing instructions and whitespace between markup; refuses DOCTYPE. */
  const skipMisc = (allowText: boolean) => {
    for (;;) {
      if (!allowText) skipSpace();
      if (src.startsWith('<!--', i)) {
        const end = src.indexOf('-->', i + 4);
        if (end < 0) fail('unclosed comment');
        i = end + 3;
      } else if (src.startsWith('<?', i)) {
        const end = src.indexOf('?>', i + 2);
        if (end < 0) fail('unclosed processing instruction');
        i = end + 2;
      } else if (src.startsWith('<!DOCTYPE', i) || src.startsWith('<!doctype', i)) {
        fail('DOCTYPE is not accepted');
      } else {
        return;
      }
    }
  };

  type Scope = Map<string, string>;

  const resolve = (qname: string, scope: Scope, isAttr: boolean): { ns: string; local: string } => {
    const c = qname.indexOf(':');
    if (c < 0) return { ns: isAttr ? '' : scope.get('') ?? '', local: qname };
    const prefix = qname.slice(0, c);
    if (prefix === 'xml') return { ns: XML_NS, local: qname.slice(c + 1) };
    const ns = scope.get(prefix);
    if (ns === undefined) return fail(`undeclared namespace prefix '${prefix}'`);
    return { ns, local: qname.slice(c + 1) };
  };

  const element = (parent: Scope, depth: number): XmlElement => {
    if (depth > MAX_DEPTH) fail('elements nested too deeply');
    if (src[i] !== '<') fail('expected an element');
    i++;
    const qname = readName();
    const raw: [string, string][] = [];
    for (;;) {
      const before = i;
      skipSpace();
      if (src.startsWith('/>', i) || src[i] === '>') break;
      if (i === before) fail(`expected whitespace before an attribute of <${qname}>`);
      const an = readName();
      skipSpace();
      if (src[i] !== '=') fail(`attribute ${an} needs a value`);
      i++;
      skipSpace();
      const q = src[i];
      if (q !== '"' && q !== "'") return fail(`attribute ${an}'s value must be quoted`);
      const end = src.indexOf(q, i + 1);
      if (end < 0) fail('unclosed attribute value');
      const value = src.slice(i + 1, end);
      if (value.includes('<')) fail(`'<' in the value of attribute ${an}`);
      if (raw.some(([k]) => k === an)) fail(`duplicate attribute ${an}`);
      raw.push([an, decode(value)]);
      i = end + 1;
    }
    const scope: Scope = new Map(parent);
    for (const [k, v] of raw) {
      if (k === 'xmlns') scope.set('', v);
      else if (k.startsWith('xmlns:')) {
        if (!v) fail(`namespace prefix ${k.slice(6)} bound to an empty name`);
        scope.set(k.slice(6), v);
      }
    }
    const { ns, local } = resolve(qname, scope, false);
    const attrs: Record<string, string> = {};
    for (const [k, v] of raw) {
      if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
      attrs[resolve(k, scope, true).local] = v;
    }
    const el: XmlElement = { name: local, ns, attrs, children: [], text: '' };
    if (src.startsWith('/>', i)) { i += 2; return el; }
    i++; // '>'
    let text = '';
    for (;;) {
      if (i >= src.length) fail(`<${qname}> is not closed`);
      const lt = src.indexOf('<', i);
      if (lt < 0) { i = src.length; fail(`<${qname}> is not closed`); }
      if (lt > i) {
        const chunk = src.slice(i, lt);
        if (chunk.includes(']]>')) fail("']]>' in text");
        text += decode(chunk);
        i = lt;
      }
      if (src.startsWith('</', i)) {
        i += 2;
        const close = readName();
        if (close !== qname) fail(`</${close}> closes <${qname}>`);
        skipSpace();
        if (src[i] !== '>') fail(`expected '>' after </${close}`);
        i++;
        el.text = text;
        return el;
      }
      if (src.startsWith('<![CDATA[', i)) {
        const end = src.indexOf(']]>', i + 9);
        if (end < 0) fail('unclosed CDATA section');
        text += src.slice(i + 9, end);
        i = end + 3;
        continue;
      }
      if (src.startsWith('<!--', i) || src.startsWith('<?', i) || src.startsWith('<!', i)) {
        if (src.startsWith('<!--', i) || src.startsWith('<?', i)) { skipMisc(true); continue; }
        fail('markup declarations are not accepted');
      }
      el.children.push(element(scope, depth + 1));
    }
  };

  skipMisc(false);
  if (i >= src.length) fail('empty document');
  const root = element(new Map(), 0);
  skipMisc(false);
  if (i < src.length) fail('content after the root element');
  return root;
}

/** The first child with this namespace and local name. */
export function child(el: XmlElement, ns: string, name: string): XmlElement | undefined {
  return el.children.find((c) => c.ns === ns && c.name === name);
}

export function childrenNamed(el: XmlElement, ns: string, name: string): XmlElement[] {
  return el.children.filter((c) => c.ns === ns && c.name === name);
}

/** Trimmed text of the first such child, or undefined when absent or empty. */
export function childText(el: XmlElement, ns: string, name: string): string | undefined {
  const t = child(el, ns, name)?.text.trim();
  return t ? t : undefined;
}
