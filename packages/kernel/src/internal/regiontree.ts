/**
 * The children of a VMAR in address order: a treap (a binary search tree kept balanced by random
 * priorities) of disjoint `[base, base+size)` spans, each subtree augmented with its first base,
 * its last end and the largest gap between consecutive spans inside it. Insertion, removal,
 * lookup of the span at an address, the spans overlapping a range, and the first free spot of a
 * given size at or after an address all take O(log n) expected steps (plus the spans reported),
 * so a VMAR with tens of thousands of mappings maps and unmaps as fast as an empty one.
 * @internal
 */

/** What the tree holds: a span of addresses that does not move while it is in the tree. */
export interface Span {
  readonly base: number
  readonly size: number
}

class Node<T extends Span> {
  left: Node<T> | null = null
  right: Node<T> | null = null
  /** Base of the leftmost span of the subtree. */
  first: number
  /** End of the rightmost span of the subtree. */
  last: number
  /** Largest gap between consecutive spans of the subtree (0 with one span). */
  maxGap = 0
  count = 1

  constructor(readonly item: T, readonly priority: number) {
    this.first = item.base
    this.last = item.base + item.size
  }
}

/**
 * Priorities come from one generator (xorshift32) shared by every tree: the tree's shape depends
 * on them but nothing else does, and a guest choosing addresses cannot choose them.
 */
let priorityState = 0x6b43a9b5
const nextPriority = (): number => {
  let x = priorityState
  x ^= x << 13
  x ^= x >>> 17
  x ^= x << 5
  priorityState = x
  return x >>> 0
}

const update = <T extends Span>(n: Node<T>): void => {
  const base = n.item.base
  const end = base + n.item.size
  const l = n.left
  const r = n.right
  let gap = 0
  let count = 1
  if (l !== null) {
    n.first = l.first
    gap = Math.max(l.maxGap, base - l.last)
    count += l.count
  } else {
    n.first = base
  }
  if (r !== null) {
    n.last = r.last
    gap = Math.max(gap, r.maxGap, r.first - end)
    count += r.count
  } else {
    n.last = end
  }
  n.maxGap = gap
  n.count = count
}

/** The spans of one VMAR. */
export class RegionTree<T extends Span> {
  private root: Node<T> | null = null
  // Results of `split`, kept in fields so splitting allocates nothing.
  private splitLeft: Node<T> | null = null
  private splitRight: Node<T> | null = null

  /** How many spans the tree holds. */
  get size(): number {
    return this.root === null ? 0 : this.root.count
  }

  /** Splits `n` into the spans with base below `key` and the rest. */
  private split(n: Node<T> | null, key: number): void {
    if (n === null) {
      this.splitLeft = null
      this.splitRight = null
      return
    }
    if (n.item.base < key) {
      this.split(n.right, key)
      n.right = this.splitLeft
      update(n)
      this.splitLeft = n
    } else {
      this.split(n.left, key)
      n.left = this.splitRight
      update(n)
      this.splitRight = n
    }
  }

  /** Joins two trees whose spans are in order (every span of `a` before every span of `b`). */
  private merge(a: Node<T> | null, b: Node<T> | null): Node<T> | null {
    if (a === null) return b
    if (b === null) return a
    if (a.priority > b.priority) {
      a.right = this.merge(a.right, b)
      update(a)
      return a
    }
    b.left = this.merge(a, b.left)
    update(b)
    return b
  }

  /** Adds a span that overlaps none in the tree. */
  insert(item: T): void {
    this.split(this.root, item.base)
    const left = this.splitLeft
    const right = this.splitRight
    this.root = this.merge(this.merge(left, new Node(item, nextPriority())), right)
  }

  /** Removes `item` (found by its base); nothing happens when it is not in the tree. */
  remove(item: T): boolean {
    this.split(this.root, item.base)
    const left = this.splitLeft
    this.split(this.splitRight, item.base + 1)
    const middle = this.splitLeft
    const right = this.splitRight
    if (middle !== null && middle.item === item && middle.count === 1) {
      this.root = this.merge(left, right)
      return true
    }
    this.root = this.merge(this.merge(left, middle), right)
    return false
  }

  /** Removes every span. */
  clear(): void {
    this.root = null
  }

  /** The first span (lowest base) that ends above `address`, if any. */
  firstEndingAbove(address: number): T | undefined {
    let n = this.root
    let found: T | undefined
    while (n !== null) {
      if (n.item.base + n.item.size > address) {
        found = n.item
        n = n.left
      } else {
        n = n.right
      }
    }
    return found
  }

  /** The span containing `address`, if any. */
  at(address: number): T | undefined {
    let n = this.root
    while (n !== null) {
      const item = n.item
      if (address < item.base) n = n.left
      else if (address >= item.base + item.size) n = n.right
      else return item
    }
    return undefined
  }

  /** The spans overlapping `[start, end)`, in address order. */
  overlapping(start: number, end: number): Array<T> {
    const out: Array<T> = []
    const visit = (n: Node<T> | null): void => {
      if (n === null || n.last <= start || n.first >= end) return
      visit(n.left)
      const item = n.item
      if (item.base < end && item.base + item.size > start) out.push(item)
      visit(n.right)
    }
    visit(this.root)
    return out
  }

  /** Every span, in address order. */
  toArray(): Array<T> {
    const out: Array<T> = []
    const visit = (n: Node<T> | null): void => {
      if (n === null) return
      visit(n.left)
      out.push(n.item)
      visit(n.right)
    }
    visit(this.root)
    return out
  }

  /**
   * The lowest address `x >= from`, a multiple of `alignment`, such that `[x, x+size)` lies in a
   * gap between spans and inside `[low, high)`; -1 when there is none. Subtrees whose gaps are all
   * smaller than `size`, or that lie wholly before `from` or after `high`, are skipped whole.
   */
  findSpot(from: number, size: number, alignment: number, low: number, high: number): number {
    const fit = (start: number, end: number): number => {
      const s = Math.ceil(Math.max(start, from, low) / alignment) * alignment
      return s + size <= Math.min(end, high) ? s : -1
    }
    const search = (n: Node<T> | null, prevEnd: number, nextBase: number): number => {
      if (n === null) return fit(prevEnd, nextBase)
      // The subtree's gaps, with the ones at its edges, lie in [prevEnd, nextBase).
      if (Math.min(nextBase, high) - Math.max(prevEnd, from, low) < size) return -1
      if (Math.max(n.first - prevEnd, n.maxGap, nextBase - n.last) < size) return -1
      const base = n.item.base
      const x = search(n.left, prevEnd, base)
      if (x >= 0) return x
      return search(n.right, base + n.item.size, nextBase)
    }
    return search(this.root, low, high)
  }
}
