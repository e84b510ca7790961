
;
x0Placeholder*
dtype0*
shape:%
5
opBiasAddGradx0*
T0*
data_formatNHWC"ª