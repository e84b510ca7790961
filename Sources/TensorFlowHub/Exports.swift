// `import TensorFlowHub` is the whole public API: tensors (`Tensor`, `Shape`, `ElementType`, `NumpyFile`),
// plans and their options (`PlanOptions`, `ExecutionContext`, `Graph`), kernel backends (`KernelBackend`),
// handles and the cache (`ModuleResolver`), and the errors of each of those layers.
@_exported import HubResolver
@_exported import Interpreter
@_exported import Kernels
@_exported import Tensors
