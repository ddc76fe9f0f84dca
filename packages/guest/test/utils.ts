/** Helpers shared by the guest package's tests: paths and external tools. */
import { spawnSync } from "node:child_process"
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
export const runBuildScript = (args: ReadonlyArray<string>, env: Record<string, string> = {}) => {
  const result = spawnSync(process.execPath, ["--import", "tsx", path.join(packageDir, "scripts", "build.ts"), ...args], {
    cwd: packageDir,
    encoding: "utf8",
    env: { ...process.env, ...env }
  })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}
