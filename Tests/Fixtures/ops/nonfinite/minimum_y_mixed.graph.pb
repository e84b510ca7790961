
/
x0Placeholder*
dtype0*
shape:W
/
x1Placeholder*
dtype0*
shape:W

opMinimumx0x1*
T0"ª