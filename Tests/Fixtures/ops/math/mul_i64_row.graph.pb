
3
x0Placeholder*
shape
:*
dtype0	
/
x1Placeholder*
shape:*
dtype0	

opMulx0x1*
T0	"ª