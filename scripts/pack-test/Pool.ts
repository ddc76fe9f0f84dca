// Many guests at once: the packaged guests on two worker threads of an installed @zxsim/pool, whose
// worker entry is its built JavaScript.
// Prints: "exit 1\nexit 2\nexit 3\nexit 4\nhello\npool\n"
import * as GuestPool from "@zxsim/pool/GuestPool"
import * as GuestRun from "@zxsim/pool/GuestRun"
import * as GuestRunner from "@zxsim/pool/GuestRunner"
import * as Effect from "effect/Effect"

const program = Effect.gen(function*() {
  const results = yield* Effect.forEach(
    ["1", "2", "3", "4"],
    (n) =>
      GuestRunner.run(
        GuestRun.named("exit_code", { args: [n], limits: GuestRun.Limits.make({ deadlineMillis: 30_000 }) })
      ),
    { concurrency: "unbounded" }
  )
  for (const r of results) console.log(r.outcome._tag === "Exited" ? `exit ${r.outcome.returnCode}` : r.outcome._tag)
  const hello = yield* GuestRunner.run(GuestRun.named("hello", { args: ["pool"] }))
  process.stdout.write(hello.stdout)
})

Effect.runPromise(program.pipe(Effect.provide(GuestPool.layer({ size: 2 }))))
