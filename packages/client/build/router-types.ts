// Writes the API's router type as plain declarations: each procedure's kind, input and output expanded
// by TypeScript 5's checker into literal types (objects, unions, literals, arrays, Date…), so the
// published .d.ts needs nothing but @trpc/server. Large object types repeated across procedures are
// hoisted into named aliases; recursive ones (JSON values) become self-referencing aliases.
import ts from "typescript5";

const HOIST_AT = 160;

interface Printer {
  print(type: ts.Type): string;
  aliases(): string[];
}

function identifier(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
}

function createPrinter(checker: ts.TypeChecker, program: ts.Program): Printer {
  const stack: ts.Type[] = [];
  const recursive = new Map<ts.Type, string>();
  const hoisted = new Map<string, string>(); // printed body -> alias name
  const declared: string[] = [];
  let counter = 0;

  const nameFor = (type: ts.Type): string => {
    const base = type.aliasSymbol?.name ?? type.getSymbol()?.name ?? "";
    const clean = /^[A-Z][A-Za-z0-9]*$/.test(base) ? base : "Shape";
    counter += 1;
    return `${clean}${counter}`;
  };

  const isLibType = (type: ts.Type): boolean => {
    const symbol = type.getSymbol();
    const declarations = symbol?.getDeclarations() ?? [];
    return (
      symbol !== undefined &&
      (symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.Class)) !== 0 &&
      declarations.length > 0 &&
      declarations.every((d) => program.isSourceFileDefaultLibrary(d.getSourceFile()))
    );
  };

  const objectBody = (type: ts.Type): string => {
    const members: string[] = [];
    for (const info of checker.getIndexInfosOfType(type)) {
      members.push(`[key: ${print(info.keyType)}]: ${print(info.type)}`);
    }
    for (const property of checker.getPropertiesOfType(type)) {
      if (property.name.startsWith("__@")) {
        continue; // symbol-keyed (brands): not part of the wire shape
      }
      const optional = (property.flags & ts.SymbolFlags.Optional) !== 0;
      const propertyType = checker.getTypeOfSymbol(property);
      members.push(`${identifier(property.name)}${optional ? "?" : ""}: ${print(propertyType)}`);
    }
    const signatures = checker.getSignaturesOfType(type, ts.SignatureKind.Call);
    for (const signature of signatures) {
      const parameters = signature.getParameters().map((p) => `${identifier(p.name)}: any`);
      members.push(`(${parameters.join(", ")}): ${print(signature.getReturnType())}`);
    }
    return members.length === 0 ? "{}" : `{ ${members.join("; ")} }`;
  };

  const printUnion = (types: readonly ts.Type[]): string => {
    const hasTrue = types.some(
      (t) => t.flags & ts.TypeFlags.BooleanLiteral && checker.typeToString(t) === "true",
    );
    const hasFalse = types.some(
      (t) => t.flags & ts.TypeFlags.BooleanLiteral && checker.typeToString(t) === "false",
    );
    const parts: string[] = [];
    for (const member of types) {
      if (hasTrue && hasFalse && member.flags & ts.TypeFlags.BooleanLiteral) {
        continue;
      }
      parts.push(wrap(member));
    }
    if (hasTrue && hasFalse) {
      parts.push("boolean");
    }
    return parts.join(" | ");
  };

  const wrap = (type: ts.Type): string => {
    const text = print(type);
    return type.flags & (ts.TypeFlags.Union | ts.TypeFlags.Intersection) ? `(${text})` : text;
  };

  const structural = (type: ts.Type): string => {
    const flags = type.flags;
    if (flags & ts.TypeFlags.Any) {
      return "any";
    }
    if (flags & ts.TypeFlags.Unknown) {
      return "unknown";
    }
    if (flags & ts.TypeFlags.Never) {
      return "never";
    }
    if (flags & ts.TypeFlags.StringLiteral) {
      return JSON.stringify((type as ts.StringLiteralType).value);
    }
    if (flags & ts.TypeFlags.NumberLiteral) {
      return String((type as ts.NumberLiteralType).value);
    }
    if (
      flags &
      (ts.TypeFlags.String |
        ts.TypeFlags.Number |
        ts.TypeFlags.Boolean |
        ts.TypeFlags.BooleanLiteral |
        ts.TypeFlags.BigInt |
        ts.TypeFlags.BigIntLiteral |
        ts.TypeFlags.Null |
        ts.TypeFlags.Undefined |
        ts.TypeFlags.Void |
        ts.TypeFlags.ESSymbol |
        ts.TypeFlags.NonPrimitive)
    ) {
      return checker.typeToString(type);
    }
    if (type.isUnion()) {
      return printUnion(type.types);
    }
    if (type.isIntersection()) {
      return type.types.map(wrap).join(" & ");
    }
    if (flags & ts.TypeFlags.TypeParameter) {
      return "unknown";
    }
    if (flags & ts.TypeFlags.Object) {
      if (checker.isArrayType(type)) {
        const [element] = checker.getTypeArguments(type as ts.TypeReference);
        const readonly = type.getSymbol()?.name === "ReadonlyArray";
        return `${readonly ? "ReadonlyArray" : "Array"}<${element ? print(element) : "unknown"}>`;
      }
      if (checker.isTupleType(type)) {
        const elements = checker.getTypeArguments(type as ts.TypeReference).map(print);
        return `[${elements.join(", ")}]`;
      }
      if (isLibType(type)) {
        const symbol = type.getSymbol();
        const args = (type as ts.TypeReference).target
          ? checker.getTypeArguments(type as ts.TypeReference)
          : [];
        return args.length > 0 ? `${symbol?.name}<${args.map(print).join(", ")}>` : String(symbol?.name);
      }
      return objectBody(type);
    }
    return checker.typeToString(type, undefined, ts.TypeFormatFlags.NoTruncation);
  };

  const print = (type: ts.Type): string => {
    const seen = recursive.get(type);
    if (stack.includes(type)) {
      if (seen) {
        return seen;
      }
      const name = nameFor(type);
      recursive.set(type, name);
      return name;
    }
    if (seen) {
      return seen;
    }
    stack.push(type);
    let text: string;
    try {
      text = structural(type);
    } finally {
      stack.pop();
    }
    const selfName = recursive.get(type);
    if (selfName) {
      declared.push(`type ${selfName} = ${text};`);
      return selfName;
    }
    if (text.length >= HOIST_AT && type.flags & ts.TypeFlags.Object) {
      let name = hoisted.get(text);
      if (!name) {
        name = nameFor(type);
        hoisted.set(text, name);
        declared.push(`type ${name} = ${text};`);
      }
      return name;
    }
    return text;
  };

  return { print, aliases: () => declared };
}

/** The procedures (and nested routers) of a router record type, as a type literal of our own. */
function recordLiteral(checker: ts.TypeChecker, printer: Printer, record: ts.Type, indent: string): string {
  const lines: string[] = [];
  for (const property of checker.getPropertiesOfType(record)) {
    const value = checker.getTypeOfSymbol(property);
    const def = value.getProperty("_def");
    const defType = def ? checker.getTypeOfSymbol(def) : undefined;
    const kind = defType?.getProperty("type");
    const types = defType?.getProperty("$types");
    if (defType && kind && types && defType.getProperty("procedure")) {
      const kindName = checker.typeToString(checker.getTypeOfSymbol(kind)).replaceAll('"', "");
      const typesType = checker.getTypeOfSymbol(types);
      const input = typesType.getProperty("input");
      const output = typesType.getProperty("output");
      if (!input || !output) {
        throw new Error(`procedure ${property.name} has no input/output types`);
      }
      const wrapper = {
        query: "TRPCQueryProcedure",
        mutation: "TRPCMutationProcedure",
        subscription: "TRPCSubscriptionProcedure",
      }[kindName];
      if (!wrapper) {
        throw new Error(`procedure ${property.name} has an unknown kind ${kindName}`);
      }
      const inputText = printer.print(checker.getTypeOfSymbol(input));
      const outputText = printer.print(checker.getTypeOfSymbol(output));
      lines.push(
        `${indent}${identifier(property.name)}: ${wrapper}<{ input: ${inputText}; output: ${outputText}; meta: object }>;`,
      );
      continue;
    }
    // A nested router (its record under _def.record) or a plain record of procedures.
    const nestedRecord = defType?.getProperty("record");
    const nested = nestedRecord ? checker.getTypeOfSymbol(nestedRecord) : value;
    lines.push(`${indent}${identifier(property.name)}: {`);
    lines.push(recordLiteral(checker, printer, nested, `${indent}  `));
    lines.push(`${indent}};`);
  }
  return lines.join("\n");
}

/**
 * Declarations standing for src/router.ts: `VextrusServices` (service name -> its procedures),
 * `VextrusRouter`, `RouterInputs`, `RouterOutputs`.
 */
export function routerDeclarations(program: ts.Program, routerFile: string): string {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(routerFile);
  if (!source) {
    throw new Error(`${routerFile} is not in the program`);
  }
  const exported = checker.getSymbolAtLocation(source);
  const find = (name: string): ts.Type => {
    const symbol = exported && checker.getExportsOfModule(exported).find((s) => s.name === name);
    if (!symbol) {
      throw new Error(`${routerFile} does not export ${name}`);
    }
    return checker.getDeclaredTypeOfSymbol(symbol);
  };
  const printer = createPrinter(checker, program);
  const services = find("VextrusServices");
  const serviceLines: string[] = [];
  for (const service of checker.getPropertiesOfType(services)) {
    const routerType = checker.getTypeOfSymbol(service);
    const def = routerType.getProperty("_def");
    const record = def && checker.getTypeOfSymbol(def).getProperty("record");
    if (!record) {
      throw new Error(`VextrusServices.${service.name} is not a tRPC router`);
    }
    serviceLines.push(`  ${identifier(service.name)}: {`);
    serviceLines.push(recordLiteral(checker, printer, checker.getTypeOfSymbol(record), "    "));
    serviceLines.push("  };");
  }
  // The root types every service shares; only the error shape and the transformer reach a client.
  const router = find("VextrusRouter");
  const rootConfig = checker.getTypeOfSymbol(
    checker.getPropertyOfType(
      checker.getTypeOfSymbol(router.getProperty("_def") as ts.Symbol),
      "_config",
    ) as ts.Symbol,
  );
  const rootTypes = checker.getTypeOfSymbol(rootConfig.getProperty("$types") as ts.Symbol);
  const errorShape = printer.print(checker.getTypeOfSymbol(rootTypes.getProperty("errorShape") as ts.Symbol));
  return [
    ...printer.aliases(),
    "/** Service name (the first segment of every procedure path) -> its procedures. */",
    `export type VextrusServices = {\n${serviceLines.join("\n")}\n};`,
    "/** The root types every service shares (superjson, the platform's error shape). */",
    `type SharedRoot = { ctx: object; meta: object; errorShape: ${errorShape}; transformer: true };`,
    "export type VextrusRouter = TRPCBuiltRouter<SharedRoot, TRPCDecorateCreateRouterOptions<VextrusServices>>;",
    "export type RouterInputs = inferRouterInputs<VextrusRouter>;",
    "export type RouterOutputs = inferRouterOutputs<VextrusRouter>;",
  ].join("\n");
}
