
/
x0Placeholder*
dtype0*
shape:W
/
x1Placeholder*
dtype0*
shape:W
$
opAddNx0x1*
N*
T0"ª