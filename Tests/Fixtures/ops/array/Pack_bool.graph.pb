
/
x0Placeholder*
dtype0
*
shape:
/
x1Placeholder*
dtype0
*
shape:
0
opPackx0x1*
N*
T0
*

axis"ª