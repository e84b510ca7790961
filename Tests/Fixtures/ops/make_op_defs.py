"""Writes op_defs.pb: TensorFlow 2.21's OpDefs (an OpList) for every op the interpreter implements.

A test checks the interpreter's built-in attribute defaults (used for bare GraphDefs without a
stripped_op_list) against these. Add new ops to OPS and rerun.
Versions: TensorFlow 2.21.0 (tensorflow-cpu), numpy 2.4.6, CPython 3.11.
Run from the repository root: ${PYTHON:-.venv-oracle/bin/python} Tests/Fixtures/ops/make_op_defs.py
"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
from tensorflow.core.framework import op_def_pb2  # noqa: E402
from tensorflow.python.framework import op_def_registry  # noqa: E402

OPS = sorted("""
Const Identity IdentityN NoOp Placeholder PlaceholderWithDefault StopGradient VariableV2 VarHandleOp ReadVariableOp
ConcatV2 Pad StridedSlice Slice Split SplitV Squeeze ExpandDims Reshape Shape Size Cast Fill Transpose Pack
Conv2D DepthwiseConv2dNative FusedBatchNorm FusedBatchNormV2 FusedBatchNormV3 Relu Relu6 AvgPool MaxPool
Add AddV2 AddN Sub Mul RealDiv Maximum Minimum Rsqrt Sqrt Square Mean Sum Max MatMul BiasAdd Softmax LogSoftmax Floor Range
RandomUniform
Conv2DBackpropInput Conv2DBackpropFilter DepthwiseConv2dNativeBackpropInput DepthwiseConv2dNativeBackpropFilter
ReluGrad Relu6Grad BiasAddGrad L2Loss AvgPoolGrad MaxPoolGrad FusedBatchNormGrad FusedBatchNormGradV2
FusedBatchNormGradV3 SoftmaxCrossEntropyWithLogits SparseSoftmaxCrossEntropyWithLogits StridedSliceGrad
""".split())

op_list = op_def_pb2.OpList()
for name in OPS:
    op_list.op.add().CopyFrom(op_def_registry.get(name))
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "op_defs.pb")
with open(path, "wb") as f:
    f.write(op_list.SerializeToString())
print("%d ops, %d bytes" % (len(OPS), os.path.getsize(path)))
