
/
x0Placeholder*
shape:*
dtype0

0
c1Const*
valueB:*
dtype0
0
c2Const*
valueB:*
dtype0
-
opSlicex0c1c2*
Index0*
T0
"ª