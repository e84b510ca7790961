// `import TensorFlowHub` is the whole public API: tensors (`Tensor`, `Shape`, `ElementType`, `NumpyFile`),
// plans and their options (`PlanOptions`, `ExecutionContext`, `Graph`), kernel backends (`KernelBackend`),
// handles and the cache (`ModuleResolver`), the protobuf values and their limits (`ProtoDecodingLimits`),
// and the errors of each of those layers (`ProtoDecodingError`, `BundleError`, ...), so callers can catch
// them by type.
@_exported import HubResolver
@_exported import Interpreter
@_exported import Kernels
@_exported import TFProto
@_exported import TensorBundle
@_exported import Tensors
