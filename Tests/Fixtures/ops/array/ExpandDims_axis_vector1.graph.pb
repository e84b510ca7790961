
/
x0Placeholder*
dtype0*
shape:
0
c1Const*
valueB:*
dtype0
-
op
ExpandDimsx0c1*

Tdim0*
T0"ª