
/
x0Placeholder*
dtype0*
shape:W

opRelu6x0*
T0"ª