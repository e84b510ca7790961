
5
opConst*
valueB:*
dtype0"ª