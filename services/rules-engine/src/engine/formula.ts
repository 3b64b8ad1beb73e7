import type { Dec } from "./decimal.ts";
import { parseDec } from "./decimal.ts";

/**
 * The formula language: + − × ÷ (also * /), unary minus, parentheses, decimal numbers, 'strings',
 * fact names, earlier outputs as `out.name`, and calls of the functions in functions.ts. Parsed by a
 * small recursive-descent parser into a tree; nothing is ever executed as code.
 */
export type FormulaNode =
  | { k: "num"; value: Dec; pos: number }
  | { k: "str"; value: string; pos: number }
  | { k: "fact"; name: string; pos: number }
  | { k: "out"; name: string; pos: number }
  | { k: "neg"; arg: FormulaNode; pos: number }
  | { k: "bin"; op: "+" | "-" | "*" | "/"; left: FormulaNode; right: FormulaNode; pos: number }
  | { k: "call"; fn: string; args: FormulaNode[]; pos: number };

export class FormulaSyntaxError extends Error {
  readonly pos: number;
  constructor(message: string, pos: number) {
    super(`${message} at character ${pos + 1}`);
    this.pos = pos;
  }
}

type Token =
  | { t: "num"; text: string; pos: number }
  | { t: "str"; text: string; pos: number }
  | { t: "id"; text: string; pos: number }
  | { t: "op"; text: string; pos: number }
  | { t: "end"; text: ""; pos: number };

const OPS: Record<string, string> = {
  "+": "+",
  "-": "-",
  "−": "-",
  "*": "*",
  "×": "*",
  "/": "/",
  "÷": "/",
  "(": "(",
  ")": ")",
  ",": ",",
  ".": ".",
};

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] ?? "";
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const number = /^\d+(\.\d+)?/.exec(source.slice(i));
    if (number) {
      tokens.push({ t: "num", text: number[0], pos: i });
      i += number[0].length;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i));
    if (ident) {
      tokens.push({ t: "id", text: ident[0], pos: i });
      i += ident[0].length;
      continue;
    }
    if (ch === "'" || ch === '"') {
      const end = source.indexOf(ch, i + 1);
      if (end === -1) {
        throw new FormulaSyntaxError("Unterminated string", i);
      }
      tokens.push({ t: "str", text: source.slice(i + 1, end), pos: i });
      i = end + 1;
      continue;
    }
    const op = OPS[ch];
    if (!op) {
      throw new FormulaSyntaxError(`Unexpected character "${ch}"`, i);
    }
    tokens.push({ t: "op", text: op, pos: i });
    i++;
  }
  tokens.push({ t: "end", text: "", pos: source.length });
  return tokens;
}

const MAX_DEPTH = 40;

/** Parses a formula into its tree; throws FormulaSyntaxError with the position of the fault. */
export function parseFormula(source: string): FormulaNode {
  const tokens = tokenize(source);
  let at = 0;
  let depth = 0;
  const peek = (): Token => tokens[at] ?? { t: "end", text: "", pos: source.length };
  const next = (): Token => {
    const token = peek();
    at++;
    return token;
  };
  const expect = (text: string): Token => {
    const token = next();
    if (token.t !== "op" || token.text !== text) {
      throw new FormulaSyntaxError(`Expected "${text}"`, token.pos);
    }
    return token;
  };
  const isOp = (token: Token, ...texts: string[]) => token.t === "op" && texts.includes(token.text);

  function expression(): FormulaNode {
    if (++depth > MAX_DEPTH) {
      throw new FormulaSyntaxError("Formula is nested too deeply", peek().pos);
    }
    let left = term();
    while (isOp(peek(), "+", "-")) {
      const op = next();
      left = { k: "bin", op: op.text as "+" | "-", left, right: term(), pos: op.pos };
    }
    depth--;
    return left;
  }

  function term(): FormulaNode {
    let left = unary();
    while (isOp(peek(), "*", "/")) {
      const op = next();
      left = { k: "bin", op: op.text as "*" | "/", left, right: unary(), pos: op.pos };
    }
    return left;
  }

  function unary(): FormulaNode {
    const token = peek();
    if (isOp(token, "-")) {
      next();
      if (++depth > MAX_DEPTH) {
        throw new FormulaSyntaxError("Formula is nested too deeply", token.pos);
      }
      const arg = unary();
      depth--;
      return { k: "neg", arg, pos: token.pos };
    }
    if (isOp(token, "+")) {
      next();
      return unary();
    }
    return primary();
  }

  function primary(): FormulaNode {
    const token = next();
    switch (token.t) {
      case "num": {
        const value = parseDec(token.text);
        if (!value) {
          throw new FormulaSyntaxError(`"${token.text}" is not a number`, token.pos);
        }
        return { k: "num", value, pos: token.pos };
      }
      case "str":
        return { k: "str", value: token.text, pos: token.pos };
      case "id": {
        if (token.text === "out" && isOp(peek(), ".")) {
          next();
          const name = next();
          if (name.t !== "id") {
            throw new FormulaSyntaxError("Expected an output name after out.", name.pos);
          }
          return { k: "out", name: name.text, pos: token.pos };
        }
        if (isOp(peek(), "(")) {
          next();
          const args: FormulaNode[] = [];
          if (!isOp(peek(), ")")) {
            args.push(expression());
            while (isOp(peek(), ",")) {
              next();
              args.push(expression());
            }
          }
          expect(")");
          return { k: "call", fn: token.text, args, pos: token.pos };
        }
        return { k: "fact", name: token.text, pos: token.pos };
      }
      case "op":
        if (token.text === "(") {
          const inner = expression();
          expect(")");
          return inner;
        }
        throw new FormulaSyntaxError(`Unexpected "${token.text}"`, token.pos);
      default:
        throw new FormulaSyntaxError("The formula ends too early", token.pos);
    }
  }

  const tree = expression();
  const rest = peek();
  if (rest.t !== "end") {
    throw new FormulaSyntaxError(`Unexpected "${rest.text}"`, rest.pos);
  }
  return tree;
}
