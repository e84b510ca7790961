
3
x0Placeholder*
dtype0*
shape
:
0
c1Const*
valueB:*
dtype0
,
opReshapex0c1*
T0*
Tshape0"ª