
/
x0Placeholder*
dtype0*
shape:
/
x1Placeholder*
dtype0*
shape:
/
x2Placeholder*
dtype0
*
shape:
)
op	IdentityNx0x1x2*
T
2
"ª