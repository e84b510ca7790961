
3
opConst*
valueB"ýÿ,*
dtype0"ª