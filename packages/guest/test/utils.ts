/** Helpers shared by the guest package's tests: paths and external tools. */
import { spawn, spawnSync } from "node:child_process"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

/** The package directory. */
export const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")

/** Whether `command --version` runs. */
export const hasCommand = (command: string): boolean => {
  const result = spawnSync(command, ["--version"], { encoding: "utf8" })
  return result.error === undefined && result.status === 0
}

/** The first line `command --version` prints, or undefined when it does not run. */
export const versionOf = (command: string, args: ReadonlyArray<string> = ["--version"]): string | undefined => {
  const result = spawnSync(command, [...args], { encoding: "utf8" })
  if (result.error !== undefined || result.status !== 0) return undefined
  return result.stdout.split("\n")[0]!.trim()
}

/** Runs the build script with `args` (and extra environment), returning its status and output. */
export const runBuildScript = (
  args: ReadonlyArray<string>,
  env: Record<string, string> = {}
): Promise<{ readonly status: number | null; readonly stdout: string; readonly stderr: string }> =>
  // Asynchronous: a rebuild of every program takes a minute on a busy machine, and the test
  // worker must keep answering vitest meanwhile.
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [
      "--conditions=@zxsim/source",
      "--import",
      "tsx",
      path.join(packageDir, "scripts", "build.ts"),
      ...args
    ], {
      cwd: packageDir,
      env: { ...process.env, ...env }
    })
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    child.on("error", reject)
    child.on("close", (status) => resolve({ status, stdout, stderr }))
  })

/** The host C compiler, if there is one. */
export const hostCompiler: string | undefined = ["cc", "gcc", "clang"].find(hasCommand)

/**
 * Compiles test/host/`name`.c for the host into `directory` (under AddressSanitizer and UBSan when
 * the compiler can) and returns the executable's path; undefined without a host compiler.
 */
export const buildHostProgram = (name: string, directory: string): string | undefined => {
  if (hostCompiler === undefined) return undefined
  const output = path.join(directory, name)
  const base = [
    "-std=gnu11",
    "-O1",
    "-Wall",
    "-Wextra",
    "-Werror",
    "-I",
    path.join(packageDir, "sysroot", "include"),
    "-I",
    path.join(packageDir, "sysroot", "src"),
    path.join(packageDir, "test", "host", `${name}.c`),
    "-o",
    output
  ]
  const sanitized = spawnSync(hostCompiler, ["-fsanitize=address,undefined", "-fno-sanitize-recover=all", ...base], {
    encoding: "utf8"
  })
  if (sanitized.status !== 0) {
    const plain = spawnSync(hostCompiler, base, { encoding: "utf8" })
    if (plain.status !== 0) throw new Error(`cannot build test/host/${name}.c: ${plain.stderr}`)
  }
  return output
}

/** Runs a host program built by {@link buildHostProgram}; throws unless it exits 0. */
export const runHostProgram = (program: string, args: ReadonlyArray<string>): string => {
  const result = spawnSync(program, [...args], {
    encoding: "utf8",
    maxBuffer: 64 << 20,
    env: { ...process.env, ASAN_OPTIONS: "detect_leaks=0" }
  })
  if (result.status !== 0) {
    throw new Error(`${path.basename(program)} ${args[0]} exited ${result.status}: ${result.stdout}${result.stderr}`)
  }
  return result.stdout
}
