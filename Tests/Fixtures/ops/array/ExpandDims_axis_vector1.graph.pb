
/
x0Placeholder*
dtype0*
shape:
0
c1Const*
dtype0*
valueB:
-
op
ExpandDimsx0c1*

Tdim0*
T0"ª