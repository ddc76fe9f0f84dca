/**
 * The runs the cluster example submits: a mix of prebuilt guests whose results are known in
 * advance (an exit code, a greeting, a crash, a checksum), so every reply can be checked.
 */
import * as GuestRun from "@zxsim/pool/GuestRun"
import * as Schema from "effect/Schema"

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

/** The `i`th run of the workload. */
export const job = (i: number): Job => {
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
