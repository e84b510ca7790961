
3
x0Placeholder*
dtype0*
shape
:%
3
x1Placeholder*
dtype0*
shape
:%
4
opSoftmaxCrossEntropyWithLogitsx0x1*
T0"ª