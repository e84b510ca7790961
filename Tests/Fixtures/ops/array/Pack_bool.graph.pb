
/
x0Placeholder*
shape:*
dtype0

/
x1Placeholder*
shape:*
dtype0

0
opPackx0x1*
N*
T0
*

axis"ª