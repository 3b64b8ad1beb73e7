/**
 * The template engine: a logic-less subset of Mustache. `{{name}}` places a value (HTML-escaped in the
 * HTML part), `{{#items}}…{{/items}}` repeats for each entry of a list (or once for a non-empty value),
 * `{{^items}}…{{/items}}` renders when the value is missing or empty. Nothing else: no expressions,
 * partials, lambdas or property paths, so a tenant-edited text can only place the values it is given.
 */

export type Value = string | readonly Values[];
export type Values = Readonly<Record<string, Value>>;

type Node =
  | { kind: "text"; text: string }
  | { kind: "var"; name: string }
  | { kind: "section"; name: string; inverted: boolean; children: Node[] };

/** A template that does not parse, with where. */
export class TemplateError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = "TemplateError";
  }
}

const TAG = /\{\{\s*([#^/]?)\s*([a-zA-Z][a-zA-Z0-9_]*)?\s*\}\}/g;
const OPEN = "{{";

/** Parses a template; throws TemplateError for an unclosed section, a stray close or a bad tag. */
export function parse(template: string): Node[] {
  const triple = template.indexOf("{{{");
  if (triple >= 0) {
    throw new TemplateError(`"{{{" at ${triple}: unescaped values are not supported`, triple);
  }
  const root: Node[] = [];
  const stack: { name: string; children: Node[]; at: number }[] = [];
  let current = root;
  let last = 0;
  TAG.lastIndex = 0;
  for (let match = TAG.exec(template); match; match = TAG.exec(template)) {
    const before = template.slice(last, match.index);
    const stray = before.indexOf(OPEN);
    if (stray >= 0) {
      throw new TemplateError(
        `"{{" at ${last + stray} is not a tag ({{name}}, {{#name}}, {{^name}}, {{/name}})`,
        last + stray,
      );
    }
    if (before) {
      current.push({ kind: "text", text: before });
    }
    const [, sigil = "", name] = match;
    if (!name) {
      throw new TemplateError(`empty tag at ${match.index}`, match.index);
    }
    if (sigil === "#" || sigil === "^") {
      const children: Node[] = [];
      current.push({ kind: "section", name, inverted: sigil === "^", children });
      stack.push({ name, children: current, at: match.index });
      current = children;
    } else if (sigil === "/") {
      const open = stack.pop();
      if (!open || open.name !== name) {
        throw new TemplateError(`{{/${name}}} at ${match.index} closes no open {{#${name}}}`, match.index);
      }
      current = open.children;
    } else {
      current.push({ kind: "var", name });
    }
    last = match.index + match[0].length;
  }
  const rest = template.slice(last);
  const stray = rest.indexOf(OPEN);
  if (stray >= 0) {
    throw new TemplateError(
      `"{{" at ${last + stray} is not a tag ({{name}}, {{#name}}, {{^name}}, {{/name}})`,
      last + stray,
    );
  }
  const open = stack.pop();
  if (open) {
    throw new TemplateError(`{{#${open.name}}} at ${open.at} is never closed`, open.at);
  }
  if (rest) {
    current.push({ kind: "text", text: rest });
  }
  return root;
}

/** Every name a template uses (to check a tenant's text against what its template is given). */
export function namesIn(nodes: readonly Node[], into = new Set<string>()): Set<string> {
  for (const node of nodes) {
    if (node.kind !== "text") {
      into.add(node.name);
    }
    if (node.kind === "section") {
      namesIn(node.children, into);
    }
  }
  return into;
}

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);

function lookup(scopes: readonly Values[], name: string): Value | undefined {
  for (let i = scopes.length - 1; i >= 0; i--) {
    const scope = scopes[i];
    if (scope && Object.hasOwn(scope, name)) {
      return scope[name];
    }
  }
  return undefined;
}

const empty = (value: Value | undefined) => value === undefined || value.length === 0;

function emit(nodes: readonly Node[], scopes: Values[], html: boolean, out: string[]) {
  for (const node of nodes) {
    if (node.kind === "text") {
      out.push(node.text);
      continue;
    }
    const value = lookup(scopes, node.name);
    if (node.kind === "var") {
      const text = typeof value === "string" ? value : "";
      out.push(html ? escapeHtml(text) : text);
    } else if (node.inverted) {
      if (empty(value)) {
        emit(node.children, scopes, html, out);
      }
    } else if (typeof value === "string") {
      if (value) {
        emit(node.children, scopes, html, out);
      }
    } else if (value) {
      for (const item of value) {
        emit(node.children, [...scopes, item], html, out);
      }
    }
  }
}

// Parsed texts, so a message does not parse its template again (built-in texts and the tenants' versions
// in use: a few hundred at most; emptied when it grows past that, as a tenant may edit often).
const parsed = new Map<string, Node[]>();
const PARSED_MAX = 1_000;

function parsedOf(template: string): Node[] {
  let nodes = parsed.get(template);
  if (!nodes) {
    nodes = parse(template);
    if (parsed.size >= PARSED_MAX) {
      parsed.clear();
    }
    parsed.set(template, nodes);
  }
  return nodes;
}

/** Renders a parsed template (or a template text, parsed once) with `values`. */
export function renderTemplate(template: string | readonly Node[], values: Values, html = false): string {
  const out: string[] = [];
  emit(typeof template === "string" ? parsedOf(template) : template, [values], html, out);
  return out.join("");
}
