if 1:
	x = 1
        y = 2
if 2:
  if 3:
	z=1
