// `import TensorFlowHubServing` brings the whole of `TensorFlowHub` with it (modules, tensors, errors).
@_exported import TensorFlowHub
