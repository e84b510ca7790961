
1
opConst*
dtype0*
valueB"ª