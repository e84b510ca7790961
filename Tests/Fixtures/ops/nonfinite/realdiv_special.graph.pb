
/
x0Placeholder*
dtype0*
shape:Q
/
x1Placeholder*
dtype0*
shape:Q

opRealDivx0x1*
T0"ª