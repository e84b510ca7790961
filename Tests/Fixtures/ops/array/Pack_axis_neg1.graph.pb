
3
x0Placeholder*
dtype0*
shape
:
3
x1Placeholder*
dtype0*
shape
:
9
opPackx0x1*
N*
T0*
axisÿÿÿÿÿÿÿÿÿ"ª