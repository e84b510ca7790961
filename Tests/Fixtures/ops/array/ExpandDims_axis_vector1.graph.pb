
/
x0Placeholder*
shape:*
dtype0
0
c1Const*
valueB:*
dtype0
-
op
ExpandDimsx0c1*

Tdim0*
T0"ª