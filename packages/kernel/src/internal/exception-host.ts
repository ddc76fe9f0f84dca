/**
 * The host's side of exceptions, policy resources and executable rights: the `exception`,
 * `resource` operations and the exception-related calls of `task`, `thread`, `process` and `vmo`.
 * `host.ts` builds the rest of the host view and passes its handle helpers in.
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import { EXCEPTION_INFO_BYTES, type ExceptionInfo } from "../Exception.js"
import type * as Handle from "../Handle.js"
import type { ExceptionOps, ResourceOps } from "../Kernel.js"
import { ObjectType } from "../ObjectType.js"
import * as RightsMod from "../Rights.js"
import { Rights } from "../Rights.js"
import { Status } from "../Status.js"
import type { ZxError } from "../ZxError.js"
import { readThreadState, writeThreadState } from "./exception-syscalls.js"
import {
  activeException,
  ChannelType,
  crashOf,
  createExceptionChannel,
  EXCEPTION_CHANNEL_RIGHTS,
  exceptionOf,
  isVmex,
  RESOURCE_RIGHTS,
  setExceptionState,
  vmexResource
} from "./exception.js"
import { fail } from "./fail.js"
import { HandleRef } from "./object.js"
import type { KernelState } from "./state.js"
import type { ProcessObject, ThreadObject } from "./task.js"
import type { VmoObject } from "./vmo.js"

/** The handle helpers of the host view. */
export interface HostTools {
  readonly run: <A>(operation: string, f: () => A) => Effect.Effect<A, ZxError>
  readonly one: (operation: string, f: () => HandleRef) => Effect.Effect<Handle.Handle<never>, ZxError, Scope.Scope>
  readonly resolve: (handle: Handle.Handle, type?: number, rights?: number) => HandleRef
}

/** The exception-related operations of the host view. */
export const makeExceptionHost = (kernel: KernelState, tools: HostTools) => {
  const { one, resolve, run } = tools
  const exceptionOfHandle = (h: Handle.Exception) => exceptionOf(resolve(h, ObjectType.EXCEPTION))
  const threadOf = (h: Handle.Thread, rights: number) => resolve(h, ObjectType.THREAD, rights).object as ThreadObject

  const exception: ExceptionOps = {
    thread: (h) => one("exception.thread", () => new HandleRef(exceptionOfHandle(h).thread, RightsMod.DEFAULT_THREAD)),
    process: (h) =>
      one("exception.process", () => {
        const e = exceptionOfHandle(h)
        if (e.channelType === ChannelType.THREAD) fail(Status.ACCESS_DENIED)
        return new HandleRef(e.thread.process, RightsMod.DEFAULT_PROCESS)
      }),
    getState: (h) => run("exception.getState", () => exceptionOfHandle(h).state),
    setState: (h, state) =>
      run("exception.setState", () => {
        const ref = resolve(h, ObjectType.EXCEPTION, Rights.SET_PROPERTY)
        setExceptionState(exceptionOf(ref), state)
      }),
    report: (h) => run("exception.report", () => exceptionOfHandle(h).report),
    decodeInfo: (bytes) =>
      run("exception.decodeInfo", (): ExceptionInfo => {
        if (bytes.length !== EXCEPTION_INFO_BYTES) fail(Status.INVALID_ARGS)
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
        return {
          pid: Number(view.getBigUint64(0, true)),
          tid: Number(view.getBigUint64(8, true)),
          type: view.getUint32(16, true)
        }
      })
  }

  const resource: ResourceOps = {
    vmex: () => Effect.orDie(one("resource.vmex", () => new HandleRef(vmexResource(kernel), RESOURCE_RIGHTS)))
  }

  return {
    exception,
    resource,
    createExceptionChannel: (task: Handle.Task, options?: { readonly debugger?: boolean }) =>
      one("task.createExceptionChannel", () => {
        const ref = resolve(task)
        const type = ref.object.type
        if (type !== ObjectType.THREAD && type !== ObjectType.PROCESS && type !== ObjectType.JOB) {
          fail(Status.WRONG_TYPE)
        }
        const needed = (Rights.INSPECT | Rights.DUPLICATE | Rights.TRANSFER | Rights.MANAGE_THREAD |
          (type === ObjectType.THREAD ? 0 : Rights.ENUMERATE)) >>> 0
        if (!RightsMod.has(ref.rights, needed)) fail(Status.ACCESS_DENIED)
        return new HandleRef(
          createExceptionChannel(kernel, ref.object, options?.debugger === true),
          EXCEPTION_CHANNEL_RIGHTS
        )
      }),
    readState: (thread: Handle.Thread, kind: number) =>
      run("thread.readState", () => {
        const t = threadOf(thread, Rights.READ)
        if (activeException(t) === undefined) fail(Status.BAD_STATE)
        return readThreadState(kernel, t, kind)
      }),
    writeState: (thread: Handle.Thread, kind: number, bytes: Uint8Array) =>
      run("thread.writeState", () => {
        const t = threadOf(thread, Rights.WRITE)
        const current = activeException(t)
        if (current === undefined) fail(Status.BAD_STATE)
        writeThreadState(kernel, t, kind, bytes)
        current!.registersWritten = true
      }),
    exceptionReport: (thread: Handle.Thread) =>
      run("thread.exceptionReport", () => {
        const current = activeException(threadOf(thread, Rights.INSPECT))
        if (current === undefined) fail(Status.BAD_STATE)
        return current!.report
      }),
    crashReport: (process: Handle.Process) =>
      run(
        "process.crashReport",
        () => Option.fromNullable(crashOf(resolve(process, ObjectType.PROCESS, Rights.INSPECT).object as ProcessObject))
      ),
    replaceAsExecutable: (vmo: Handle.Vmo, vmex?: Handle.Resource) =>
      one("vmo.replaceAsExecutable", () => {
        const ref = resolve(vmo, ObjectType.VMO)
        if (vmex !== undefined) {
          try {
            if (!isVmex(resolve(vmex, ObjectType.RESOURCE).object)) fail(Status.ACCESS_DENIED)
          } catch (e) {
            // The VMO handle is consumed whatever happens, as Zircon does.
            ref.close()
            throw e
          }
        }
        const moved = ref.move()
        const fresh = new HandleRef(moved.object as VmoObject, (moved.rights | Rights.EXECUTE) >>> 0)
        moved.close()
        return fresh
      })
  }
}
