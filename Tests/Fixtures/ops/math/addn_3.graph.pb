
7
x0Placeholder*
shape:*
dtype0
7
x1Placeholder*
shape:*
dtype0
7
x2Placeholder*
shape:*
dtype0
(
opAddNx0x1x2*
T0*
N"ª