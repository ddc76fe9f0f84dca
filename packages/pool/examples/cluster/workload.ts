/**
 * The runs the cluster example submits: a mix of prebuilt guests whose results are known in
 * advance (an exit code, a greeting, a crash, an echo; files written into a mounted directory
 * when one is given), so every reply can be checked.
 */
import * as GuestRun from "@zxsim/pool/GuestRun"
import * as Schema from "effect/Schema"
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"

/** One run to submit and what its result must be. */
export interface Job {
  readonly request: GuestRun.RunGuest
  /** Undefined when the result is right, else what is wrong with it. */
  readonly check: (result: GuestRun.RunResult) => string | undefined
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

const exits = (code: bigint, stdout?: string) => (result: GuestRun.RunResult): string | undefined =>
  result.outcome._tag !== "Exited" || result.outcome.returnCode !== code
    ? `expected exit ${code}, got ${JSON.stringify(Schema.encodeSync(GuestRun.Outcome)(result.outcome))}`
    : stdout !== undefined && text(result.stdout) !== stdout
    ? `expected stdout ${JSON.stringify(stdout)}, got ${JSON.stringify(text(result.stdout))}`
    : undefined

/** What a workload may use besides the prebuilt programs. */
export interface Options {
  /**
   * A host directory every runner reaches: then every fifth run writes a file of its own there
   * (`run-<i>.txt`, created exclusively, so a second attempt of the same run would fail).
   */
  readonly writeDir?: string
}

/** The `i`th run of the workload. */
export const job = (i: number, options: Options = {}): Job => {
  const writeDir = options.writeDir
  if (writeDir !== undefined && i % 5 === 4) {
    const contents = `run ${i}`
    const hex = Array.from(new TextEncoder().encode(contents), (b) => b.toString(16).padStart(2, "0")).join("")
    return {
      request: GuestRun.named("write_tree", {
        args: ["/out"],
        stdin: new TextEncoder().encode(`f run-${i}.txt ${hex}\n`),
        mounts: [GuestRun.Mount.make({ hostPath: writeDir, guestPath: "/out" })]
      }),
      check: (result) => {
        const wrong = exits(0n)(result)
        if (wrong !== undefined) return `${wrong} (stderr ${JSON.stringify(text(result.stderr))})`
        const path = join(writeDir, `run-${i}.txt`)
        return existsSync(path) && readFileSync(path, "utf8") === contents
          ? undefined
          : `${path} does not hold ${contents}`
      }
    }
  }
  switch (i % 4) {
    case 0:
      return { request: GuestRun.named("exit_code", { args: [String(i % 200)] }), check: exits(BigInt(i % 200)) }
    case 1:
      return { request: GuestRun.named("hello", { args: [`run-${i}`] }), check: exits(0n, `hello\nrun-${i}\n`) }
    case 2:
      return {
        request: GuestRun.named("cat", { stdin: new TextEncoder().encode(`input ${i}\n`) }),
        check: exits(0n, `input ${i}\n`)
      }
    default:
      return {
        request: GuestRun.named("wild_jump"),
        check: (result) =>
          result.outcome._tag === "Killed" && result.outcome.returnCode === -1028n
            ? undefined
            : `expected a fetch-fault kill`
      }
  }
}
