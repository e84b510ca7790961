
3
x0Placeholder*
shape
:*
dtype0
/
x1Placeholder*
shape:*
dtype0
5
opBiasAddx0x1*
data_formatNHWC*
T0"ª