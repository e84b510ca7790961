@_exported import TensorFlowHub
