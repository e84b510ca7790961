
/
x0Placeholder*
dtype0*
shape:W
/
x1Placeholder*
dtype0*
shape:W

opMaximumx0x1*
T0"ª