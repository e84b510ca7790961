
/
x0Placeholder*
dtype0
*
shape:
0
c1Const*
valueB:*
dtype0
0
c2Const*
valueB:*
dtype0
-
opSlicex0c1c2*
T0
*
Index0"ª