
3
opConst*
dtype0*
valueB"ýÿ,"ª