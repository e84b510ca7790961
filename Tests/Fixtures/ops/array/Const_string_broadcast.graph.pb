
1
opConst*
valueBBab*
dtype0"ª