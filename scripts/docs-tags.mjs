/**
 * `npm run docs:tags [-- files…]`: gives every exported declaration of the packages' public modules
 * (and every public member of an exported class) the tags @effect/docgen needs: `@since` (the
 * package's version) where it has none, and a `@category` chosen from the kind of declaration where
 * it has none (interfaces and types: models; tagged errors: errors; layers, constructors, guards,
 * constants, symbols by name; otherwise utils). A declaration without a doc comment gets one with
 * only the tags (and `npm run docs` then still lists it, undescribed). Idempotent; `--check` only
 * lists what it would change and fails if anything. Plain JavaScript on TypeScript's own parser.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import ts from "typescript"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..")
const check = process.argv.includes("--check")
const explicit = process.argv.slice(2).filter((a) => !a.startsWith("--")).map((f) => resolve(f))

const sourcesOf = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return name === "internal" ? [] : sourcesOf(path)
    return name.endsWith(".ts") && !name.endsWith(".d.ts") ? [path] : []
  })

const packagesDir = join(root, "packages")
const files = explicit.length > 0 ? explicit : readdirSync(packagesDir)
  .filter((name) => JSON.parse(readFileSync(join(packagesDir, name, "package.json"), "utf8")).private !== true)
  .flatMap((name) => sourcesOf(join(packagesDir, name, "src")))

const versionOf = (file) => {
  let dir = dirname(file)
  while (dir !== root) {
    try {
      return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).version
    } catch {
      dir = dirname(dir)
    }
  }
  return "0.1.0"
}

const isExported = (node) => (ts.getCombinedModifierFlags(node) & ts.ModifierFlags.Export) !== 0

const categoryByName = (name, typeText) => {
  if (/^layer/.test(name) || /\bLayer\.Layer\b|\bLayer</.test(typeText)) return "layers"
  if (/TypeId$/.test(name)) return "symbols"
  if (/^[A-Z][A-Z0-9_]+$/.test(name)) return "constants"
  if (/^is[A-Z]/.test(name)) return "guards"
  if (/^(make|from|of|unsafe|empty)/.test(name)) return "constructors"
  return "utils"
}

const categoryOf = (node, text) => {
  if (ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node) || ts.isModuleDeclaration(node)) return "models"
  if (ts.isEnumDeclaration(node)) return "models"
  if (ts.isClassDeclaration(node)) {
    const heritage = node.heritageClauses?.map((h) => h.getText()).join(" ") ?? ""
    if (/Error\b|TaggedError|YieldableError/.test(heritage) || /Error$/.test(node.name?.text ?? "")) return "errors"
    if (/Context\.Tag|Effect\.Service|GenericTag/.test(heritage)) return "tags"
    return "models"
  }
  if (ts.isFunctionDeclaration(node)) return categoryByName(node.name?.text ?? "", "")
  if (ts.isVariableStatement(node)) {
    const declaration = node.declarationList.declarations[0]
    const name = declaration.name.getText()
    const typeText = (declaration.type?.getText() ?? "") + " " + (declaration.initializer?.getText().slice(0, 200) ?? "")
    if (/Context\.GenericTag|Context\.Tag\(/.test(typeText)) return "tags"
    return categoryByName(name, typeText)
  }
  return undefined
}

/** The doc comment right before `node` (its range), if any. */
const docCommentOf = (node, text) => {
  const ranges = ts.getLeadingCommentRanges(text, node.getFullStart()) ?? []
  const last = ranges[ranges.length - 1]
  if (last === undefined || last.kind !== ts.SyntaxKind.MultiLineCommentTrivia) return undefined
  if (!text.startsWith("/**", last.pos)) return undefined
  return last
}

const indentOf = (text, position) => {
  const lineStart = text.lastIndexOf("\n", position - 1) + 1
  return /^[ \t]*/.exec(text.slice(lineStart))[0]
}

let changed = 0
for (const file of files) {
  const text = readFileSync(file, "utf8")
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)
  const version = versionOf(file)
  const edits = []
  const seenFunctions = new Set()

  const tag = (node, category) => {
    const comment = docCommentOf(node, text)
    const start = node.getStart(source)
    const indent = indentOf(text, start)
    const wanted = []
    if (comment === undefined) {
      wanted.push(`@since ${version}`)
      if (category !== undefined) wanted.push(`@category ${category}`)
      edits.push({ pos: start, end: start, text: `/**\n${wanted.map((w) => `${indent} * ${w}`).join("\n")}\n${indent} */\n${indent}` })
      return
    }
    const body = text.slice(comment.pos, comment.end)
    if (!/@since\b/.test(body)) wanted.push(`@since ${version}`)
    if (category !== undefined && !/@category\b/.test(body)) wanted.push(`@category ${category}`)
    if (wanted.length === 0) return
    const inner = body.slice(3, -2)
    const lines = inner.includes("\n")
      ? inner.split("\n").map((l) => l.replace(/^\s*\* ?/, "")).filter((l, i, all) => !((i === 0 || i === all.length - 1) && l.trim() === ""))
      : [inner.trim()]
    const hasTags = lines.some((l) => l.trim().startsWith("@"))
    const all = [...lines, ...(hasTags ? [] : [""]), ...wanted]
    const rendered = `/**\n${all.map((l) => l === "" ? `${indent} *` : `${indent} * ${l}`).join("\n")}\n${indent} */`
    edits.push({ pos: comment.pos, end: comment.end, text: rendered })
  }

  const visitStatements = (statements, inNamespace) => {
    for (const node of statements) {
      if (ts.isExportDeclaration(node)) {
        if (node.exportClause !== undefined && ts.isNamespaceExport(node.exportClause)) tag(node, undefined)
        continue
      }
      if (!inNamespace && !isExported(node)) continue
      if (inNamespace && !isExported(node) && !ts.isInterfaceDeclaration(node) && !ts.isTypeAliasDeclaration(node)) continue
      if (ts.isFunctionDeclaration(node)) {
        const name = node.name?.text ?? ""
        if (seenFunctions.has(name)) continue
        seenFunctions.add(name)
      }
      tag(node, categoryOf(node, text))
      if (ts.isClassDeclaration(node)) {
        const seenMembers = new Set()
        for (const member of node.members) {
          if (ts.isConstructorDeclaration(member) || ts.isClassStaticBlockDeclaration(member) || ts.isIndexSignatureDeclaration(member)) continue
          const flags = ts.getCombinedModifierFlags(member)
          if ((flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) !== 0) continue
          if (member.name !== undefined && ts.isPrivateIdentifier(member.name)) continue
          const name = member.name?.getText() ?? ""
          if (seenMembers.has(name)) continue
          seenMembers.add(name)
          tag(member, undefined)
        }
      }
      if (ts.isModuleDeclaration(node) && node.body !== undefined && ts.isModuleBlock(node.body)) {
        visitStatements(node.body.statements, true)
      }
    }
  }
  visitStatements(source.statements, false)

  if (edits.length === 0) continue
  changed++
  if (check) {
    process.stdout.write(`${relative(root, file)}: ${edits.length} declaration(s) without @since or @category\n`)
    continue
  }
  edits.sort((a, b) => b.pos - a.pos)
  let out = text
  for (const e of edits) out = out.slice(0, e.pos) + e.text + out.slice(e.end)
  writeFileSync(file, out)
  process.stdout.write(`${relative(root, file)}: ${edits.length} tagged\n`)
}
if (check && changed > 0) process.exit(1)
