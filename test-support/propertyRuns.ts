/**
 * The number of runs for a property or a sampled test: `base` scaled by the factor in the
 * `ZXSIM_PROPERTY_RUNS` environment variable (default 1, the size `npm test` is budgeted for;
 * `ZXSIM_PROPERTY_RUNS=10 npx vitest run …` for a long run, `0.1` for a quick look). Never below
 * `minimum` (default 1). A factor that is not a positive number fails loudly rather than
 * silently running nothing. Every package's tests read the same variable (see the README's Test
 * section). One copy for every package's tests, in the repository's test-support project.
 */
export const propertyRuns = (base: number, minimum = 1): number => {
  const text = process.env.ZXSIM_PROPERTY_RUNS
  const factor = text === undefined || text === "" ? 1 : Number(text)
  if (!Number.isFinite(factor) || factor <= 0) {
    throw new Error(`ZXSIM_PROPERTY_RUNS=${text}: expected a positive number (a factor on the default run counts)`)
  }
  return Math.max(minimum, Math.round(base * factor))
}
