/**
 * The wire declarations of `test.processbuilder/Util`, the protocol the process builder's test
 * programs serve so a test can ask a started process what it received: its arguments,
 * environment, namespace, a file's contents and its lifecycle handle's koid.
 *
 * @since 0.1.0
 */
import * as Protocol from "./Protocol.js"
import * as Wire from "./Wire.js"

/**
 * The name the protocol is served under in the test program's outgoing directory.
 *
 * @since 0.1.0
 * @category constants
 */
export const DISCOVERABLE_NAME = "test.processbuilder.Util"

/**
 * `EnvVar { key string; value string; }`: one environment entry, split at its first `=`.
 *
 * @since 0.1.0
 * @category utils
 */
export const EnvVar = Wire.struct({ key: Wire.string(), value: Wire.string() }, { name: "EnvVar" })

/**
 * `GetArguments -> (args vector<string>)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const GetArgumentsResponse = Wire.struct({ args: Wire.vector(Wire.string()) }, {
  name: "UtilGetArgumentsResponse"
})
/**
 * `GetArgumentCount -> (count uint64)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const GetArgumentCountResponse = Wire.struct({ count: Wire.uint64 }, { name: "UtilGetArgumentCountResponse" })
/**
 * `GetEnvironment -> (vars vector<EnvVar>)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const GetEnvironmentResponse = Wire.struct({ vars: Wire.vector(EnvVar) }, { name: "UtilGetEnvironmentResponse" })
/**
 * `GetEnvironmentCount -> (count uint64)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const GetEnvironmentCountResponse = Wire.struct({ count: Wire.uint64 }, {
  name: "UtilGetEnvironmentCountResponse"
})
/**
 * `DumpNamespace -> (contents string)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const DumpNamespaceResponse = Wire.struct({ contents: Wire.string() }, { name: "UtilDumpNamespaceResponse" })
/**
 * `ReadFile(path string)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const ReadFileRequest = Wire.struct({ path: Wire.string() }, { name: "UtilReadFileRequest" })
/**
 * `ReadFile -> (contents string)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const ReadFileResponse = Wire.struct({ contents: Wire.string() }, { name: "UtilReadFileResponse" })
/**
 * `GetLifecycleKoid -> (koid uint64)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const GetLifecycleKoidResponse = Wire.struct({ koid: Wire.uint64 }, { name: "UtilGetLifecycleKoidResponse" })

/**
 * `test.processbuilder/Util`: closed, every method strict and two-way.
 *
 * @since 0.1.0
 * @category utils
 */
export const Util = Protocol.make("test.processbuilder", "Util", {
  GetArguments: Protocol.twoWay(Wire.empty, GetArgumentsResponse),
  GetArgumentCount: Protocol.twoWay(Wire.empty, GetArgumentCountResponse),
  GetEnvironment: Protocol.twoWay(Wire.empty, GetEnvironmentResponse),
  GetEnvironmentCount: Protocol.twoWay(Wire.empty, GetEnvironmentCountResponse),
  DumpNamespace: Protocol.twoWay(Wire.empty, DumpNamespaceResponse),
  ReadFile: Protocol.twoWay(ReadFileRequest, ReadFileResponse),
  GetLifecycleKoid: Protocol.twoWay(Wire.empty, GetLifecycleKoidResponse)
})
