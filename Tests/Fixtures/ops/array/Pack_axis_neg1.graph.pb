
3
x0Placeholder*
shape
:*
dtype0
3
x1Placeholder*
shape
:*
dtype0
9
opPackx0x1*
N*
T0*
axisÿÿÿÿÿÿÿÿÿ"ª