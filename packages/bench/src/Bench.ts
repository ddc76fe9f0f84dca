/**
 * The benchmark harness: each entry measures zxsim against a named peer in the same run and
 * reports the ratio, never a bare time.
 *
 * @since 0.1.0
 */

/** One measured row: a subject and its peer, with the throughput or rate of each. */
export interface Row {
  /** What was measured, such as "processargs encode (64 KiB)". */
  readonly name: string
  /** The unit of `subject` and `peer`, such as "MB/s" or "spawns/s" (higher is better). */
  readonly unit: string
  readonly subject: number
  /** The peer's name, such as "Buffer.copy" or "qemu-riscv64". */
  readonly peerName: string
  readonly peer: number
  /** Extra columns (checksums, per-stage times). */
  readonly notes?: string
}

/** A benchmark entry: a name and a function producing rows. */
export interface Entry {
  readonly name: string
  readonly run: () => Promise<ReadonlyArray<Row>>
}

/** Runs `f` repeatedly for about `ms` milliseconds and returns operations per second. */
export const opsPerSecond = (f: () => void, ms = 500): number => {
  // Warm up so the JIT tiers settle before timing.
  const warmEnd = performance.now() + Math.min(200, ms / 2)
  while (performance.now() < warmEnd) f()
  let count = 0
  const start = performance.now()
  let now = start
  const end = start + ms
  while (now < end) {
    for (let i = 0; i < 16; i++) f()
    count += 16
    now = performance.now()
  }
  return (count * 1000) / (now - start)
}

/** Formats a table of rows with the subject/peer ratio. */
export const format = (rows: ReadonlyArray<Row>): string => {
  const header = ["benchmark", "zxsim", "peer", "peer value", "unit", "ratio"]
  const lines = rows.map((r) => [
    r.name,
    r.subject.toPrecision(4),
    r.peerName,
    r.peer.toPrecision(4),
    r.unit,
    `${(r.subject / r.peer).toFixed(3)}x` + (r.notes !== undefined ? `  ${r.notes}` : "")
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)))
  const fmt = (cols: ReadonlyArray<string>) =>
    cols.map((c, i) => (i === cols.length - 1 ? c : c.padEnd(widths[i]))).join("  ")
  return [fmt(header), fmt(widths.map((w) => "-".repeat(w))), ...lines.map(fmt)].join("\n")
}
