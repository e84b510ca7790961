
3
x0Placeholder*
dtype0*
shape
:%
/
x1Placeholder*
dtype0*
shape:
I
op#SparseSoftmaxCrossEntropyWithLogitsx0x1*
Tlabels0*
T0"ª