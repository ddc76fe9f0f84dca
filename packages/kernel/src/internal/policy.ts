/**
 * Job policy: for each condition an action and whether child jobs may change it. A job copies its
 * parent's policy when it is made; an entry set with override DENY (every `BASIC_V1` entry) is
 * final below that job, so a child can tighten only what its ancestors left open. Changes are
 * computed on a copy and committed whole, so a refused call changes nothing.
 * @internal
 */
import { Status } from "../Status.js"
import { PolicyAction, PolicyCondition, PolicyMode, PolicyOverride } from "../Task.js"
import { fail } from "./fail.js"

/** Conditions that hold an entry (NEW_ANY is a shorthand for the NEW_* ones, not an entry). */
const CONDITIONS = PolicyCondition.AMBIENT_MARK_VMO_EXEC + 1
/** The conditions NEW_ANY stands for. */
const NEW_OBJECT_CONDITIONS: ReadonlyArray<number> = [
  PolicyCondition.NEW_VMO,
  PolicyCondition.NEW_CHANNEL,
  PolicyCondition.NEW_EVENT,
  PolicyCondition.NEW_EVENTPAIR,
  PolicyCondition.NEW_PORT,
  PolicyCondition.NEW_SOCKET,
  PolicyCondition.NEW_FIFO,
  PolicyCondition.NEW_TIMER,
  PolicyCondition.NEW_PROCESS,
  PolicyCondition.NEW_PROFILE,
  PolicyCondition.NEW_PAGER
]
/** Most entries one call may carry (`ZX_POL_MAX`). */
export const MAX_POLICY_ENTRIES = CONDITIONS

/** One entry as the syscall or the host gives it (override: a `PolicyOverride`). */
export interface PolicyInput {
  readonly condition: number
  readonly action: number
  readonly override: number
}

export class JobPolicy {
  private constructor(private readonly actions: Uint8Array, private readonly overrides: Uint8Array) {}

  /** The root job's policy: everything allowed, everything open to change. */
  static root(): JobPolicy {
    return new JobPolicy(new Uint8Array(CONDITIONS), new Uint8Array(CONDITIONS))
  }

  /** A copy, for a child job. */
  copy(): JobPolicy {
    return new JobPolicy(this.actions.slice(), this.overrides.slice())
  }

  /** The action for a condition (`ZX_POL_ACTION_*`). */
  action(condition: number): number {
    return condition >= 0 && condition < CONDITIONS && condition !== PolicyCondition.NEW_ANY
      ? this.actions[condition]
      : PolicyAction.DENY
  }

  /** Whether a child job may still change the entry for `condition`. */
  override(condition: number): number {
    return condition >= 0 && condition < CONDITIONS ? this.overrides[condition] : PolicyOverride.DENY
  }

  /**
   * The policy with `entries` added per `mode`, as Zircon's `JobPolicy::AddBasicPolicy`: an entry
   * whose condition is still open replaces it; one that repeats a final entry exactly is accepted;
   * any other conflict is skipped (RELATIVE) or fails ALREADY_EXISTS (ABSOLUTE). Unknown
   * conditions and overrides fail INVALID_ARGS, unknown actions NOT_SUPPORTED, more than
   * {@link MAX_POLICY_ENTRIES} entries OUT_OF_RANGE.
   */
  withEntries(mode: number, entries: ReadonlyArray<PolicyInput>): JobPolicy {
    if (mode !== PolicyMode.RELATIVE && mode !== PolicyMode.ABSOLUTE) fail(Status.INVALID_ARGS)
    if (entries.length > MAX_POLICY_ENTRIES) fail(Status.OUT_OF_RANGE)
    const next = this.copy()
    let anyOverride: number | null = null
    for (const e of entries) {
      if (e.condition === PolicyCondition.NEW_ANY) {
        for (const c of NEW_OBJECT_CONDITIONS) next.addOne(mode, c, e.action, PolicyOverride.ALLOW)
        if (!isOverride(e.override)) fail(Status.INVALID_ARGS)
        anyOverride = e.override
      } else {
        next.addOne(mode, e.condition, e.action, e.override)
      }
    }
    if (anyOverride !== null) { for (const c of NEW_OBJECT_CONDITIONS) next.overrides[c] = anyOverride }
    return next
  }

  private addOne(mode: number, condition: number, action: number, override: number): void {
    if (!Number.isInteger(action) || action < 0) fail(Status.INVALID_ARGS)
    if (action > PolicyAction.KILL) fail(Status.NOT_SUPPORTED)
    if (!isOverride(override)) fail(Status.INVALID_ARGS)
    if (
      !Number.isInteger(condition) || condition < 0 || condition >= CONDITIONS || condition === PolicyCondition.NEW_ANY
    ) {
      fail(Status.INVALID_ARGS)
    }
    if (this.overrides[condition] === PolicyOverride.ALLOW) {
      this.actions[condition] = action
      this.overrides[condition] = override
      return
    }
    if (this.actions[condition] === action && override === PolicyOverride.DENY) return
    if (mode === PolicyMode.ABSOLUTE) fail(Status.ALREADY_EXISTS)
  }
}

const isOverride = (o: number): boolean => o === PolicyOverride.ALLOW || o === PolicyOverride.DENY
