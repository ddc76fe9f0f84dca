/**
 * The numbers that tune the JIT, in one place. Each says what it trades; the measurements behind
 * the defaults are in the package README ("The JIT").
 * @internal
 */

/**
 * Entries into a pc (the start of a run, the target of a taken jump or branch, an exit of
 * compiled code to a pc with no translation yet) the interpreter sees before the region starting
 * there is compiled. Compiling a region costs about as much as interpreting 20,000–100,000
 * instructions (module compile + instantiate, see README), so code must prove it will run that
 * long first; loops prove it quickly because every iteration re-enters their head.
 */
export const HOTNESS_THRESHOLD = 200

/**
 * Retired instructions per entry above which a pc entered on the loop of a compiled region counts
 * as rarely entered: it gets a short region running up to that region (`stopsAtEntries`) instead
 * of a copy of the loop. Such a pc is entered where compiled code left the loop other than by its
 * own edges: a time slice ends there (one per 200,000 instructions at most), the interpreter ran
 * an access that missed the TLB and went on to the end of the iteration, an indirect jump went
 * somewhere not seen before. A pc entered as often as every 20,000 instructions is part of the
 * program's flow between regions, and a transition there on every pass costs more than the copy.
 * The rate is taken between the pc's first time hot (when it is left out once because another
 * region translates it) and its second.
 */
export const RARE_ENTRY_INSTRUCTIONS = 20_000

/**
 * A pc whose count reaches `HOTNESS_THRESHOLD / WARM_DIVISOR` is "warm": when some region becomes
 * hot, warm ones are compiled in the same module (up to `BATCH_REGIONS`), so the many small hot
 * spots of a program's start share the per-module cost.
 */
export const WARM_DIVISOR = 4

/** Regions compiled per WebAssembly module at most (hot ones plus warm ones). */
export const BATCH_REGIONS = 16

/**
 * Instructions the interpreter may run while hot regions wait for company: a hot region is
 * compiled once `BATCH_REGIONS` are hot, or when this many instructions were interpreted since the
 * first of them became hot (about 50 µs, a fraction of what compiling one module costs), so
 * regions that heat up together, as at a program's start, share modules while a lone hot loop
 * barely waits.
 */
export const COMPILE_PATIENCE = 5_000

/**
 * Instructions per region at most. A region is the code reachable from its entry through
 * fall-throughs, direct jumps and branches, and the targets its indirect jumps were seen taking,
 * inside its entry's 4 KiB page and the next. Bigger regions keep more control flow inside one
 * function (fewer exits, more for V8 to optimize) but cost more to compile, and the interpreter
 * runs up to a region's worth at the end of a budget (compiled code stops where it could otherwise
 * overrun it). At 256 a switch-driven loop (the lexer benchmark's state machine, 360 instructions
 * in its two pages) was cut into pieces, each compiled again as a region of its own.
 */
export const MAX_REGION_INSTRUCTIONS = 1024

/**
 * Instructions of a region outside the loop through its entry at most (the nearest to the entry
 * are kept): the loop stays whole up to `MAX_REGION_INSTRUCTIONS`, while the code around it, which
 * runs once per entry, is not worth copying into every region that reaches it.
 */
export const REGION_CORE_INSTRUCTIONS = 256

/**
 * Slots of each table of translation caches (one table for loads, one for stores). Every load or
 * store inside a region's loop keeps the translation it used last in a slot (shared by the
 * accesses through the same base register): an aligned access to the same page then skips the
 * TLB (one mask and compare, off the chain of dependent loads). Slots persist across calls and are
 * handed out round-robin; two sites sharing one only lose hits.
 */
export const SITE_SLOTS = 2048

/**
 * Targets remembered per indirect jump (JALR) site. A region gives an indirect jump an edge to
 * each remembered target inside its pages: a switch table's cases, a dispatch loop's handlers and
 * the functions a pointer calls then stay in compiled code, reached by comparing the computed
 * target.
 */
export const INDIRECT_TARGETS = 64

/** Indirect jump sites remembered at most (the table starts over when full). */
export const INDIRECT_SITES = 8192

/** Sets (of two entries) of each inline software TLB (loads, stores) in linear memory; a power of two. */
export const TLB_ENTRIES = 1024

/** Entries of the pc → function dispatch table in linear memory; a power of two. */
export const DISPATCH_ENTRIES = 8192

/**
 * Slots of the hashed hotness counters (pc halfword index modulo this). Collisions only make a
 * pc hot early.
 */
export const COUNTER_SLOTS = 65536

/** Instructions a single call into compiled code may run at most (the budget is an i32 inside). */
export const MAX_CHUNK = 1 << 30
